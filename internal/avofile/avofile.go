// Package avofile is what natspike's avo generators share: writing the
// assembly and the Go declarations of the functions a build.Context holds,
// and the test that the committed files are the generator's output.
package avofile

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/pass"
	"github.com/mmcloughlin/avo/printer"
)

// Main is a generator's main: it writes the files (Write) into the
// directory given by the flag -dir (default ".") and exits with status 1
// on failure.
func Main(ctx *build.Context, generator, pkg, asm, stubs string) {
	dir := flag.String("dir", ".", "directory to write "+asm+" and "+stubs+" into")
	flag.Parse()
	if err := Write(ctx, *dir, generator, pkg, asm, stubs); err != nil {
		fmt.Fprintln(os.Stderr, generator+":", err)
		os.Exit(1)
	}
}

// Write compiles the functions of ctx and writes them as Go assembly to
// dir/asm and their declarations to dir/stubs, the files saying that
// generator (a path in the repository) made them for package pkg.
func Write(ctx *build.Context, dir, generator, pkg, asm, stubs string) error {
	cfg := printer.Config{Name: generator, Pkg: pkg}
	a, err := os.Create(filepath.Join(dir, asm))
	if err != nil {
		return err
	}
	s, err := os.Create(filepath.Join(dir, stubs))
	if err != nil {
		a.Close()
		return err
	}
	passes := []pass.Interface{pass.Compile, output(a, printer.NewGoAsm(cfg)), output(s, printer.NewStubs(cfg))}
	if build.Main(&build.Config{ErrOut: os.Stderr, Passes: passes}, ctx) != 0 {
		return fmt.Errorf("avo failed")
	}
	return nil // the output passes closed both files
}

func output(w io.WriteCloser, p printer.Printer) pass.Interface {
	return &pass.Output{Writer: w, Printer: p}
}

// CheckCurrent runs the generator (a package path relative to the test's
// directory, run with -dir) into a temporary directory and fails t unless
// each of files there equals the committed one.
func CheckCurrent(t *testing.T, generator string, files ...string) {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	dir := t.TempDir()
	cmd := exec.Command(goTool, "run", generator, "-dir", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run %s: %v\n%s", generator, err, out)
	}
	for _, name := range files {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the output of %s: run go generate", name, generator)
		}
	}
}

// Comparison predicates of VCMPPD that the generators use (ordered,
// non-signalling: false where a lane is NaN).
const (
	CmpEQ = 0x00
	CmpLT = 0x11
	CmpLE = 0x12
	CmpGE = 0x1d
	CmpGT = 0x1e
)

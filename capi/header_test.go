package capi

import (
	"context"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/learn"
)

// TestHeaderMatchesExports regenerates cgo's export header for this package
// and checks that natspike.h declares the same functions with the same
// parameter types (ignoring const and parameter names).
func TestHeaderMatchesExports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go tool cgo")
	}
	dir := t.TempDir()
	args := append([]string{"tool", "cgo", "-objdir", dir, "-exportheader", filepath.Join(dir, "h.h")}, cgoFiles(t)...)
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	want := prototypes(t, filepath.Join(dir, "h.h"))
	got := prototypes(t, "natspike.h")
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("export %s is not declared (so) in capi/natspike.h; Python reads argument types from there", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("capi/natspike.h declares %s, which is not an export (any more)", g)
		}
	}
}

// TestHeaderDefinesTheBufferTableLikeCgo checks that natspike.h defines
// ns_buffer exactly as the preamble of capi/train.go does (cgo copies that
// preamble into its export header).
func TestHeaderDefinesTheBufferTableLikeCgo(t *testing.T) {
	want := bufferStruct(t, "train.go")
	if got := bufferStruct(t, "natspike.h"); got != want {
		t.Errorf("natspike.h defines\n%s\nbut capi/train.go's preamble defines\n%s", got, want)
	}
	if got := bufferStruct(t, "harness.go"); got != want {
		t.Errorf("harness.go's test preamble defines\n%s\nbut capi/train.go's defines\n%s", got, want)
	}
}

var structRE = regexp.MustCompile(`typedef struct \{[^}]*\} ns_buffer;`)

func bufferStruct(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := structRE.Find(b)
	if m == nil {
		t.Fatalf("%s defines no ns_buffer", path)
	}
	return spaceRE.ReplaceAllString(string(m), " ")
}

// TestHeaderStatusEnum checks that natspike.h's enum gives every status the
// code of StatusNames, and no other status.
func TestHeaderStatusEnum(t *testing.T) {
	b, err := os.ReadFile("natspike.h")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, m := range regexp.MustCompile(`\b(NS_[A-Z]+)\s*=\s*(\d+)`).FindAllStringSubmatch(string(b), -1) {
		got[m[1]], _ = strconv.Atoi(m[2])
	}
	if !maps.Equal(got, StatusNames) {
		t.Errorf("natspike.h's status enum is %v, capi.StatusNames %v", got, StatusNames)
	}
	for name, code := range StatusNames {
		if s := statusOf(statusError(code)); s != code {
			t.Errorf("%s: an error of that kind maps to status %d, want %d", name, s, code)
		}
	}
}

// statusError returns an error that statusOf should map to code.
func statusError(code int) error {
	return map[int]error{StatusOK: nil, StatusInvalid: errors.New("bad"), StatusInternal: Fault(errors.New("x")),
		StatusCancelled: context.Canceled, StatusNoMemory: ErrNoMemory, StatusDiverged: learn.ErrDiverged}[code]
}

// cgoFiles lists the non-test Go files of this package that import "C".
func cgoFiles(t *testing.T) []string {
	names, _ := filepath.Glob("*.go")
	var files []string
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(n, "_test.go") && strings.Contains(string(b), "\nimport \"C\"\n") {
			files = append(files, n)
		}
	}
	return files
}

var (
	protoRE = regexp.MustCompile(`extern\s+int\s+(ns_\w+)\s*\(([^)]*)\)\s*;`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// prototypes returns "name(type, type, ...)" for each ns_ declaration.
func prototypes(t *testing.T, path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range protoRE.FindAllStringSubmatch(string(b), -1) {
		var types []string
		for _, p := range strings.Split(m[2], ",") {
			types = append(types, paramType(p))
		}
		out = append(out, m[1]+"("+strings.Join(types, ", ")+")")
	}
	slices.Sort(out)
	return out
}

// paramType drops const, the parameter name and spacing: "const double *mu"
// and "double* mu" both give "double*"; "long long int" gives "long long".
func paramType(p string) string {
	p = " " + strings.Join(strings.Fields(strings.ReplaceAll(p, "*", " * ")), " ") + " "
	f := strings.Fields(strings.ReplaceAll(p, " const ", " "))
	f = f[:len(f)-1] // the name
	s := strings.Join(f, " ")
	s = strings.ReplaceAll(s, " *", "*")
	s = strings.ReplaceAll(s, "long long int", "long long")
	return spaceRE.ReplaceAllString(s, " ")
}

// Package gopydep exists only to import gopy's runtime support package, so
// that github.com/go-python/gopy stays a direct requirement in go.mod.
// Without it `go mod tidy` demotes gopy to an indirect tool dependency and
// gopy's own `go build -mod=mod` rewrites go.mod during every Python build.
package gopydep

import _ "github.com/go-python/gopy/gopyh" // generated bindings import it

//go:build (amd64 && !amd64.v3) || 386

package version_test

// fusesMultiplyAdd: the Go compiler never fuses x*y+z into one FMA
// instruction here (amd64 below GOAMD64=v3, 386), so a float expression
// rounds the same on every such CPU.
const fusesMultiplyAdd = false

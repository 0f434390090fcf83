//go:build !((amd64 && !amd64.v3) || 386)

package version_test

// fusesMultiplyAdd: the Go compiler may fuse x*y+z into one FMA instruction
// (arm64, ppc64, s390x, riscv64, loong64; amd64 with GOAMD64=v3 or above),
// which rounds once instead of twice, so the engine's last bits differ from
// the default amd64 build's (the Fisher coefficient I2 = μ c1 + c2 σ² first).
const fusesMultiplyAdd = true

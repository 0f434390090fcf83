// Package kernelenv reads the one switch shared by every SIMD kernel
// choice in natspike: the environment variable NATSPIKE_KERNEL. When it is
// "generic", packages that choose a kernel at run time (core/lanes,
// core/rule's dense pass) take their pure-Go kernel whatever the CPU.
package kernelenv

import "os"

// Variable is the name of the environment variable.
const Variable = "NATSPIKE_KERNEL"

// ForceGeneric reports whether NATSPIKE_KERNEL asks for the generic kernels.
func ForceGeneric() bool { return os.Getenv(Variable) == "generic" }

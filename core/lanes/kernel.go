package lanes

import "os"

// selectKernel returns the fastest kernel this CPU supports, or the
// generic one when NATSPIKE_KERNEL=generic.
func selectKernel() func(*pass) {
	if os.Getenv("NATSPIKE_KERNEL") == "generic" {
		return advanceGeneric
	}
	if k := acceleratedKernel(); k != nil {
		return k
	}
	return advanceGeneric
}

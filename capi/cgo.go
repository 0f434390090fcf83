package capi

/*
#include <stdint.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Helpers shared by every export: the error buffer and caller-owned arrays.

// guard runs an export's body: it recovers panics, writes the message (or
// "") into the caller's err buffer and returns the status code.
func guard(err *C.char, errlen C.int, body func() error) C.int {
	status, msg := run(body)
	writeMessage(err, errlen, msg)
	return C.int(status)
}

// writeMessage copies msg NUL-terminated into dst[:n], cutting at a UTF-8
// boundary if needed, and reports whether it fitted.
func writeMessage(dst *C.char, n C.int, msg string) bool {
	if dst == nil || n <= 0 {
		return msg == ""
	}
	buf := unsafe.Slice((*byte)(unsafe.Pointer(dst)), int(n))
	k := truncateUTF8(msg, len(buf)-1)
	copy(buf, msg[:k])
	buf[k] = 0
	return k == len(msg)
}

// buffer names a caller-owned float64 array for error messages.
type buffer struct {
	name string
	p    *C.double
}

// checkBuffers rejects NULL arrays unless they are empty.
func checkBuffers(n int, bs ...buffer) error {
	for _, b := range bs {
		if b.p == nil && n > 0 {
			return fmt.Errorf("%s is a NULL pointer", b.name)
		}
	}
	return nil
}

// doubles views caller memory as a slice; valid only during the call.
func doubles(p *C.double, n int) []float64 {
	if p == nil || n == 0 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(p)), n)
}

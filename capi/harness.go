package capi

/*
#include <stdint.h>

typedef struct {
	const char *name;
	double *data;
	long long len;
} ns_buffer;
*/
import "C"

import "unsafe"

// Conversions to the C argument types of the exports, for this package's
// tests and fuzz targets: test files cannot use cgo, but they can pass the
// values returned here, so they call each export exactly as C does. The
// linker drops them from the library.

// cString returns a NUL-terminated copy of s (cut at an inner NUL, as C would see it).
func cString(s string) *C.char {
	b := append([]byte(s), 0)
	return (*C.char)(unsafe.Pointer(&b[0]))
}

// cDoubles points at xs[0], or is NULL for an empty or nil slice.
func cDoubles(xs []float64) *C.double {
	if len(xs) == 0 {
		return nil
	}
	return (*C.double)(unsafe.Pointer(&xs[0]))
}

// cLongLongs points at xs[0], or is NULL for an empty or nil slice.
func cLongLongs(xs []int64) *C.longlong {
	if len(xs) == 0 {
		return nil
	}
	return (*C.longlong)(unsafe.Pointer(&xs[0]))
}

func cLongLong(v int64) C.longlong { return C.longlong(v) }

func cDouble(v float64) C.double { return C.double(v) }

func cInt(v int32) C.int { return C.int(v) }

// cFlag and cCounter view a cancel flag and a progress counter (nil: NULL).
func cFlag(p *int32) *C.int32_t { return (*C.int32_t)(unsafe.Pointer(p)) }

func cCounter(p *int64) *C.int64_t { return (*C.int64_t)(unsafe.Pointer(p)) }

// errBuffer is a caller-owned message buffer of the given size.
type errBuffer []byte

func newErrBuffer(size int) errBuffer { return make(errBuffer, size) }

// args returns the (err, errlen) pair of an export call.
func (b errBuffer) args() (*C.char, C.int) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.int(len(b))
}

// String returns the NUL-terminated message, or all bytes if none is NUL.
func (b errBuffer) String() string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// bufferTable is the {name, data, len} table of ns_train and ns_run_trials.
type bufferTable []C.ns_buffer

// add appends an entry; data nil gives a NULL pointer with length n.
func (b *bufferTable) add(name string, data []float64, n int64) {
	*b = append(*b, C.ns_buffer{name: cString(name), data: cDoubles(data), len: C.longlong(n)})
}

// args returns the (buffers, nbuffers) pair of an export call.
func (b bufferTable) args() (*C.ns_buffer, C.int) {
	if len(b) == 0 {
		return nil, 0
	}
	return &b[0], C.int(len(b))
}

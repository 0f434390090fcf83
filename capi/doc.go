// Package capi is natspike's C ABI: cgo //export functions (prefix ns_) over
// the core packages, loaded from Python with ctypes. It is linked into the
// same shared library as the gopy extension (package bindings imports it),
// so the process holds one Go runtime. capi/natspike.h declares the exports.
//
// Conventions, shared by every export:
//
//   - The result is an int status: StatusOK, StatusInvalid (bad argument,
//     Python ValueError), StatusInternal (a bug or recovered panic,
//     RuntimeError), StatusCancelled (the cancel flag was raised,
//     KeyboardInterrupt) or StatusNoMemory (MemoryError).
//   - The last two parameters, char *err and int errlen, are a caller-owned
//     buffer that receives a NUL-terminated message ("" on success),
//     truncated to errlen−1 bytes.
//   - No panic escapes: guard recovers it, also in worker goroutines.
//   - Arrays are flat, C-contiguous float64 buffers owned by the caller, with
//     explicit lengths; outputs are allocated by the caller. Go keeps no
//     pointer into them after the call returns.
//   - Control-plane parameters arrive as one JSON object (const char*),
//     decoded by package internal/config; omitted keys take the paper's
//     defaults.
//   - Long calls take int32_t *cancel, polled atomically (watchCancel), and
//     int64_t *progress, incremented atomically; either may be NULL.
package capi

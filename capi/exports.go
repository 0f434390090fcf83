package capi

/*
#include <stdint.h>
*/
import "C"

import (
	"errors"
	"unsafe"

	"github.com/natspike/natspike/internal/config"
	"github.com/natspike/natspike/internal/version"
)

//export ns_version
func ns_version(out *C.char, n C.int) C.int {
	status, msg := run(func() error {
		if !writeMessage(out, n, version.Version) {
			return errors.New("version string truncated")
		}
		return nil
	})
	if status == StatusInternal { // a panic: out is the only buffer for its message
		writeMessage(out, n, msg)
	}
	return C.int(status)
}

//export ns_coefficients
func ns_coefficients(neuronJSON *C.char, mu, variance, q *C.double, n C.longlong, tol C.double, out *C.double,
	cancel *C.int32_t, progress *C.int64_t, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		if e := checkLen("n", int64(n)); e != nil {
			return e
		}
		if neuronJSON == nil {
			return errors.New("neuron JSON is NULL")
		}
		ne, e := engineOf(C.GoString(neuronJSON))
		if e != nil {
			return e
		}
		m := int(n)
		if e := checkBuffers(m, buffer{"mean", mu}, buffer{"var", variance}, buffer{"q", q}, buffer{"out", out}); e != nil {
			return e
		}
		ctx, stop := watchCancel((*int32)(unsafe.Pointer(cancel)))
		defer stop()
		res := doubles(out, m*len(CoefficientColumns))
		return checkResult(coefficientsInto(ctx, ne, doubles(mu, m), doubles(variance, m), doubles(q, m),
			float64(tol), res, Progress{(*int64)(unsafe.Pointer(progress))}), "out", res)
	})
}

//export ns_fisher_matrix
func ns_fisher_matrix(neuronJSON *C.char, w, rates *C.double, n C.longlong, out *C.double, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error { return fisherExport(neuronJSON, w, rates, n, out, false) })
}

//export ns_inverse_fisher_matrix
func ns_inverse_fisher_matrix(neuronJSON *C.char, w, rates *C.double, n C.longlong, out *C.double, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error { return fisherExport(neuronJSON, w, rates, n, out, true) })
}

func fisherExport(neuronJSON *C.char, w, rates *C.double, n C.longlong, out *C.double, inverse bool) error {
	c, m, err := neuronAndLen(neuronJSON, n, true)
	if err != nil {
		return err
	}
	if err := checkBuffers(m, buffer{"weights", w}, buffer{"rates", rates}, buffer{"out", out}); err != nil {
		return err
	}
	if err := fisherMemory(m); err != nil {
		return err
	}
	res := doubles(out, m*m)
	return checkResult(fisherInto(c, doubles(w, m), doubles(rates, m), res, inverse), "out", res)
}

// neuronAndLen decodes the neuron JSON and validates the array length n;
// with square, n ≥ 1 and an n×n output must be addressable.
func neuronAndLen(js *C.char, n C.longlong, square bool) (config.NeuronConfig, int, error) {
	check := checkLen
	if square {
		check = checkSquare
	}
	err := check("n", int64(n))
	if err != nil {
		return config.NeuronConfig{}, 0, err
	}
	if js == nil {
		return config.NeuronConfig{}, 0, errors.New("neuron JSON is NULL")
	}
	c, err := config.ParseNeuron([]byte(C.GoString(js)))
	return c, int(n), err
}

package capi

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunMapsErrorsAndPanicsToStatus(t *testing.T) {
	cases := []struct {
		kind   int
		status int
		msg    string
	}{
		{0, StatusInternal, "asked to panic"},
		{1, StatusInternal, "index out of range"},
		{2, StatusInternal, "worker panic"},
		{3, StatusNoMemory, "out of memory"},
		{7, StatusInvalid, "kind must be"},
	}
	for _, c := range cases {
		status, msg := run(func() error { return debugPanic(c.kind) })
		if status != c.status || !strings.Contains(msg, c.msg) {
			t.Errorf("kind %d: status %d %q, want %d containing %q", c.kind, status, msg, c.status, c.msg)
		}
	}
	if _, msg := run(func() error { return debugPanic(0) }); !strings.Contains(msg, "capi.debugPanic") {
		t.Errorf("panic message %q should name the panicking function", msg)
	}
	if s, _ := run(func() error { return context.Canceled }); s != StatusCancelled {
		t.Errorf("cancelled: status %d", s)
	}
	if s, _ := run(func() error { return Fault(errors.New("x")) }); s != StatusInternal {
		t.Errorf("fault: status %d", s)
	}
}

func TestWatchCancelStopsPromptlyAndNilFlagNever(t *testing.T) {
	var flag int32
	ctx, stop := watchCancel(&flag)
	defer stop()
	start := time.Now()
	time.AfterFunc(20*time.Millisecond, func() { atomic.StoreInt32(&flag, 1) })
	if err := debugSleep(ctx, 5*time.Second, Progress{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("debugSleep returned %v", err)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("cancellation took %v", d)
	}
	ctx2, stop2 := watchCancel(nil)
	defer stop2()
	var n int64
	if err := debugSleep(ctx2, 20*time.Millisecond, Progress{&n}); err != nil || n != 20 {
		t.Errorf("uncancelled 20-ms sleep: %v, progress %d, want 20 (ms elapsed, whatever ticks were dropped)", err, n)
	}
}

func TestForBlocksReportsLowestFailingBlock(t *testing.T) {
	for range 20 {
		err := forBlocks(context.Background(), 1000, 10, 4, func(_, lo, _ int) error {
			if lo >= 500 && lo%50 == 0 {
				return errors.New(strings.Repeat("x", lo/50))
			}
			return nil
		})
		if err == nil || len(err.Error()) != 10 {
			t.Fatalf("got %v, want the error of block 500", err)
		}
	}
}

func TestTruncateUTF8KeepsWholeRunes(t *testing.T) {
	s := "σ²"
	for limit, want := range []int{0, 0, 2, 2, 4, 4} {
		if got := truncateUTF8(s, limit); got != want {
			t.Errorf("truncateUTF8(%q, %d) = %d, want %d", s, limit, got, want)
		}
	}
}

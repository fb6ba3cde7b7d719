package scheduler

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// A check runs on the goroutine an earlier check left idle, and no checker outlives Run.
func TestChecksRunOnIdleCheckers(t *testing.T) {
	st := storetest.OpenSQLite(t)
	clk := newClock()
	var (
		mu         sync.Mutex
		goroutines = map[string]int{}
		checks     int
	)
	probe := func(context.Context, monitor.Target) monitor.Result {
		mu.Lock()
		defer mu.Unlock()
		goroutines[goroutineID()]++
		checks++
		return monitor.Result{Status: monitor.StatusUp, StatusCode: 200}
	}
	addSite(t, st, clk, "http://127.0.0.1:1/", 10, clk.Now())
	_, stop := start(t, st, clk, fastConfig(), probe)
	const want = 5
	for i := 1; i <= want; i++ {
		waitFor(t, fmt.Sprint("check ", i), func() bool {
			mu.Lock()
			defer mu.Unlock()
			return checks >= i
		})
		clk.Advance(10 * time.Second)
	}
	mu.Lock()
	used := len(goroutines)
	mu.Unlock()
	if used >= want {
		t.Errorf("%d checks one after another ran on %d goroutines: none was reused (%v)", want, used, goroutines)
	}
	stop()
	waitFor(t, "the checkers to end after Run", func() bool { return checkerGoroutines() == 0 })
}

// goroutineID is the running goroutine's number, from its stack's header.
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	id, _, _ := bytes.Cut(bytes.TrimPrefix(buf, []byte("goroutine ")), []byte(" "))
	return string(id)
}

// checkerGoroutines counts the goroutines in checker.
func checkerGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return bytes.Count(buf, []byte("scheduler.(*Scheduler).checker("))
}

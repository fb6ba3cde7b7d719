package e2e

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// target plays the monitored sites: each path answers with the status and after the delay
// set for it (200 at once by default).
type target struct {
	*httptest.Server
	mu     sync.Mutex
	codes  map[string]int
	delays map[string]func() time.Duration
}

func newTarget(t *testing.T) *target {
	tg := &target{codes: map[string]int{}, delays: map[string]func() time.Duration{}}
	tg.Server = httptest.NewServer(http.HandlerFunc(tg.serve))
	t.Cleanup(tg.Close)
	return tg
}

func (tg *target) serve(w http.ResponseWriter, r *http.Request) {
	tg.mu.Lock()
	code, ok := tg.codes[r.URL.Path]
	delay := tg.delays[r.URL.Path]
	tg.mu.Unlock()
	if !ok {
		code = http.StatusOK
	}
	if delay != nil {
		select {
		case <-time.After(delay()):
		case <-r.Context().Done():
			return
		}
	}
	w.WriteHeader(code)
	w.Write([]byte("ok"))
}

func (tg *target) answer(path string, code int) {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	tg.codes[path] = code
}

func (tg *target) slow(path string, delay func() time.Duration) {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	tg.delays[path] = delay
}

// Package benchfarm is the target side of Tocsin's load benchmarks: an HTTP server that answers
// every site of a benchmark and notes when each request arrived, and the sums over those
// arrivals. Lateness is measured here, where a visitor would see it, not where Tocsin claims.
package benchfarm

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Farm answers GET /N (N the site's number, from 0) with 200, or 500 while the site is set
// down, and notes when it came.
type Farm struct {
	srv   *http.Server
	ln    net.Listener
	mu    sync.Mutex
	times [][]time.Time // by site number
	down  map[int]bool  // sites that answer 500
}

// Start serves sites sites on a loopback port until Close.
func Start(sites int) (*Farm, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &Farm{ln: ln, times: make([][]time.Time, sites), down: map[int]bool{}}
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	go f.srv.Serve(ln)
	return f, nil
}

// URL is the address of site i.
func (f *Farm) URL(i int) string { return f.Base() + "/" + strconv.Itoa(i) }

// Base is the farm's address, without a site.
func (f *Farm) Base() string { return "http://" + f.ln.Addr().String() }

// Close stops serving; the arrivals stay readable.
func (f *Farm) Close() error { return f.srv.Close() }

func (f *Farm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
	if err != nil || i < 0 || i >= len(f.times) {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	f.mu.Lock()
	f.times[i] = append(f.times[i], at)
	down := f.down[i]
	f.mu.Unlock()
	if down {
		w.WriteHeader(http.StatusInternalServerError)
	}
}

// SetDown makes site i answer 500 (down) or 200.
func (f *Farm) SetDown(i int, down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down[i] = down
}

// LastRequest is when site i's latest request came; zero before its first.
func (f *Farm) LastRequest(i int) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ts := f.times[i]; len(ts) > 0 {
		return ts[len(ts)-1]
	}
	return time.Time{}
}

// Requests counts the requests that arrived so far.
func (f *Farm) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, ts := range f.times {
		n += len(ts)
	}
	return n
}

// AllCheckedAt is when the last site got its first request; false while some site has had none.
func (f *Farm) AllCheckedAt() (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var last time.Time
	for _, ts := range f.times {
		if len(ts) == 0 {
			return time.Time{}, false
		}
		if ts[0].After(last) {
			last = ts[0]
		}
	}
	return last, true
}

// Gaps sums up the requests that arrived in [from, to).
func (f *Farm) Gaps(interval time.Duration, from, to time.Time) Gaps {
	f.mu.Lock()
	defer f.mu.Unlock()
	return MeasureGaps(f.times, interval, from, to)
}

package probe

import (
	"context"
	"crypto/tls"
	"net/http/httptrace"
	"sync"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// phaseClock notes when each phase of a request began and ended. Its hooks run on the
// transport's goroutines (the dial runs on one of its own), hence the lock. A redirect starts a
// new request, which starts the clock over: the timings are the last request's.
type phaseClock struct {
	mu sync.Mutex
	at phaseTimes
}

// phaseTimes are the moments a phaseClock notes; zero when they did not happen.
type phaseTimes struct {
	dnsStart, dnsDone         time.Time
	connectStart, connectDone time.Time
	tlsStart, tlsDone         time.Time
	wroteRequest, firstByte   time.Time
}

// trace returns ctx with the clock's hooks attached to every request made with it.
func (c *phaseClock) trace(ctx context.Context) context.Context {
	note := func(at *time.Time, first bool) {
		now := time.Now()
		c.mu.Lock()
		defer c.mu.Unlock()
		// Several addresses may be tried: connecting starts with the first and ends with the
		// one that worked.
		if !first || at.IsZero() {
			*at = now
		}
	}
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GetConn: func(string) {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.at = phaseTimes{}
		},
		DNSStart:     func(httptrace.DNSStartInfo) { note(&c.at.dnsStart, true) },
		DNSDone:      func(httptrace.DNSDoneInfo) { note(&c.at.dnsDone, false) },
		ConnectStart: func(string, string) { note(&c.at.connectStart, true) },
		ConnectDone: func(_, _ string, err error) {
			if err == nil {
				note(&c.at.connectDone, false)
			}
		},
		TLSHandshakeStart:    func() { note(&c.at.tlsStart, true) },
		TLSHandshakeDone:     func(tls.ConnectionState, error) { note(&c.at.tlsDone, false) },
		WroteRequest:         func(httptrace.WroteRequestInfo) { note(&c.at.wroteRequest, false) },
		GotFirstResponseByte: func() { note(&c.at.firstByte, true) },
	})
}

// timings splits the last request's time into phases, the body having been read by end.
// A phase that did not happen, or did not finish, is zero.
func (c *phaseClock) timings(end time.Time) *monitor.Timings {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &monitor.Timings{
		DNS:              span(c.at.dnsStart, c.at.dnsDone),
		Connect:          span(c.at.connectStart, c.at.connectDone),
		TLS:              span(c.at.tlsStart, c.at.tlsDone),
		ServerProcessing: span(c.at.wroteRequest, c.at.firstByte),
		Transfer:         span(c.at.firstByte, end),
	}
}

func span(from, to time.Time) time.Duration {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return 0
	}
	return to.Sub(from)
}

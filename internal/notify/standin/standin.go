// Package standin plays the services Tocsin alerts through, on loopback, for tests: Slack's
// incoming webhooks, Telegram's Bot API, an ntfy server, a receiver of signed webhooks and an
// SMTP server. Each records what it took and answers as its service does: success, rate
// limits, errors, and the answers of a destination that is gone. (Discord's is discordtest.)
package standin

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
)

// Reply is one scripted answer. Status 0 is the service's success; Dead answers as the
// service does for a destination that is gone; Drop closes the connection unanswered.
type Reply struct {
	Status     int
	RetryAfter int // seconds, on a 429
	Dead       bool
	Drop       bool
}

// script hands out answers: the queued ones first, then the standing one.
type script struct {
	mu       sync.Mutex
	queue    []Reply
	fallback Reply
	attempts int
}

// Script queues answers for the next requests; after them, Always's answer holds.
func (s *script) Script(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, replies...)
}

// Always sets the answer given once the script has run out (success by default).
func (s *script) Always(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = r
}

// Attempts counts every request, answered well or not.
func (s *script) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

func (s *script) next() Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	if len(s.queue) > 0 {
		r := s.queue[0]
		s.queue = s.queue[1:]
		return r
	}
	return s.fallback
}

// log keeps what a stand-in took, in order.
type log[T any] struct {
	mu    sync.Mutex
	items []T
}

func (l *log[T]) add(v T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, v)
}

func (l *log[T]) all() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.items...)
}

// server starts an HTTP stand-in that the test closes.
func server(t testing.TB, h http.HandlerFunc) *httptest.Server {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// hostOf is host:port of a URL, for the allow-list settings.
func hostOf(raw string) string {
	u, _ := url.Parse(raw)
	return u.Host
}

// drop closes the connection without an answer, after the request was read.
func drop(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
	}
}

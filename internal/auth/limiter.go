package auth

import (
	"sync"
	"time"
)

// AttemptLimiter allows at most Max attempts per key within Window (a sliding window), for
// login and sign-up. It is kept in memory: each process limits on its own. An attempt is
// counted when it is allowed, so that attempts made at once cannot slip past the limit
// together; one that turns out to be a successful login is given back with Refund.
type AttemptLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	attempts map[string][]time.Time
}

// NewAttemptLimiter allows max attempts per key in each window.
func NewAttemptLimiter(max int, window time.Duration, now func() time.Time) *AttemptLimiter {
	return &AttemptLimiter{max: max, window: window, now: now, attempts: map[string][]time.Time{}}
}

// Allow records an attempt for every key and reports whether all of them are under the limit;
// when not, it says how long until the next attempt would be allowed and records nothing.
func (l *AttemptLimiter) Allow(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys {
		recent := l.recent(k, now)
		if len(recent) >= l.max {
			wait = max(wait, recent[0].Add(l.window).Sub(now))
		}
	}
	if wait > 0 {
		return false, wait
	}
	for _, k := range keys {
		l.attempts[k] = append(l.attempts[k], now)
	}
	if len(l.attempts) > 10000 {
		l.sweep(now)
	}
	return true, 0
}

// Refund takes back the newest attempt of key: a successful login is not an attempt to guess.
func (l *AttemptLimiter) Refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if times := l.attempts[key]; len(times) > 1 {
		l.attempts[key] = times[:len(times)-1]
	} else {
		delete(l.attempts, key)
	}
}

// Forget clears a key's attempts, after a successful login.
func (l *AttemptLimiter) Forget(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.attempts, key)
}

func (l *AttemptLimiter) recent(key string, now time.Time) []time.Time {
	times := l.attempts[key]
	i := 0
	for i < len(times) && !times[i].After(now.Add(-l.window)) {
		i++
	}
	times = times[i:]
	if len(times) == 0 {
		delete(l.attempts, key)
	} else {
		l.attempts[key] = times
	}
	return times
}

// sweep drops keys with no recent attempts, so the map does not grow without bound.
func (l *AttemptLimiter) sweep(now time.Time) {
	for k := range l.attempts {
		l.recent(k, now)
	}
}

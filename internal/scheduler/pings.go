package scheduler

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// pingBuffer keeps push pings that arrived while the database was away, by token: which site a
// token names cannot be read until it is back. The writer resolves them then and writes them
// with the results; until it has, no claim is made, so no push deadline is judged without them.
type pingBuffer struct {
	mu   sync.Mutex
	kept []keptPing
	wake chan struct{} // tells the writer a ping waits
}

type keptPing struct {
	token string
	at    time.Time
}

func (b *pingBuffer) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.kept)
}

// BufferPing keeps a push ping the database could not take, to be written when it is back. It
// reports false when the buffer is full or the scheduler is shutting down.
func (s *Scheduler) BufferPing(token string, at time.Time) bool {
	s.mu.Lock()
	stopping := s.stopping
	s.mu.Unlock()
	if stopping {
		return false
	}
	b := &s.pings
	b.mu.Lock()
	if len(b.kept) >= s.cfg.OutageBuffer {
		b.mu.Unlock()
		return false
	}
	b.kept = append(b.kept, keptPing{token: token, at: at})
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
	return true
}

// resolve finds the sites of the kept pings, in order, and returns them as results to write;
// pings of unknown tokens and paused sites are dropped. It stops at the first lookup the
// database fails, keeping that ping and those after it, and returns the error.
func (b *pingBuffer) resolve(st Store) ([]store.CheckResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.kept) == 0 {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []store.CheckResult
	for i, p := range b.kept {
		site, err := st.SiteByPushToken(ctx, p.token)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			b.kept = b.kept[i:]
			return out, err
		}
		if err == nil && site.Kind == monitor.KindPush && !site.Paused {
			out = append(out, store.CheckResult{SiteID: site.ID, Ping: true,
				Result: monitor.Result{CheckedAt: p.at, Status: monitor.StatusUp}})
		}
	}
	b.kept = nil
	return out, nil
}

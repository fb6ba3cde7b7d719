package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Live updates: a page that shows sites opens GET /app/live (server-sent events) and is told
// a key each time what it shows may have changed; when the key differs from the one the page
// was rendered with, the page fetches itself again and swaps the parts that change. The
// stream polls the store, not this process's memory, so a change recorded by another Tocsin
// process on the same database shows as well.

const (
	// defaultLivePoll is how often a stream asks the store for changes.
	defaultLivePoll = 2 * time.Second
	// liveHeartbeat is how often an idle stream says it is alive, so proxies keep it open.
	liveHeartbeat = 25 * time.Second
)

// liveView tells a page's script where its stream is and the key the page was rendered with.
type liveView struct {
	Stream string
	Key    string
}

// liveEvent is the data of one event.
type liveEvent struct {
	Key  string `json:"key"`
	Down int    `json:"down"`
}

// overviewKey changes whenever the overview's counts or the set of sites or their states do.
func overviewKey(d store.SitesDigest) string {
	changed := int64(0)
	if d.LastChange != nil {
		changed = d.LastChange.UnixMicro()
	}
	return fmt.Sprintf("o%d.%d.%d.%d.%d.%d.%d", d.Sites, d.Up, d.Down, d.Pending, d.Paused, d.IDSum, changed)
}

// siteKey changes with every check of the site and every change of its settings' state.
func siteKey(s monitor.Site) string {
	at := func(t *time.Time) int64 {
		if t == nil {
			return 0
		}
		return t.UnixMicro()
	}
	return fmt.Sprintf("s%d.%s.%t.%d.%d.%d", s.ID, s.Status, s.Paused, at(s.LastChecked), at(s.LastStatusChange), s.NextCheckAt.UnixMicro())
}

// digests shares one store read among the streams of an owner: however many tabs are open,
// the store is asked at most once per poll interval and owner.
type digests struct {
	mu   sync.Mutex
	byOw map[int64]cachedDigest
}

type cachedDigest struct {
	d  store.SitesDigest
	at time.Time
}

func (c *digests) get(ctx context.Context, st Store, owner int64, maxAge time.Duration) (store.SitesDigest, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byOw[owner]; ok && time.Since(e.at) < maxAge {
		return e.d, nil
	}
	d, err := st.SitesDigest(ctx, owner)
	if err != nil {
		return d, err
	}
	if c.byOw == nil {
		c.byOw = map[int64]cachedDigest{}
	}
	c.byOw[owner] = cachedDigest{d, time.Now()}
	return d, nil
}

func (h *Handler) live(w http.ResponseWriter, r *http.Request) {
	var siteID int64
	if raw := r.URL.Query().Get("site"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id < 1 {
			h.fail(w, r, &badInput{"site", "a site id is a whole number from 1"})
			return
		}
		siteID = id
	}
	poll := h.livePoll
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: pass events on as they come
	w.WriteHeader(http.StatusOK)
	// A browser reconnects this long after the stream ends (at shutdown, say).
	fmt.Fprintf(w, "retry: %d\n\n", (5 * time.Second).Milliseconds())
	last, quiet := "", time.Now()
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	for {
		// The server's WriteTimeout would cut the stream: each write pushes the deadline on.
		rc.SetWriteDeadline(time.Now().Add(poll + liveHeartbeat))
		ev, err := h.liveState(r.Context(), siteID, poll)
		if err != nil {
			if r.Context().Err() == nil {
				h.log.Warn("live updates: reading the store failed", "err", err)
			}
			return
		}
		switch {
		case ev.Key != last:
			if last != "" && !h.stillSignedIn(r) {
				return // signed out, or the session ended on the server: the stream ends too
			}
			data, _ := json.Marshal(ev)
			_, err = fmt.Fprintf(w, "event: change\ndata: %s\n\n", data)
			last, quiet = ev.Key, time.Now()
		case time.Since(quiet) >= liveHeartbeat:
			if !h.stillSignedIn(r) {
				return // signed out, or the session ended on the server: the stream ends too
			}
			_, err = fmt.Fprint(w, ": still here\n\n")
			quiet = time.Now()
		}
		if err == nil {
			err = rc.Flush()
		}
		if err != nil {
			return // the browser went away
		}
		select {
		case <-r.Context().Done():
			return
		case <-h.stopping:
			return
		case <-ticker.C:
		}
	}
}

// liveState is what a stream reports now: the overview's key, or the site's.
func (h *Handler) liveState(ctx context.Context, siteID int64, poll time.Duration) (liveEvent, error) {
	d, err := h.digests.get(ctx, h.store, owner0(ctx), poll/2)
	if err != nil {
		return liveEvent{}, err
	}
	ev := liveEvent{Key: overviewKey(d), Down: d.Down}
	if siteID != 0 {
		s, err := h.store.Site(ctx, owner0(ctx), siteID)
		if err != nil {
			return liveEvent{}, err
		}
		ev.Key = siteKey(s)
	}
	return ev, nil
}

// owner0 is owner for a context rather than a request.
func owner0(ctx context.Context) int64 {
	u, _ := ctx.Value(viewerKey{}).(monitor.User)
	return u.ID
}

package api

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tocsin/tocsin/internal/store"
)

const (
	defaultHistoryLimit = 100
	maxHistoryLimit     = 1000
)

// historyPage is one page of checks; next_before, when set, is the `before` of the next page.
type historyPage struct {
	Checks     []checkView `json:"checks"`
	NextBefore *time.Time  `json:"next_before"`
}

type eventsPage struct {
	Events     []eventView `json:"events"`
	NextBefore *time.Time  `json:"next_before"`
}

func (h *Handler) siteHistory(w http.ResponseWriter, r *http.Request) error {
	id, q, err := historyRequest(r)
	if err != nil {
		return err
	}
	checks, err := h.store.History(r.Context(), owner(r), id, q)
	if err != nil {
		return err
	}
	page := historyPage{Checks: make([]checkView, len(checks))}
	for i, c := range checks {
		page.Checks[i] = viewCheck(c)
	}
	if len(checks) == q.Limit {
		page.NextBefore = &checks[len(checks)-1].CheckedAt
	}
	return reply(w, http.StatusOK, page)
}

func (h *Handler) siteEvents(w http.ResponseWriter, r *http.Request) error {
	id, q, err := historyRequest(r)
	if err != nil {
		return err
	}
	events, err := h.store.Events(r.Context(), owner(r), id, q)
	if err != nil {
		return err
	}
	page := eventsPage{Events: make([]eventView, len(events))}
	for i, e := range events {
		page.Events[i] = viewEvent(e)
	}
	if len(events) == q.Limit {
		page.NextBefore = &events[len(events)-1].At
	}
	return reply(w, http.StatusOK, page)
}

// historyRequest reads the site id and the paging parameters: limit, before, from, to.
func historyRequest(r *http.Request) (int64, store.HistoryQuery, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, store.HistoryQuery{}, err
	}
	params := r.URL.Query()
	q := store.HistoryQuery{Limit: defaultHistoryLimit}
	if raw := params.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxHistoryLimit {
			return 0, q, badField("limit", "limit must be a whole number from 1 to 1000")
		}
		q.Limit = n
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"before", &q.Before}, {"from", &q.From}, {"to", &q.To}} {
		if *p.dst, err = timeParam(params, p.name); err != nil {
			return 0, q, err
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.From.After(q.To) {
		return 0, q, badField("from", "from must not be after to")
	}
	return id, q, nil
}

func timeParam(params url.Values, name string) (time.Time, error) {
	raw := params.Get(name)
	if raw == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return time.Time{}, badField(name, name+" must be an RFC 3339 time, like 2024-01-16T20:00:00Z")
	}
	return t, nil
}

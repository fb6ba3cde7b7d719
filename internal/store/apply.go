package store

import (
	"slices"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Writes is what one RecordChecks call stores: a check (and maybe an event) per result, and
// one update per site with its state after its last result.
type Writes struct {
	Recorded []Recorded
	Sites    []SiteUpdate
}

// SiteUpdate is a site's row after a batch of results.
type SiteUpdate struct {
	SiteID       int64
	State        monitor.State
	Last         monitor.Result
	ReleaseClaim bool
}

// PlanWrites folds results, in order, into the states of their sites. states holds the current
// state of every site that still exists; results for other sites are dropped. Both stores call
// this inside the transaction that holds their sites' rows, so two results for one site can
// never both flip it.
func PlanWrites(states map[int64]monitor.State, results []CheckResult) Writes {
	w := Writes{Recorded: make([]Recorded, 0, len(results))}
	index := make(map[int64]int, len(states))
	for _, r := range results {
		st, ok := states[r.SiteID]
		if !ok {
			continue
		}
		next, ev := st.Apply(r.Result)
		if ev != nil {
			ev.SiteID = r.SiteID
		}
		states[r.SiteID] = next
		w.Recorded = append(w.Recorded, Recorded{Check: monitor.Check{SiteID: r.SiteID, Result: r.Result}, State: next, Event: ev})

		i, seen := index[r.SiteID]
		if !seen {
			i = len(w.Sites)
			index[r.SiteID] = i
			w.Sites = append(w.Sites, SiteUpdate{SiteID: r.SiteID})
		}
		u := &w.Sites[i]
		u.State, u.Last = next, r.Result
		u.ReleaseClaim = u.ReleaseClaim || r.Claimed
	}
	return w
}

// SiteIDs lists the distinct sites the results are for, in ascending order so that
// transactions lock rows in one order and cannot deadlock each other.
func SiteIDs(results []CheckResult) []int64 {
	ids := make([]int64, 0, len(results))
	for _, r := range results {
		ids = append(ids, r.SiteID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

package store

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Writes is what one RecordChecks call stores: a check (and maybe an event and an alert) per
// result, and one update per site with its state after its last result.
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

// PlanWrites folds results, in order, into the states of their sites. sites holds every site
// that still exists, with its state, name and URL; results for other sites are dropped. Both
// stores call this inside the transaction that holds their sites' rows, so two results for one
// site can never both flip it.
func PlanWrites(sites map[int64]monitor.Site, results []CheckResult) Writes {
	w := Writes{Recorded: make([]Recorded, 0, len(results))}
	states := make(map[int64]monitor.State, len(sites))
	index := make(map[int64]int, len(sites))
	for _, r := range results {
		site, ok := sites[r.SiteID]
		if !ok {
			continue
		}
		st, seen := states[r.SiteID]
		if !seen {
			st = site.State()
		}
		step := st.Apply(r.Result)
		states[r.SiteID] = step.State
		rec := Recorded{Check: monitor.Check{SiteID: r.SiteID, Result: r.Result}, State: step.State, Event: step.Event}
		if rec.Event != nil {
			rec.Event.SiteID = r.SiteID
		}
		if step.Alert != "" {
			alert := monitor.NewAlert(step.Alert, site, r.Result, st)
			rec.Alert = &alert
		}
		w.Recorded = append(w.Recorded, rec)

		i, seen := index[r.SiteID]
		if !seen {
			i = len(w.Sites)
			index[r.SiteID] = i
			w.Sites = append(w.Sites, SiteUpdate{SiteID: r.SiteID})
		}
		u := &w.Sites[i]
		u.State, u.Last = step.State, r.Result
		u.ReleaseClaim = u.ReleaseClaim || r.Claimed
	}
	return w
}

// AlertSites lists the sites that raised alerts in the batch, for looking up their webhooks.
func (w Writes) AlertSites() []int64 {
	var ids []int64
	for _, r := range w.Recorded {
		if r.Alert != nil {
			ids = append(ids, r.Alert.SiteID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// NewNotification is an outbox row to insert.
type NewNotification struct {
	WebhookID int64
	SiteID    int64
	EventID   *int64
	Kind      monitor.AlertKind
	Payload   []byte // the alert, as JSON
	At        time.Time
}

// Notifications makes the outbox rows for the batch's alerts: one per alert per webhook of its
// site, given targets, the webhooks each alerting site alerts. Call it after the events are
// inserted, so the rows carry their event ids.
func (w Writes) Notifications(targets map[int64][]int64) ([]NewNotification, error) {
	var rows []NewNotification
	for _, r := range w.Recorded {
		if r.Alert == nil {
			continue
		}
		payload, err := json.Marshal(r.Alert)
		if err != nil {
			return nil, err
		}
		var eventID *int64
		if r.Event != nil {
			eventID = &r.Event.ID
		}
		for _, webhook := range targets[r.Alert.SiteID] {
			rows = append(rows, NewNotification{WebhookID: webhook, SiteID: r.Alert.SiteID, EventID: eventID,
				Kind: r.Alert.Kind, Payload: payload, At: r.Alert.At})
		}
	}
	return rows, nil
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

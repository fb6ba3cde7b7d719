package store

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Writes is what one RecordChecks call stores: a check (and maybe events and alerts) per
// result, and one update per site with its state after its last result.
type Writes struct {
	Recorded []Recorded
	Sites    []SiteUpdate
}

// SiteUpdate is a site's row after a batch of results.
type SiteUpdate struct {
	Site         monitor.Site // with its state after its last result
	Last         monitor.Result
	ReleaseClaim bool
	// NextCheckAt, when set, brings the next check forward (a failure being confirmed) or, for
	// a ping, sets the push site's new deadline.
	NextCheckAt *time.Time
	Pinged      bool // a push site's heartbeat: NextCheckAt is its new deadline, not a retry
	// Ledger is the site's uptime ledger after the batch, written with its state (see PlanLedger).
	Ledger *Ledger
}

// PlanWrites folds results, in order, into their sites. sites holds every site that still
// exists, with its settings and state; results for other sites are dropped. Both stores call
// this inside the transaction that holds their sites' rows, so two results for one site can
// never both flip it. The rules themselves are monitor.Site.Observe's; cal says which sites a
// maintenance window covers at each check's time.
func PlanWrites(sites map[int64]monitor.Site, results []CheckResult, cal monitor.MaintenanceCalendar) Writes {
	w := Writes{Recorded: make([]Recorded, 0, len(results)), Sites: make([]SiteUpdate, 0, min(len(results), len(sites)))}
	index := make(map[int64]int, len(sites))
	if !cal.Empty() && len(results) > 0 {
		from, to := results[0].Result.CheckedAt, results[0].Result.CheckedAt
		for _, r := range results {
			from, to = earliest(from, r.Result.CheckedAt), latest(to, r.Result.CheckedAt)
		}
		cal = cal.Span(from, to.Add(time.Nanosecond))
	}
	for _, r := range results {
		site, ok := sites[r.SiteID]
		if !ok {
			continue
		}
		i, seen := index[r.SiteID]
		if seen {
			site = w.Sites[i].Site
		} else {
			i = len(w.Sites)
			index[r.SiteID] = i
			w.Sites = append(w.Sites, SiteUpdate{})
		}
		u := &w.Sites[i]
		u.ReleaseClaim = u.ReleaseClaim || r.Claimed
		if r.Held {
			// History only: the site keeps its state, and only its last check moves.
			u.Site, u.Last = site, r.Result
			w.Recorded = append(w.Recorded, Recorded{Check: monitor.Check{SiteID: r.SiteID, Result: r.Result, Held: true}, State: site.State()})
			continue
		}
		if Overtaken(site, r) {
			// History only, as a held check, and the site's last check stays where it is.
			if !seen {
				u.Site, u.Last = site, lastResultOf(site)
			}
			w.Recorded = append(w.Recorded, Recorded{Check: monitor.Check{SiteID: r.SiteID, Result: r.Result}, State: site.State()})
			continue
		}
		site.InMaintenance = cal.Covers(site, r.Result.CheckedAt)
		o := site.Observe(r.Result)
		w.Recorded = append(w.Recorded, recorded(r, o))
		u.Site, u.Last = o.Site, r.Result
		switch {
		case r.Ping:
			next := site.PingDeadline(r.Result.CheckedAt)
			at := r.Result.CheckedAt
			u.NextCheckAt, u.Site.LastPingAt, u.Pinged = &next, &at, true
		case o.RetryAt != nil && (u.NextCheckAt == nil || o.RetryAt.Before(*u.NextCheckAt)):
			u.NextCheckAt = o.RetryAt
		}
	}
	return w
}

// Overtaken says the result waited while the database was away and is older than the site's
// last check: meanwhile another process checked the site. It is history, and changes nothing:
// the newer check already said what the site is. A ping is never overtaken, since it moves a
// deadline no check can.
func Overtaken(site monitor.Site, r CheckResult) bool {
	return r.Late && !r.Ping && site.LastChecked != nil && r.Result.CheckedAt.Before(*site.LastChecked)
}

// lastResultOf is the site's last check as the site row holds it, to be written back unchanged.
func lastResultOf(site monitor.Site) monitor.Result {
	last := monitor.Result{StatusCode: site.StatusCode, Error: site.LastError}
	if site.ResponseTimeMS != nil {
		last.ResponseTime = time.Duration(*site.ResponseTimeMS) * time.Millisecond
	}
	if site.LastChecked != nil {
		last.CheckedAt = *site.LastChecked
	}
	return last
}

func recorded(r CheckResult, o monitor.Observation) Recorded {
	rec := Recorded{Check: monitor.Check{SiteID: r.SiteID, Result: r.Result}, State: o.State, Event: o.Event,
		Latency: o.LatencyEvent, Flapping: o.FlapEvent}
	for _, ev := range rec.events() {
		if ev != nil {
			ev.SiteID = r.SiteID
		}
	}
	for _, a := range o.Alerts {
		q := QueuedAlert{Alert: a}
		switch a.Kind {
		case monitor.AlertLatencyDegraded, monitor.AlertLatencyNormal:
			q.Event = rec.Latency
		case monitor.AlertFlapping, monitor.AlertSettled:
			q.Event = rec.Flapping
		case monitor.AlertCertExpiring:
		case monitor.AlertDown:
			// A down owed since a maintenance window is not this result's event: the store
			// finds the site's down event for it (see OwedDown).
			if rec.Event != nil && rec.Event.To == monitor.StatusState(monitor.StatusDown) {
				q.Event = rec.Event
			}
		default:
			q.Event = rec.Event
		}
		rec.Alerts = append(rec.Alerts, q)
	}
	return rec
}

// Events lists the batch's events, status, latency and flapping, in order.
func (w Writes) Events() []*monitor.Event {
	var out []*monitor.Event
	for _, r := range w.Recorded {
		out = append(out, r.events()...)
	}
	return out
}

// events lists the result's events in the order they happened: a status change before the
// flapping it starts.
func (r Recorded) events() []*monitor.Event {
	out := append([]*monitor.Event(nil), r.Monitoring...)
	for _, ev := range []*monitor.Event{r.Event, r.Latency, r.Flapping} {
		if ev != nil {
			out = append(out, ev)
		}
	}
	return out
}

// AlertSites lists the sites that raised alerts in the batch, for looking up their webhooks.
func (w Writes) AlertSites() []int64 {
	var ids []int64
	for _, r := range w.Recorded {
		if len(r.Alerts) > 0 {
			ids = append(ids, r.Check.SiteID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// NewNotification is an outbox row to insert.
type NewNotification struct {
	WebhookID int64
	SiteID    int64 // 0 for an alert about the account, not a site
	EventID   *int64
	Kind      monitor.AlertKind
	Payload   []byte // the alert, as JSON
	At        time.Time
}

// Route makes the outbox rows for the batch's alerts, in order, and notes on each result the
// alerts that had nowhere to go. An alert goes where its monitor.AlertRoute says: to the
// webhooks routes names for its site (its own, or its owner's default), or only where the
// down alert it answers went, or where the flapping alert went. The lookups find those for an
// outage or a flapping that began before the batch. Call it after the events are inserted, so
// the rows carry their event ids.
func (w *Writes) Route(routes map[int64][]int64, lookups OutageLookups) ([]NewNotification, error) {
	var rows []NewNotification
	downs := outageRoutes{lookup: lookups.Down, known: map[int64][]int64{}}
	flaps := outageRoutes{lookup: lookups.Flapping, known: map[int64][]int64{}}
	for i := range w.Recorded {
		r := &w.Recorded[i]
		site := r.Check.SiteID
		for _, q := range r.Alerts {
			to, err := routeOf(q.Alert, routes[site], downs, flaps, site)
			if err != nil {
				return nil, err
			}
			if !q.Alert.Route().Follows() && len(to) == 0 {
				r.Unrouted = append(r.Unrouted, q.Alert.Kind)
			}
			if q.Alert.LeavesDownOpen() {
				downs.known[site] = to
			}
			if q.Alert.Kind == monitor.AlertFlapping {
				flaps.known[site] = to
			}
			news, err := notificationsOf(site, q, to)
			if err != nil {
				return nil, err
			}
			rows = append(rows, news...)
		}
	}
	return rows, nil
}

// OutageLookups find, in the outbox, where alerts that began before a batch went.
type OutageLookups struct {
	// Down: the webhooks, still in use, that were sent the site's open down alert.
	Down func(siteID int64) ([]int64, error)
	// Flapping: the webhooks, still in use, that were sent the site's last flapping alert.
	Flapping func(siteID int64) ([]int64, error)
}

func routeOf(a monitor.Alert, siteRoutes []int64, downs, flaps outageRoutes, site int64) ([]int64, error) {
	switch a.Route() {
	case monitor.RouteAfterDown:
		return downs.of(site)
	case monitor.RouteAfterFlapping:
		return flaps.of(site)
	}
	return siteRoutes, nil
}

// outageRoutes remembers where each site's open down (or flapping) alert went: in this batch,
// or as looked up in the outbox.
type outageRoutes struct {
	lookup func(siteID int64) ([]int64, error)
	known  map[int64][]int64
}

func (o outageRoutes) of(siteID int64) ([]int64, error) {
	if to, ok := o.known[siteID]; ok {
		return to, nil
	}
	to, err := o.lookup(siteID)
	o.known[siteID] = to
	return to, err
}

// notificationsOf makes one outbox row for the alert per webhook.
func notificationsOf(siteID int64, q QueuedAlert, webhooks []int64) ([]NewNotification, error) {
	if len(webhooks) == 0 {
		return nil, nil
	}
	payload, err := json.Marshal(q.Alert)
	if err != nil {
		return nil, err
	}
	var eventID *int64
	if q.Event != nil {
		eventID = &q.Event.ID
	}
	rows := make([]NewNotification, 0, len(webhooks))
	for _, webhook := range webhooks {
		rows = append(rows, NewNotification{WebhookID: webhook, SiteID: siteID, EventID: eventID,
			Kind: q.Alert.Kind, Payload: payload, At: q.Alert.At})
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

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

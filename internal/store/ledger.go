package store

import (
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Ledger is a site's running uptime account, moved by every batch of results in the
// transaction that records them: the time counted as up and as down since it began, up to At,
// why its time is left out now, if it is (Excluded), and the run of failed checks the
// site is in. Per-hour rollups keep a copy of Up and Down as they stood at the end of each
// hour, so that the uptime of any range of whole hours is the difference of two rows.
type Ledger struct {
	SiteID int64
	// At is up to when the time has been counted; zero for a site with no ledger yet (it
	// begins at its first check: the time before is excluded).
	At time.Time
	// Excluded is every reason the site's time is left out now (stored in the mode column as
	// Exclusions.String writes it): the time since At counts only when none holds, so a pause
	// that outlasts a maintenance window (or a window that outlasts a pause) stays left out.
	Excluded monitor.Exclusions
	Up, Down time.Duration
	Run      monitor.FailureRun
	// Incidents counts the site's incidents since the ledger began; OpenSince is when the one
	// under way began (nil when none is, or it began before the ledger).
	Incidents IncidentTotals
	OpenSince *time.Time
}

// IncidentTotals count incidents: how many began, how many ended, and how long those that
// ended lasted in all.
type IncidentTotals struct {
	Started, Resolved int64
	Repair            time.Duration
}

// HourKey names a site's hour: hours since the Unix epoch, UTC.
type HourKey struct {
	SiteID int64
	Hour   int64
}

// HourOf is the UTC hour holding t, in hours since the epoch.
func HourOf(t time.Time) int64 { return floorDiv(t.Unix(), 3600) }

// DayOf is the UTC day holding t, in days since the epoch.
func DayOf(t time.Time) int64 { return floorDiv(t.Unix(), 86400) }

// DayOfHour is the UTC day holding hour (both since the epoch).
func DayOfHour(hour int64) int64 { return floorDiv(hour, 24) }

// HourStart is when hour (hours since the epoch) begins.
func HourStart(hour int64) time.Time { return time.Unix(hour*3600, 0).UTC() }

// DayStart is when day (days since the epoch) begins.
func DayStart(day int64) time.Time { return time.Unix(day*86400, 0).UTC() }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// Rollup is a site's checks over one hour or one day: how many, how many failed, the response
// times of those that passed, and the ledger's totals at the end of the period (or, for the
// period under way, as they stand).
type Rollup struct {
	SiteID           int64
	Period           int64 // hours or days since the epoch
	Checks, Failures int64
	CumUp, CumDown   time.Duration
	CumIncidents     IncidentTotals
	Hist             monitor.Histogram
}

// HourDelta is what a batch adds to one hour's rollup.
type HourDelta struct {
	Checks, Failures int64
	// Times are the response times to add to the hour's histogram: a batch brings a site one
	// or two, and a histogram is a kilobyte.
	Times []time.Duration
	// HasCum says CumUp and CumDown are the hour's new totals; otherwise the hour's stored
	// totals move by ShiftUp and ShiftDown (a down event dated back into an earlier hour).
	HasCum             bool
	CumUp, CumDown     time.Duration
	CumIncidents       IncidentTotals
	ShiftUp, ShiftDown time.Duration
}

// AddTo adds the delta to an hour's stored rollup (the zero Rollup when it has none yet).
func (d *HourDelta) AddTo(r *Rollup) {
	r.Checks += d.Checks
	r.Failures += d.Failures
	for _, t := range d.Times {
		r.Hist.Add(t)
	}
	if d.HasCum {
		r.CumUp, r.CumDown, r.CumIncidents = d.CumUp, d.CumDown, d.CumIncidents
	} else {
		r.CumUp += d.ShiftUp
		r.CumDown += d.ShiftDown
	}
}

// IncidentWrites are what a batch does to incidents: each site's incident open before the
// batch gets more failed checks or ends; new incidents are inserted (possibly already ended).
type IncidentWrites struct {
	MoreFailed map[int64]int       // site → failed checks to add to its open incident
	Ended      map[int64]time.Time // site → when its open incident ended
	Opened     []monitor.Incident
}

// LedgerWrites is what a batch of results does to the ledgers, rollups and incidents.
type LedgerWrites struct {
	Ledgers   []Ledger // the new ledger of every site in the batch
	Hours     map[HourKey]*HourDelta
	Incidents IncidentWrites
	// Monitoring holds the events a monitoring change finds before its own: the beginning of
	// a gap in monitoring (a batch's go with the result that found them, Recorded.Monitoring).
	Monitoring []monitor.Event
}

// HourKeys lists the hours the batch touches.
func (lw LedgerWrites) HourKeys() []HourKey {
	keys := make([]HourKey, 0, len(lw.Hours))
	for k := range lw.Hours {
		keys = append(keys, k)
	}
	return keys
}

// ledgerRun is one site's ledger being moved through a batch.
type ledgerRun struct {
	// every is how often the site is due (its interval, plus the grace for a push site), and
	// timeout how long a check may take: what tells a gap in monitoring (not the whole site,
	// a copy of which per site per batch was a tenth of a check's allocations).
	every, timeout time.Duration
	l              Ledger
	status         monitor.Status
	// checked says the site had a check before the one being counted: only then can the time
	// since the ledger's last count be a gap in monitoring.
	checked bool
	// open is the incident under way: -1 the one open before the batch, i ≥ 0 Opened[i],
	// -2 none.
	open int
}

// PlanLedger moves the ledgers of the batch's sites through its results, in order: it counts
// the time since each site's previous check as its status then was (or leaves it out while any
// reason to exclude it holds, or across a gap in monitoring, whose events it adds to the
// result that found it or ended it), dates each down event back to the first failed check of
// its run (moving that time from up to down), and keeps the incidents and the hourly rollups.
// sites hold the sites as they were before the batch; ledgers their ledgers (a site without
// one starts one).
func PlanLedger(w *Writes, sites map[int64]monitor.Site, ledgers map[int64]Ledger) LedgerWrites {
	lw := LedgerWrites{Hours: map[HourKey]*HourDelta{}, Incidents: IncidentWrites{MoreFailed: map[int64]int{}, Ended: map[int64]time.Time{}}}
	runs := map[int64]*ledgerRun{}
	var order []int64
	for i := range w.Recorded {
		rec := &w.Recorded[i]
		id := rec.Check.SiteID
		run, ok := runs[id]
		if !ok {
			site := sites[id]
			l, had := ledgers[id]
			if !had {
				l = Ledger{SiteID: id}
			}
			run = newLedgerRun(site, l, site.LastChecked != nil)
			run.open = -2
			if site.Status == monitor.StatusDown {
				run.open = -1
			}
			runs[id] = run
			order = append(order, id)
		}
		lw.record(run, rec)
	}
	for _, id := range order {
		lw.Ledgers = append(lw.Ledgers, runs[id].l)
	}
	return lw
}

func (lw *LedgerWrites) hour(site, hour int64) *HourDelta {
	k := HourKey{site, hour}
	d := lw.Hours[k]
	if d == nil {
		d = &HourDelta{}
		lw.Hours[k] = d
	}
	return d
}

func (lw *LedgerWrites) record(run *ledgerRun, rec *Recorded) {
	c := rec.Check
	at := c.CheckedAt
	d := lw.hour(c.SiteID, HourOf(at))
	d.Checks++
	if c.Status == monitor.StatusDown {
		d.Failures++
	} else {
		d.Times = append(d.Times, c.ResponseTime)
	}
	l := &run.l
	switch {
	case l.At.IsZero():
		l.At = at
	case at.After(l.At):
		end := at
		if gap, ok := run.dueGap(at); ok {
			end = gap.From
			for _, ev := range monitor.GapEvents(c.SiteID, gap) {
				rec.Monitoring = append(rec.Monitoring, &ev)
			}
		}
		if l.Excluded.Watched() {
			lw.count(run, l.At, end, run.status)
		}
		l.At = at
	}
	if l.Excluded.Has(monitor.ExcludedGap) && !at.Before(l.At) { // the gap a monitoring change found ends here
		ev := monitor.GapEnds(c.SiteID, at)
		rec.Monitoring = append(rec.Monitoring, &ev)
		l.Excluded &^= monitor.ExcludedGap
	}
	run.checked = true
	if c.Held { // history only: the site keeps its state (and its time counts as that state)
		lw.snapshot(run, at)
		return
	}
	l.Run = l.Run.Next(c.Result)
	if ev := rec.Event; ev != nil {
		lw.statusChange(run, ev)
	}
	if c.Status == monitor.StatusDown && !(rec.Event != nil && rec.Event.To == monitor.StatusState(monitor.StatusDown)) {
		switch {
		case run.open == -1:
			lw.Incidents.MoreFailed[c.SiteID]++
		case run.open >= 0:
			lw.Incidents.Opened[run.open].FailedChecks++
		}
	}
	run.status = rec.State.Status
	lw.snapshot(run, at)
}

// statusChange dates a down event back to its run's first failure and opens or ends incidents.
func (lw *LedgerWrites) statusChange(run *ledgerRun, ev *monitor.Event) {
	down := monitor.StatusState(monitor.StatusDown)
	switch {
	case ev.To == down:
		stamped := ev.At
		*ev = run.l.Run.Backdate(*ev)
		if ev.At.Before(stamped) && run.l.Excluded.Watched() {
			lw.moveToDown(run, ev.At, stamped, monitor.Status(ev.From) == monitor.StatusUp)
		}
		inc := run.l.Run.Incident(ev.SiteID, *ev)
		lw.Incidents.Opened = append(lw.Incidents.Opened, inc)
		run.open = len(lw.Incidents.Opened) - 1
		since := ev.At
		run.l.Incidents.Started++
		run.l.OpenSince = &since
	case ev.From == down:
		if run.l.OpenSince != nil {
			run.l.Incidents.Resolved++
			run.l.Incidents.Repair += max(ev.At.Sub(*run.l.OpenSince), 0)
		}
		run.l.OpenSince = nil
		switch {
		case run.open == -1:
			lw.Incidents.Ended[ev.SiteID] = ev.At
		case run.open >= 0:
			end := ev.At
			lw.Incidents.Opened[run.open].EndedAt = &end
		}
		run.open = -2
	}
}

// count adds [from, to) to the ledger as status says, hour by hour, noting each hour's totals.
func (lw *LedgerWrites) count(run *ledgerRun, from, to time.Time, status monitor.Status) {
	for from.Before(to) {
		h := HourOf(from)
		end := HourStart(h + 1)
		if end.After(to) {
			end = to
		}
		switch status {
		case monitor.StatusUp:
			run.l.Up += end.Sub(from)
		case monitor.StatusDown:
			run.l.Down += end.Sub(from)
		}
		d := lw.hour(run.l.SiteID, h)
		d.HasCum, d.CumUp, d.CumDown, d.CumIncidents = true, run.l.Up, run.l.Down, run.l.Incidents
		from = end
	}
}

// moveToDown counts [from, to), already counted as up (or, after pending, not at all), as
// down: the down event was dated back to from. Hours before to's hour keep their totals
// shifted by what moved within and before them.
func (lw *LedgerWrites) moveToDown(run *ledgerRun, from, to time.Time, wasUp bool) {
	var moved time.Duration
	last := HourOf(to)
	for from.Before(to) {
		h := HourOf(from)
		end := HourStart(h + 1)
		if end.After(to) {
			end = to
		}
		moved += end.Sub(from)
		if h < last {
			d := lw.hour(run.l.SiteID, h)
			up := time.Duration(0)
			if wasUp {
				up = -moved
			}
			if d.HasCum { // noted earlier in this batch, before the move
				d.CumUp, d.CumDown = d.CumUp+up, d.CumDown+moved
			} else {
				d.ShiftUp, d.ShiftDown = d.ShiftUp+up, d.ShiftDown+moved
			}
		}
		from = end
	}
	if wasUp {
		run.l.Up -= moved
	}
	run.l.Down += moved
}

// snapshot notes the ledger's totals as those of the hour holding at.
func (lw *LedgerWrites) snapshot(run *ledgerRun, at time.Time) {
	d := lw.hour(run.l.SiteID, HourOf(at))
	d.HasCum, d.CumUp, d.CumDown, d.CumIncidents = true, run.l.Up, run.l.Down, run.l.Incidents
}

func newLedgerRun(site monitor.Site, l Ledger, checked bool) *ledgerRun {
	every := site.Interval()
	if site.Kind == monitor.KindPush {
		every += site.Grace()
	}
	return &ledgerRun{every: every, timeout: site.Timeout(), l: l, status: site.Status, checked: checked}
}

// dueGap is the gap in monitoring between the ledger's last count and a check or monitoring
// change at `at`, if the site was checked before and checks were due meanwhile: inside a
// maintenance window they still run, but nobody checks a paused site, and a gap already open
// ends at the next check.
func (run *ledgerRun) dueGap(at time.Time) (monitor.Period, bool) {
	if !run.checked || run.l.Excluded&(monitor.ExcludedPaused|monitor.ExcludedGap) != 0 {
		return monitor.Period{}, false
	}
	return monitor.Gap(run.l.At, at, run.every, run.timeout)
}

// MonitoringChange moves a ledger to a monitoring event at ev.At: the time until then counts
// as the site's status said (unless a reason to leave it out held), and from then on the
// event's reason begins or ends, the others holding as they were. A change long after the
// site's last check while checks were due (a window dated back to when it opened, found after
// Tocsin was stopped) finds a gap in monitoring too: it begins one interval after that check
// (the event in lw.Monitoring) and holds until the next check. It returns the ledger and the
// totals of the hours the counted time reached.
func MonitoringChange(site monitor.Site, l Ledger, had bool, ev monitor.Event) (Ledger, LedgerWrites) {
	lw := LedgerWrites{Hours: map[HourKey]*HourDelta{}}
	if !had {
		l = Ledger{SiteID: site.ID}
	}
	run := newLedgerRun(site, l, had && site.LastChecked != nil)
	switch {
	case run.l.At.IsZero():
		run.l.At = ev.At
	case ev.At.After(run.l.At):
		end := ev.At
		gap, found := run.dueGap(ev.At)
		if found {
			end = gap.From
			lw.Monitoring = append(lw.Monitoring, monitor.GapBegins(site.ID, gap.From))
		}
		if run.l.Excluded.Watched() {
			lw.count(run, run.l.At, end, site.Status)
		}
		if found {
			run.l.Excluded |= monitor.ExcludedGap
		}
		run.l.At = ev.At
	}
	run.l.Excluded = run.l.Excluded.Apply(ev)
	lw.Ledgers = []Ledger{run.l}
	return run.l, lw
}

// MergeRollups adds an hour's rollup to the day's (acc), hours in order: the day's totals are
// its last hour's.
func MergeRollups(acc, hour Rollup, day int64) Rollup {
	acc.SiteID, acc.Period = hour.SiteID, day
	acc.Checks += hour.Checks
	acc.Failures += hour.Failures
	acc.Hist.Merge(&hour.Hist)
	acc.CumUp, acc.CumDown, acc.CumIncidents = hour.CumUp, hour.CumDown, hour.CumIncidents
	return acc
}

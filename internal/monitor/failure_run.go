package monitor

import (
	"slices"
	"time"
)

// FailureRun follows the run of consecutive failed checks a site is in. With a
// failure_threshold above 1 the site becomes down at the run's last check but went down at its
// first: downtime and the incident start there.
type FailureRun struct {
	Since      *time.Time // the first failed check of the run; nil when the last check passed
	Failed     int        // failed checks in the run
	Error      string     // what the first failed check said
	StatusCode int
}

// Next folds one check result into the run: a success ends it, a failure starts or extends it.
func (f FailureRun) Next(r Result) FailureRun {
	if r.Status != StatusDown {
		return FailureRun{}
	}
	if f.Since == nil {
		at := r.CheckedAt
		return FailureRun{Since: &at, Failed: 1, Error: r.Error, StatusCode: r.StatusCode}
	}
	f.Failed++
	return f
}

// Backdate dates a down status event at the run's first failure; other events pass unchanged.
func (f FailureRun) Backdate(ev Event) Event {
	if isStatusEvent(ev) && ev.To == StatusState(StatusDown) && f.Since != nil && f.Since.Before(ev.At) {
		ev.At = *f.Since
	}
	return ev
}

// Incident is the incident a down event opens, when the run made the site down.
func (f FailureRun) Incident(siteID int64, down Event) Incident {
	down = f.Backdate(down)
	inc := Incident{SiteID: siteID, StartedAt: down.At, Error: down.Reason, FailedChecks: f.Failed}
	if f.Since != nil {
		inc.Error, inc.StatusCode = f.Error, f.StatusCode
	}
	return inc
}

// BackdateDownEvents dates each down status event at the first failed check of the run that
// made the site down, found among the site's checks (any order): for events recorded while a
// down event was stamped at the check that reached the threshold. A down event whose check is
// not among the checks keeps its time.
func BackdateDownEvents(events []Event, checks []Check) []Event {
	sorted := slices.Clone(checks)
	slices.SortStableFunc(sorted, func(a, b Check) int { return a.CheckedAt.Compare(b.CheckedAt) })
	runStart := make(map[int64]FailureRun)
	var run FailureRun
	for _, c := range sorted {
		run = run.Next(c.Result)
		if run.Since != nil {
			runStart[c.CheckedAt.UnixNano()] = run
		}
	}
	out := slices.Clone(events)
	for i, ev := range out {
		out[i] = runStart[ev.At.UnixNano()].Backdate(ev)
	}
	return out
}

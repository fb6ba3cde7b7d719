package monitor

import "time"

// EventMonitoring is the kind of event that records whether a site was being watched at all,
// so that uptime can leave out the time it was not. Its From and To are monitoring states, one
// of them MonitoringActive: each event begins (active → X) or ends (X → active) one reason to
// leave time out, whatever other reasons hold meanwhile. A site paused inside a maintenance
// window gets active → paused, and the window's close maintenance → active leaves it paused:
// the reasons overlap, and time is left out while any holds (see Exclusions).
//
//   - MonitoringActive → MonitoringPaused: the user paused the site. At is when the pause was
//     saved (the PATCH that set paused=true).
//   - MonitoringPaused → MonitoringActive: the user resumed it. At is when the resume was saved.
//   - MonitoringActive → MonitoringGap: Tocsin stopped watching without being asked (it was not
//     running). At is when the gap began: one interval after the last check before it, the time
//     the next check was due. Written together with the next event, by the first check after
//     the gap (see Gap).
//   - MonitoringGap → MonitoringActive: the gap ended. At is the first check after it.
//     A monitoring change (a pause, a window opening or closing) long after the site's last
//     check, while checks were due, finds a gap too: active → gap then, one interval after
//     that check, and gap → active at the first check after (see GapBegins, GapEnds).
//   - MonitoringActive ⇄ MonitoringMaintenance: a maintenance window opened or closed. Checks
//     still run, but the time inside counts as excluded, like a pause.
//
// Reason is free text for people ("paused", "not monitored for 2h13m0s").
//
// The other kinds: EventStatus (From/To are statuses; At is when the new status began) and
// EventLatency (normal ⇄ degraded; uptime ignores them). With failure_threshold > 1 a down
// event belongs at the first failed check of its run, where the downtime began; State.Apply
// still stamps it at the check that reached the threshold, so FailureRun.Backdate (live) and
// BackdateDownEvents (past data) move it.
const EventMonitoring EventKind = "monitoring"

// Monitoring states: the From and To of an EventMonitoring event.
const (
	MonitoringActive = "active"
	MonitoringPaused = "paused"
	MonitoringGap    = "gap"
	// MonitoringMaintenance: a maintenance window covers the site. Active → maintenance when
	// a window opens for it (At is when it opened), back to active when it closes.
	MonitoringMaintenance = "maintenance"
)

// Unwatched says whether a monitoring state leaves time out of uptime: paused, in a gap, or in
// maintenance. Anything else (active, or a state this version does not know) counts.
func Unwatched(state string) bool { return exclusionOf(state) != 0 }

// PauseEvent records that a site was paused (paused true) or resumed at the given time.
func PauseEvent(siteID int64, at time.Time, paused bool) Event {
	from, to := MonitoringActive, MonitoringPaused
	if !paused {
		from, to = to, from
	}
	return Event{SiteID: siteID, Kind: EventMonitoring, At: at, From: EventState(from), To: EventState(to), Reason: to}
}

// Gap says whether a check at next, after the previous check at last, leaves a gap in
// monitoring, and which: a check later than twice the interval plus the timeout means Tocsin
// was not running (a late scheduler alone never falls that far behind). The last check's verdict
// stands for one interval, the time until the next check was due; the rest, until next, nobody
// watched.
func Gap(last, next time.Time, interval, timeout time.Duration) (Period, bool) {
	if interval <= 0 || !next.After(last.Add(2*interval+timeout)) {
		return Period{}, false
	}
	return Period{From: last.Add(interval), To: next}, true
}

// GapEvents are the two events that record a gap in monitoring, oldest first.
func GapEvents(siteID int64, gap Period) [2]Event {
	reason := "not monitored for " + gap.Duration().String()
	return [2]Event{
		{SiteID: siteID, Kind: EventMonitoring, At: gap.From, From: MonitoringActive, To: MonitoringGap, Reason: reason},
		{SiteID: siteID, Kind: EventMonitoring, At: gap.To, From: MonitoringGap, To: MonitoringActive, Reason: reason},
	}
}

// GapBegins records that a gap in monitoring began at at and is not over yet: its end,
// GapEnds, comes with the first check after it.
func GapBegins(siteID int64, at time.Time) Event {
	return Event{SiteID: siteID, Kind: EventMonitoring, At: at, From: MonitoringActive, To: MonitoringGap, Reason: "not monitored: checks stopped"}
}

// GapEnds records that the first check after a gap GapBegins recorded came at at.
func GapEnds(siteID int64, at time.Time) Event {
	return Event{SiteID: siteID, Kind: EventMonitoring, At: at, From: MonitoringGap, To: MonitoringActive, Reason: "monitored again"}
}

// MaintenanceEvent records that a maintenance window opened (open true) or closed for a site at
// the given time; reason names the window.
func MaintenanceEvent(siteID int64, at time.Time, open bool, reason string) Event {
	from, to := MonitoringActive, MonitoringMaintenance
	if !open {
		from, to = to, from
	}
	return Event{SiteID: siteID, Kind: EventMonitoring, At: at, From: EventState(from), To: EventState(to), Reason: reason}
}

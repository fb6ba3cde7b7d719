package monitor

import (
	"math/bits"
	"strconv"
	"time"
)

// The flapping watch, after Nagios: a site whose status keeps changing is "flapping". Its
// status still follows every check (so uptime and incidents stay true), but instead of a down
// and a recovery at every change it alerts once when the flapping starts and once when it
// settles. The thresholds differ (hysteresis), so a site on the edge does not flap in and out
// of flapping.
const (
	// FlapWindow is how many of a site's last checks the watch looks at.
	FlapWindow = 21
	// FlapStartChanges: this many status changes (up ⇄ down) within the window, that is more
	// than 5, and the site is flapping.
	FlapStartChanges = 6
	// FlapSettleChanges: a flapping site has settled once its changes within the window fall
	// to this many or fewer.
	FlapSettleChanges = 2

	flapMask = 1<<FlapWindow - 1
)

// EventFlapping is the kind of event that records the flapping watch changing its mind: From
// FlapStable To FlapFlapping when a site starts flapping, the reverse when it settles. Its
// Reason counts the changes and, for a settle, names the status the site settled in.
const EventFlapping EventKind = "flapping"

// The states of a flapping event.
const (
	FlapStable   EventState = "stable"
	FlapFlapping EventState = "flapping"
)

// Flap is what the flapping watch remembers of a site between checks.
type Flap struct {
	// Changes has a bit per check, the last check in bit 0, set when that check changed the
	// status between up and down; only the low FlapWindow bits count.
	Changes  uint32
	Flapping bool
	// DownSince is set while the site flaps if it was down when the flapping began: its down
	// alert has not been answered yet, and the settled alert will (when the site settles up,
	// that alert is its recovery).
	DownSince *time.Time
}

// Count is the number of status changes within the window.
func (f Flap) Count() int { return bits.OnesCount32(f.Changes & flapMask) }

// flapTurn says what one check did to the watch.
type flapTurn int

const (
	flapSame flapTurn = iota
	flapStarted
	flapSettled
)

// next folds one check into the watch; changed says whether it changed the status between up
// and down. A check that starts flapping is always a change (only a change raises the count),
// and one that settles it never is (only a check without a change lowers it).
func (f Flap) next(changed bool) (Flap, flapTurn) {
	f.Changes = (f.Changes << 1) & flapMask
	if changed {
		f.Changes |= 1
	}
	switch n := f.Count(); {
	case !f.Flapping && n >= FlapStartChanges:
		f.Flapping = true
		return f, flapStarted
	case f.Flapping && n <= FlapSettleChanges:
		f.Flapping, f.DownSince = false, nil
		return f, flapSettled
	}
	return f, flapSame
}

// watchFlapping applies the flapping watch to what the status rules made of a check: while
// the site flaps its down, recovery and reminder alerts give way to one flapping alert when it
// starts and one settled alert when it stops. prev is the state before the check.
func (o *Observation) watchFlapping(prev State, r Result) {
	st := &o.Step.State
	changed := o.Event != nil && o.Event.From != StatusState(StatusPending)
	f, turn := prev.Flap.next(changed)
	at := r.CheckedAt
	switch turn {
	case flapStarted:
		if prev.Status == StatusDown && prev.LastStatusChange != nil {
			since := *prev.LastStatusChange
			f.DownSince = &since
		}
		o.Step.Alert = AlertFlapping
		o.FlapEvent = &Event{Kind: EventFlapping, At: at, From: FlapStable, To: FlapFlapping,
			Reason: strconv.Itoa(f.Count()) + " status changes in the last " + strconv.Itoa(FlapWindow) + " checks"}
	case flapSettled:
		o.Step.Alert = AlertSettled
		if st.Status == StatusDown {
			st.LastAlertAt = &at // reminders count from the settled alert, which says down
		}
		o.FlapEvent = &Event{Kind: EventFlapping, At: at, From: FlapFlapping, To: FlapStable,
			Reason: "settled " + string(st.Status) + ": " + strconv.Itoa(f.Count()) + " status changes in the last " +
				strconv.Itoa(FlapWindow) + " checks"}
	default:
		if f.Flapping {
			o.Step.Alert = "" // the flapping alert stands for every down and recovery until the settle
		}
	}
	st.Flap = f
}

// flapAlert describes a flapping or settled alert. A flapping alert carries the time the site
// went down when a down alert was open as it began (it then goes where that alert went); a
// settled alert carries it too when it answers that down alert.
func flapAlert(kind AlertKind, site Site, r Result, prev, next State) Alert {
	a := NewAlert(kind, site, r, prev)
	a.SiteStatus, a.Changes = next.Status, next.Flap.Count()
	a.DownSince = next.Flap.DownSince
	if kind == AlertSettled {
		a.DownSince = prev.Flap.DownSince
	}
	return a
}

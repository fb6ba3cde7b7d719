package monitor

import (
	"strconv"
	"time"
)

// State is what the status rules need to remember between checks.
type State struct {
	Status               Status
	ConsecutiveFailures  int
	ConsecutiveSuccesses int
	LastStatusChange     *time.Time
	// LastAlertAt is when the last down or still-down alert was raised; reminders count from it.
	LastAlertAt *time.Time

	// FailureThreshold is how many consecutive failed checks make a site down; below 1 means 1.
	FailureThreshold int
	// ResendInterval, when positive, raises a still-down reminder that often while a site stays down.
	ResendInterval time.Duration

	// Flap is the flapping watch (flap.go); Apply carries it, Site.Observe moves it.
	Flap Flap
}

// Step is what one check result did to a site.
type Step struct {
	State State
	Event *Event    // set when the status changed
	Alert AlertKind // set when someone should be told; empty otherwise
}

// Apply folds one check result into the state. The status moves only when a check disagrees
// with it: one success makes a site up, FailureThreshold consecutive failures make it down.
// Alerts follow the alert rules: the first failure after a success (down), the first success after a
// failure (recovered), a first check only when it is down, and reminders while down if asked.
func (s State) Apply(r Result) Step {
	next := s
	to := s.Status
	if r.Status == StatusUp {
		next.ConsecutiveSuccesses++
		next.ConsecutiveFailures = 0
		to = StatusUp
	} else {
		next.ConsecutiveFailures++
		next.ConsecutiveSuccesses = 0
		if next.ConsecutiveFailures >= max(s.FailureThreshold, 1) {
			to = StatusDown
		}
	}
	at := r.CheckedAt
	if to == s.Status {
		if s.Status == StatusDown && s.reminderDue(at) {
			next.LastAlertAt = &at
			return Step{State: next, Alert: AlertStillDown}
		}
		return Step{State: next}
	}
	next.Status = to
	next.LastStatusChange = &at
	ev := &Event{At: at, From: StatusState(s.Status), To: StatusState(to), Reason: reason(r)}
	step := Step{State: next, Event: ev}
	switch {
	case to == StatusDown:
		step.Alert = AlertDown
		next.LastAlertAt = &at
		step.State = next
	case s.Status == StatusDown:
		step.Alert = AlertRecovered
	}
	return step
}

func (s State) reminderDue(at time.Time) bool {
	return s.ResendInterval > 0 && s.LastAlertAt != nil && !at.Before(s.LastAlertAt.Add(s.ResendInterval))
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func reason(r Result) string {
	if r.Error != "" {
		return r.Error
	}
	if r.StatusCode != 0 {
		return "status " + strconv.Itoa(r.StatusCode)
	}
	return string(r.Status)
}

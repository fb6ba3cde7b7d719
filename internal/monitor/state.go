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
	// FailureThreshold is how many consecutive failed checks make a site down; below 1 means 1.
	FailureThreshold int
}

// Apply folds one check result into the state. It returns the new state and, when the status
// changed, the event describing the change. The status moves only when a check disagrees with it:
// one success makes a site up, FailureThreshold consecutive failures make it down.
func (s State) Apply(r Result) (State, *Event) {
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
	if to == s.Status {
		return next, nil
	}
	at := r.CheckedAt
	next.Status = to
	next.LastStatusChange = &at
	return next, &Event{At: at, From: s.Status, To: to, Reason: reason(r)}
}

func reason(r Result) string {
	if r.Error != "" {
		return r.Error
	}
	if r.StatusCode != 0 {
		return "status " + strconv.Itoa(r.StatusCode)
	}
	return string(r.Status)
}

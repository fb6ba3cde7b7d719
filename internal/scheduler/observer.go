package scheduler

import (
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Observer is told what the scheduler does, for metrics; main passes one in Config. A nil
// Observer observes nothing. Its methods are called from many goroutines and must not block.
type Observer interface {
	// CheckDone: a check of a site of that kind ran, took d and found status.
	CheckDone(kind monitor.Kind, status monitor.Status, d time.Duration)
	// Lateness: a scheduled check started d after the slot it was due in.
	Lateness(d time.Duration)
	// Claimed: one claim of due sites took d and handed out sites.
	Claimed(sites int, d time.Duration)
	// Wrote: one transaction recording results took d; err is the database's refusal, if any.
	Wrote(results int, d time.Duration, err error)
}

type nopObserver struct{}

func (nopObserver) CheckDone(monitor.Kind, monitor.Status, time.Duration) {}
func (nopObserver) Lateness(time.Duration)                                {}
func (nopObserver) Claimed(int, time.Duration)                            {}
func (nopObserver) Wrote(int, time.Duration, error)                       {}

// dueSlot is the slot a claimed site is checked for: a claim moves next_check_at whole
// intervals past now, so the slot is one interval before where it moved to.
func dueSlot(claimed monitor.Site) time.Time {
	return claimed.NextCheckAt.Add(-claimed.Interval())
}

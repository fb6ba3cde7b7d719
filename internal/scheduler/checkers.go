package scheduler

import (
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// checkerIdle is how long a checker goroutine waits for its next check before it ends.
const checkerIdle = 2 * time.Second

// checkJob is a site to check in the slot already taken for it.
type checkJob struct {
	site       monitor.Site
	fromMemory bool
}

// goCheck hands the check to a checker goroutine left idle by an earlier check, or starts a
// new one. Why keep them: a new goroutine's stack starts at 8 KiB and is copied, larger, as the
// check goes down through the HTTP client, and the goroutine is made and torn down around
// each check; at 1,000 checks a second that was 5 % of Tocsin's CPU.
func (s *Scheduler) goCheck(site monitor.Site, fromMemory bool) {
	j := checkJob{site, fromMemory}
	select {
	case s.idleCheckers <- j:
	default:
		go s.checker(j)
	}
}

// checker runs checks until none comes for checkerIdle, or checks are given up at shutdown.
func (s *Scheduler) checker(j checkJob) {
	reserveStack(0)
	idle := time.NewTimer(checkerIdle)
	defer idle.Stop()
	for {
		s.runScheduled(j.site, j.fromMemory)
		j = checkJob{} // the site's memory is not the idle goroutine's to hold
		idle.Reset(checkerIdle)
		select {
		case j = <-s.idleCheckers:
		case <-idle.C:
			return
		case <-s.checkCtx.Done():
			return
		}
	}
}

//go:build unix

package main

import (
	"fmt"
	"syscall"
)

// filesNeeded is how many open files Tocsin needs: one socket per running check, and room for
// the database pool, the API's clients, alert deliveries and the files it reads.
func filesNeeded(maxConcurrentChecks int) uint64 { return uint64(maxConcurrentChecks) + 200 }

// checkOpenFileLimit refuses to start when the open file limit (ulimit -n) cannot hold the
// checks Tocsin may run at once: they would fail at the busiest moment, as "too many open
// files", and be recorded as sites down. Go raises the soft limit to the hard one at start, so
// the hard limit is what counts.
func checkOpenFileLimit(maxConcurrentChecks int) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return nil // nothing to say
	}
	need := filesNeeded(maxConcurrentChecks)
	if lim.Cur >= need {
		return nil
	}
	return fmt.Errorf("the open file limit (ulimit -n) is %d, and %d checks at once need at least %d: "+
		"raise it (ulimit -n %d; LimitNOFILE=%d in a systemd unit; --ulimit nofile=%d with docker) "+
		"or lower TOCSIN_MAX_CONCURRENT_CHECKS to %d", lim.Cur, maxConcurrentChecks, need, need, need, need,
		max(int(lim.Cur)-200, 1))
}

package monitor

import "math"

// The continuous latency watch. Every successful check's response time is judged against the
// site's recent ones; a few slow checks in a row make the site "degraded", a few ordinary
// ones in a row make it "normal" again.
const (
	// LatencyWindow is how many recent response times are kept as the site's baseline.
	LatencyWindow = 30
	// LatencyMinSamples is how many response times the window needs before any verdict:
	// a median of two or three checks says little about what is usual.
	LatencyMinSamples = 10
	// LatencyConsecutive is how many checks in a row must disagree with the current state
	// to change it, so a single spike (or a single lucky fast check) says nothing.
	LatencyConsecutive = 3
	// LatencyFactor: a slow check takes more than this many times the window's median...
	LatencyFactor = 2.0
	// LatencyMADs: ...and more than the median plus this many scaled median absolute
	// deviations (1.4826 × MAD, floored at the larger of 1 ms and 5% of the median).
	LatencyMADs = 4.0
)

// LatencyLevel is the latency watch's verdict on a site: its latency is normal or degraded.
type LatencyLevel string

const (
	LatencyNormal   LatencyLevel = "normal"
	LatencyDegraded LatencyLevel = "degraded"
)

// LatencyState is what the continuous latency watch remembers of a site between checks.
type LatencyState struct {
	Window   []int64 // the most recent response times, in ms, oldest first
	Streak   int     // consecutive checks that disagree with Degraded
	Degraded bool
}

// Level is the watch's current verdict.
func (s LatencyState) Level() LatencyLevel {
	if s.Degraded {
		return LatencyDegraded
	}
	return LatencyNormal
}

// Observe judges one response time and returns the state after it, the level it changed to
// ("" when it did not change) and the baseline it was judged against
// (the window's median, rounded; 0 while the window is empty).
//
// Only successful checks may be fed: the time a failure took (a timeout, a refused
// connection) says nothing about how fast the site answers, and is the status rules' business.
//
// The latency is judged against the window as it was before it, then appended. Because the
// baseline is a median, slow checks move it only once they fill half the window, so a
// slowdown does not talk itself back to "normal" after a few checks. A shift that lasts,
// though, becomes the new usual: with a full window, about LatencyWindow/2 checks into it the
// median reaches the new level and LatencyConsecutive checks later the watch says "normal"
// (sooner while the window is still filling). That is deliberate: a site that has been at a
// new level for hours is not "degraded" any more, and an alert that never ends is noise.
//
// BaselineMS is the usual response time: the median of the window, 0 when it is empty.
func (s LatencyState) BaselineMS() int64 { return int64(math.Round(median(s.Window))) }

// s is not changed; the returned state has a window of its own.
func (s LatencyState) Observe(latencyMS int64) (next LatencyState, change LatencyLevel, baselineMS int64) {
	latencyMS = max(latencyMS, 0)
	window := s.Window
	if len(window) > LatencyWindow { // kept longer by an earlier version of the watch
		window = window[len(window)-LatencyWindow:]
	}
	next = LatencyState{Window: appendBounded(window, latencyMS), Streak: s.Streak, Degraded: s.Degraded}
	baselineMS = LatencyState{Window: window}.BaselineMS()
	if len(window) < LatencyMinSamples {
		next.Streak = 0
		return next, "", baselineMS
	}
	if slowerThanUsual(latencyMS, window) == s.Degraded {
		next.Streak = 0 // agrees with the state: any run of disagreement is over
		return next, "", baselineMS
	}
	next.Streak++
	if next.Streak < LatencyConsecutive {
		return next, "", baselineMS
	}
	next.Streak, next.Degraded = 0, !s.Degraded
	return next, next.Level(), baselineMS
}

// appendBounded returns a new slice of the last LatencyWindow values of window and v, so the
// caller's window (which may share its array with a stored site) is never written to.
func appendBounded(window []int64, v int64) []int64 {
	keep := window[max(0, len(window)-(LatencyWindow-1)):]
	out := make([]int64, 0, len(keep)+1)
	return append(append(out, keep...), v)
}

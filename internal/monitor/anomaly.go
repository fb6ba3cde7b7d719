package monitor

import (
	"errors"
	"math"
	"slices"
)

// AverageWindow is how many earlier checks the average rule compares the latest one with.
const AverageWindow = 10

// AverageFactor is how many times slower than that average the latest check must be to be flagged.
const AverageFactor = 3

// AverageVerdict is what the average rule made of the latest check.
type AverageVerdict struct {
	LatencyMS  int64   // the latest check's response time
	BaselineMS float64 // the average of the earlier checks compared with
	Ratio      float64 // LatencyMS / BaselineMS (see AverageAnomaly for a zero baseline)
	Anomalous  bool    // Ratio >= AverageFactor
	Compared   int     // how many earlier checks the average is made of
}

// AverageAnomaly is the latency rule of the compatibility routes (POST /latencyAnomalyCheck),
// kept as their clients know it: "compare the latest check's latency with the average of the
// 10 checks before it, and flag it when it is at least 3 times slower". previousMS are the
// checks before the latest, newest first; only the AverageWindow newest count.
//
// Response times are whole milliseconds, so an average of 0 means "under a millisecond": the
// ratio is then taken against 1 ms (BaselineMS still reports the true 0), except that a latest
// check of 0 ms is no slower than its baseline and gets a ratio of 0. The verdict is decided in
// integers, so exactly 3× is flagged whatever the rounding of Ratio.
func AverageAnomaly(latestMS int64, previousMS []int64) (AverageVerdict, error) {
	if len(previousMS) == 0 {
		return AverageVerdict{}, errors.New("need at least one earlier check to compare with")
	}
	previous := previousMS[:min(len(previousMS), AverageWindow)]
	if latestMS < 0 || slices.ContainsFunc(previous, func(ms int64) bool { return ms < 0 }) {
		return AverageVerdict{}, errors.New("a response time cannot be negative")
	}
	var sum int64
	for _, ms := range previous {
		sum += ms
	}
	n := int64(len(previous))
	v := AverageVerdict{LatencyMS: latestMS, BaselineMS: float64(sum) / float64(n), Compared: len(previous)}
	switch {
	case latestMS == 0:
		// Nothing is slower than nothing; Ratio stays 0.
	case sum == 0:
		v.Ratio = float64(latestMS)
		v.Anomalous = latestMS >= AverageFactor
	default:
		v.Ratio = float64(latestMS) / v.BaselineMS
		// latest / (sum / n) >= factor, without the float division's rounding.
		v.Anomalous = latestMS*n >= AverageFactor*sum
	}
	return v, nil
}

// madToSigma scales a median absolute deviation to the standard deviation it estimates for
// normally distributed noise, so LatencyMADs reads like "standard deviations".
const madToSigma = 1.4826

// slowerThanUsual is the continuous watch's verdict on one latency against a window of recent
// ones. Both tests must hold: the factor alone would flag the ordinary jitter of a noisy site,
// the spread alone would flag a millisecond of jitter on a very steady one. Median and MAD,
// unlike mean and standard deviation, are not moved by the odd outlier in the window, so one
// spike neither raises the bar for the next checks nor hides a real slowdown.
func slowerThanUsual(latencyMS int64, window []int64) bool {
	med := median(window)
	spread := madToSigma * medianAbsDeviation(window, med)
	// A perfectly flat series has no spread at all; without a floor a 1 ms wobble would count.
	spread = math.Max(spread, math.Max(1, 0.05*med))
	l := float64(latencyMS)
	return l > LatencyFactor*med && l > med+LatencyMADs*spread
}

// median of values that need not be sorted; values is not changed. Zero when empty.
func median(values []int64) float64 {
	if len(values) == 0 {
		return 0
	}
	s := slices.Clone(values)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return float64(s[mid])
	}
	return (float64(s[mid-1]) + float64(s[mid])) / 2
}

// medianAbsDeviation is the median distance of values from med.
func medianAbsDeviation(values []int64, med float64) float64 {
	if len(values) == 0 {
		return 0
	}
	dev := make([]float64, len(values))
	for i, v := range values {
		dev[i] = math.Abs(float64(v) - med)
	}
	slices.Sort(dev)
	mid := len(dev) / 2
	if len(dev)%2 == 1 {
		return dev[mid]
	}
	return (dev[mid-1] + dev[mid]) / 2
}

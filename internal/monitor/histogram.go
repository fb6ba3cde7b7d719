package monitor

import (
	"math"
	"time"
)

// The histogram's buckets: an underflow bucket for [0, 1 ms), histSteps buckets whose bounds
// grow by a constant ratio γ = 300000^(1/132) ≈ 1.1003 from 1 ms to 300 s (the longest
// timeout a check may have), and an overflow bucket for 300 s and more. The layout is part of
// the stored encoding: changing it needs a new encoding version.
const (
	histLowUS    = 1_000       // 1 ms, the lower bound of the first log bucket, in µs
	histHighUS   = 300_000_000 // 300 s, the upper bound of the last one
	histSteps    = 132
	histBuckets  = histSteps + 2
	histOverflow = histBuckets - 1
	// histLogRange is ln(histHighUS / histLowUS) = ln 300000.
	histLogRange = 12.611537753638338
)

// HistogramQuantileError bounds the relative error of a quantile between 1 ms and 300 s: the
// estimate is within ±4.78 % of the sample at the quantile's rank. A bucket [lo, γ·lo) answers
// with 2γ·lo/(1+γ), whose distance to any value in it is at most (γ−1)/(γ+1) ≈ 0.04773 of it.
const HistogramQuantileError = 0.0478

// Histogram summarises response times: a count per log-spaced bucket for quantiles, and the
// exact count, sum, minimum and maximum. Times are kept to the microsecond. The zero value is
// an empty histogram; histograms of different hours merge into one of their day.
type Histogram struct {
	counts       [histBuckets]uint64
	count        uint64
	sumUS        int64
	minUS, maxUS int64
}

// Add records one response time; a negative one counts as 0.
func (h *Histogram) Add(d time.Duration) {
	us := max(d.Microseconds(), 0)
	if h.count == 0 || us < h.minUS {
		h.minUS = us
	}
	if h.count == 0 || us > h.maxUS {
		h.maxUS = us
	}
	h.count++
	h.sumUS += us
	h.counts[bucketOf(us)]++
}

// Merge adds every response time of o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.count == 0 {
		return
	}
	if h.count == 0 || o.minUS < h.minUS {
		h.minUS = o.minUS
	}
	if h.count == 0 || o.maxUS > h.maxUS {
		h.maxUS = o.maxUS
	}
	h.count += o.count
	h.sumUS += o.sumUS
	for i, c := range o.counts {
		h.counts[i] += c
	}
}

// Count is how many response times were recorded.
func (h *Histogram) Count() int64 { return int64(h.count) }

// Sum is the total of the response times.
func (h *Histogram) Sum() time.Duration { return time.Duration(h.sumUS) * time.Microsecond }

// Min is the shortest response time; 0 when empty.
func (h *Histogram) Min() time.Duration { return time.Duration(h.minUS) * time.Microsecond }

// Max is the longest response time; 0 when empty.
func (h *Histogram) Max() time.Duration { return time.Duration(h.maxUS) * time.Microsecond }

// Mean is the average response time; 0 when empty.
func (h *Histogram) Mean() time.Duration {
	if h.count == 0 {
		return 0
	}
	return h.Sum() / time.Duration(h.count)
}

// Quantile estimates the q-quantile (0 ≤ q ≤ 1; p95 is 0.95): the response time at rank
// ⌈q·count⌉ of the sorted times (nearest rank), within HistogramQuantileError of it between
// 1 ms and 300 s, within 0.5 ms below 1 ms; never below Min or above Max, and exactly those
// for the first and last rank. 0 when empty.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.count == 0 {
		return 0
	}
	if !(q > 0) { // also NaN
		return h.Min()
	}
	rank := uint64(math.Ceil(q * float64(h.count)))
	switch {
	case rank <= 1:
		return h.Min()
	case rank >= h.count:
		return h.Max()
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return h.estimate(i)
		}
	}
	return h.Max()
}

// estimate is the value that stands for bucket i, clamped to what was seen.
func (h *Histogram) estimate(i int) time.Duration {
	var us float64
	switch i {
	case 0:
		us = (float64(h.minUS) + float64(min(h.maxUS, histLowUS))) / 2
	case histOverflow:
		us = harmonicMid(histHighUS, float64(h.maxUS))
	default:
		us = harmonicMid(bucketLow(i), bucketLow(i+1))
	}
	us = min(max(us, float64(h.minUS)), float64(h.maxUS))
	return time.Duration(math.Round(us * 1000))
}

// harmonicMid is the point of [lo, hi] with the smallest worst relative error to the others.
func harmonicMid(lo, hi float64) float64 {
	if lo+hi == 0 {
		return 0
	}
	return 2 * lo * hi / (lo + hi)
}

// bucketOf is the bucket a response time of us microseconds falls in.
func bucketOf(us int64) int {
	switch {
	case us < histLowUS:
		return 0
	case us >= histHighUS:
		return histOverflow
	}
	i := 1 + int(math.Log(float64(us)/histLowUS)*(histSteps/histLogRange))
	return min(i, histSteps)
}

// bucketLow is the lower bound of log bucket i (1 ≤ i ≤ histSteps+1), in microseconds.
func bucketLow(i int) float64 {
	return histLowUS * math.Exp(float64(i-1)*(histLogRange/histSteps))
}

package benchfarm

import (
	"slices"
	"time"
)

// Gaps sums up, over a window, the gaps between consecutive requests for a site minus its
// interval: the lateness a target sees. A gap over 1.5 intervals is a missed check, one under
// half an interval a doubled one.
type Gaps struct {
	Requests, Missed, Doubled int
	Late                      []time.Duration // sorted
}

// MeasureGaps reads arrival times, by site, of sites checked every interval. A request counts
// when it arrived in [from, to); its gap is from the request before it, whenever that came.
func MeasureGaps(times [][]time.Time, interval time.Duration, from, to time.Time) Gaps {
	var g Gaps
	for _, ts := range times {
		for i, t := range ts {
			if t.Before(from) || !t.Before(to) {
				continue
			}
			g.Requests++
			if i == 0 {
				continue
			}
			gap := t.Sub(ts[i-1])
			switch {
			case gap > interval*3/2:
				g.Missed++
			case gap < interval/2:
				g.Doubled++
			}
			g.Late = append(g.Late, gap-interval)
		}
	}
	slices.Sort(g.Late)
	return g
}

// At is the q-quantile of the lateness (0.5 the median, 1 the largest); zero with no gaps.
func (g Gaps) At(q float64) time.Duration {
	if len(g.Late) == 0 {
		return 0
	}
	return g.Late[int(float64(len(g.Late)-1)*q)]
}

// Ms is d in milliseconds, for reports.
func Ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

package benchfarm

import (
	"testing"
	"time"
)

func TestMeasureGaps(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	s := func(offsets ...time.Duration) []time.Time {
		ts := make([]time.Time, len(offsets))
		for i, o := range offsets {
			ts[i] = t0.Add(o)
		}
		return ts
	}
	const sec = time.Second
	times := [][]time.Time{
		s(0, 10*sec+5*time.Millisecond, 20*sec), // on time, 5 ms late, 5 ms early
		s(0, 25*sec),                            // one missed
		s(0, 10*sec, 13*sec),                    // the last doubled
		s(-10 * sec),                            // before the window only
	}
	g := MeasureGaps(times, 10*sec, t0, t0.Add(30*sec))
	if g.Requests != 8 || g.Missed != 1 || g.Doubled != 1 || len(g.Late) != 5 {
		t.Fatalf("%+v", g)
	}
	if g.At(0) != -7*sec || g.At(1) != 15*sec || g.At(0.5) != 0 || g.At(0.75) != 5*time.Millisecond {
		t.Errorf("quantiles %v %v %v", g.At(0), g.At(0.5), g.At(1))
	}
}

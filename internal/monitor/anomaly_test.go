package monitor

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestAverageAnomaly(t *testing.T) {
	tens := func(n int, ms int64) []int64 { return slices.Repeat([]int64{ms}, n) }
	tests := []struct {
		name     string
		latest   int64
		previous []int64
		want     AverageVerdict
	}{
		{"exactly 3x is flagged", 300, tens(10, 100), AverageVerdict{300, 100, 3, true, 10}},
		{"2.99x is not", 299, tens(10, 100), AverageVerdict{299, 100, 2.99, false, 10}},
		{"3x of an average that is not a whole number", 100, []int64{33, 33, 34}, AverageVerdict{100, 100.0 / 3, 3, true, 3}},
		{"fewer than 10 earlier checks", 250, []int64{50, 100}, AverageVerdict{250, 75, 250.0 / 75, true, 2}},
		{"only the 10 newest count", 300, append(tens(10, 100), tens(5, 1000)...), AverageVerdict{300, 100, 3, true, 10}},
		{"older slow checks do not hide a slow latest", 600, append(tens(10, 200), 100000), AverageVerdict{600, 200, 3, true, 10}},
		{"faster than usual", 50, tens(10, 100), AverageVerdict{50, 100, 0.5, false, 10}},
		{"zero baseline, zero latest", 0, tens(4, 0), AverageVerdict{0, 0, 0, false, 4}},
		{"zero baseline counts as 1 ms", 3, tens(4, 0), AverageVerdict{3, 0, 3, true, 4}},
		{"zero baseline, 2 ms is not 3x of 1 ms", 2, tens(4, 0), AverageVerdict{2, 0, 2, false, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AverageAnomaly(tt.latest, tt.previous)
			if err != nil {
				t.Fatal(err)
			}
			if got.LatencyMS != tt.want.LatencyMS || got.Anomalous != tt.want.Anomalous || got.Compared != tt.want.Compared ||
				math.Abs(got.BaselineMS-tt.want.BaselineMS) > 1e-9 || math.Abs(got.Ratio-tt.want.Ratio) > 1e-9 {
				t.Errorf("AverageAnomaly(%d, %v) = %+v, want %+v", tt.latest, tt.previous, got, tt.want)
			}
		})
	}
}

func TestAverageAnomalyRefuses(t *testing.T) {
	tests := []struct {
		name     string
		latest   int64
		previous []int64
		errHas   string
	}{
		{"no earlier check", 100, nil, "need at least one earlier check to compare with"},
		{"empty earlier checks", 100, []int64{}, "need at least one earlier check"},
		{"negative latest", -1, []int64{100}, "negative"},
		{"negative earlier", 100, []int64{100, -5}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AverageAnomaly(tt.latest, tt.previous)
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("error = %v, want one with %q", err, tt.errHas)
			}
			if got != (AverageVerdict{}) {
				t.Errorf("verdict = %+v alongside an error", got)
			}
		})
	}
}

// Latency series for the continuous watch. The noise is pseudo-random from a fixed state, so
// every run sees the same series.

// noisy is n response times around ms, each within ±pct percent of it.
func noisy(n int, ms int64, pct float64, state uint64) []int64 {
	r := rand.New(rand.NewPCG(state, 42))
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(math.Round(float64(ms) * (1 + pct/100*(2*r.Float64()-1))))
	}
	return out
}

// drift is n response times that grow by pct percent per check, from ms.
func drift(n int, ms, pct float64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(math.Round(ms * math.Pow(1+pct/100, float64(i))))
	}
	return out
}

func series(parts ...[]int64) []int64 { return slices.Concat(parts...) }

// watch feeds a series to a fresh watch and returns its changes as "index:change".
func watch(t *testing.T, latencies []int64) (LatencyState, []string) {
	t.Helper()
	var s LatencyState
	var changes []string
	for i, ms := range latencies {
		next, change, _ := s.Observe(ms)
		if len(next.Window) > LatencyWindow {
			t.Fatalf("check %d: window of %d", i, len(next.Window))
		}
		if change != "" {
			changes = append(changes, strconv.Itoa(i)+":"+string(change))
		}
		s = next
	}
	return s, changes
}

func TestLatencyWatch(t *testing.T) {
	spike := []int64{1000}
	slow := noisy(8, 500, 10, 3)
	tests := []struct {
		name      string
		latencies []int64
		want      []string
	}{
		{"steady with noise stays quiet", noisy(300, 100, 25, 1), nil},
		{"a single 10x spike changes nothing", series(noisy(40, 100, 10, 1), spike, noisy(40, 100, 10, 2)), nil},
		{"spikes one short of consecutive change nothing",
			series(noisy(40, 100, 10, 1), slices.Repeat(spike, LatencyConsecutive-1), noisy(40, 100, 10, 2)), nil},
		{"spikes that do not follow each other change nothing",
			series(noisy(40, 100, 10, 1), spike, []int64{100}, spike, []int64{100}, spike, noisy(40, 100, 10, 2)), nil},
		{"a sustained 5x shift, then back", series(noisy(40, 100, 10, 1), slow, noisy(40, 100, 10, 2)),
			[]string{"42:degraded", "50:normal"}},
		{"a gradual drift of 3% per check never triggers", drift(150, 100, 3), nil},
		{"fewer than LatencyMinSamples never judge", []int64{1, 10, 100, 1000, 10000, 100000, 100000, 100000, 100000, 100000}, nil},
		{"judging starts once the window holds LatencyMinSamples",
			series(slices.Repeat([]int64{100}, LatencyMinSamples), slices.Repeat([]int64{900}, LatencyConsecutive)),
			[]string{"12:degraded"}},
		{"a flat series is not hair-trigger", series(slices.Repeat([]int64{100}, 40), []int64{104, 110, 150, 190, 200, 180}), nil},
		{"a flat 1 ms series is not hair-trigger", series(slices.Repeat([]int64{1}, 40), []int64{3, 4, 5, 3, 5}), nil},
		{"a flat series still sees a real slowdown", series(slices.Repeat([]int64{100}, 40), []int64{201, 201, 201}),
			[]string{"42:degraded"}},
		{"a noisy site needs more than twice its median",
			series(noisy(40, 100, 90, 4), []int64{260, 270, 280, 100}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := watch(t, tt.latencies)
			if !slices.Equal(got, tt.want) {
				t.Errorf("changes = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLatencyWatchLinearDrift(t *testing.T) {
	var latencies []int64
	for i := range 300 {
		latencies = append(latencies, 100+int64(i)*5)
	}
	if _, got := watch(t, latencies); got != nil {
		t.Errorf("changes = %v, want none", got)
	}
}

// A slowdown that lasts is degraded for about half a window, then becomes the new usual.
func TestLatencyWatchLongShiftBecomesTheNewNormal(t *testing.T) {
	steady := noisy(40, 100, 10, 1)
	_, got := watch(t, series(steady, noisy(100, 500, 10, 5)))
	if len(got) != 2 || got[0] != "42:degraded" || !strings.HasSuffix(got[1], ":normal") {
		t.Fatalf("changes = %v, want degraded at 42, then normal", got)
	}
	at, _ := strconv.Atoi(strings.TrimSuffix(got[1], ":normal"))
	if into := at - len(steady); into < LatencyWindow/2 || into >= LatencyWindow {
		t.Errorf("normal %d checks into the shift, want between %d and %d", into, LatencyWindow/2, LatencyWindow)
	}
}

func TestLatencyObserveReportsTheBaselineBeforeTheCheck(t *testing.T) {
	s := LatencyState{Window: []int64{100, 120, 80, 110, 90, 100, 105, 95, 100, 2000}}
	tests := []struct {
		latency  int64
		baseline int64
		streak   int
	}{
		{1000, 100, 1},
		{1000, 100, 2}, // the window now holds a 1000: the median is not moved by it
		{50, 103, 0},   // two 1000s: the median of 12 is (100+105)/2, rounded
	}
	for i, tt := range tests {
		next, change, baseline := s.Observe(tt.latency)
		if baseline != tt.baseline || next.Streak != tt.streak || change != "" || next.Degraded {
			t.Errorf("check %d: baseline %d, streak %d, change %q, degraded %v; want %d, %d, none",
				i, baseline, next.Streak, change, next.Degraded, tt.baseline, tt.streak)
		}
		if last := next.Window[len(next.Window)-1]; last != tt.latency {
			t.Errorf("check %d: window ends with %d", i, last)
		}
		s = next
	}
}

func TestLatencyObserveKeepsTheWindowBoundedAndItsInputAlone(t *testing.T) {
	long := make([]int64, 50, 60) // longer than the window, with room to grow in place
	for i := range long {
		long[i] = int64(i)
	}
	before := slices.Clone(long[:cap(long)])
	s := LatencyState{Window: long}
	next, _, baseline := s.Observe(7)
	if len(next.Window) != LatencyWindow || next.Window[0] != 21 || next.Window[LatencyWindow-1] != 7 {
		t.Errorf("window = %v", next.Window)
	}
	if baseline != 35 { // the median of 20..49, the last LatencyWindow kept
		t.Errorf("baseline = %d, want 35", baseline)
	}
	if !slices.Equal(long[:cap(long)], before) {
		t.Error("Observe wrote to the caller's window")
	}
	next.Window[0] = -1
	if long[21] != 21 {
		t.Error("the new window shares the caller's array")
	}
	if got, _, baseline := (LatencyState{}).Observe(-5); len(got.Window) != 1 || got.Window[0] != 0 || baseline != 0 {
		t.Errorf("first observation = %+v, baseline %d", got, baseline)
	}
}

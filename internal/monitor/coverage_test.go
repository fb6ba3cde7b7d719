package monitor

import (
	"strings"
	"testing"
	"time"
)

// sketch draws a timeline minute by minute over [0, n) minutes: u up, d down, . excluded.
func sketch(tl Timeline, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(map[Coverage]string{CoverageUp: "u", CoverageDown: "d", CoverageExcluded: "."}[tl.At(tAt(time.Duration(i)*time.Minute))])
	}
	return b.String()
}

// parseSketch turns a sketch back into a timeline, so tests read as pictures.
func parseSketch(s string) Timeline {
	tl := Timeline{Initial: CoverageExcluded}
	last := CoverageExcluded
	for i, r := range s {
		c := map[rune]Coverage{'u': CoverageUp, 'd': CoverageDown, '.': CoverageExcluded}[r]
		if c != last {
			tl.Transitions = append(tl.Transitions, Transition{At: tAt(time.Duration(i) * time.Minute), State: c})
			last = c
		}
	}
	return tl
}

func periodMin(from, to int) Period {
	return Period{tAt(time.Duration(from) * time.Minute), tAt(time.Duration(to) * time.Minute)}
}

func TestExcludeOverridesTheStatusTimeline(t *testing.T) {
	tests := []struct {
		name     string
		timeline string
		periods  []Period
		want     string
	}{
		{"nothing to exclude", "uuuddduuu", nil, "uuuddduuu"},
		{"one period inside up time", "uuuuuuuuu", []Period{periodMin(2, 5)}, "uu...uuuu"},
		{"a period across a change", "uuuddduuu", []Period{periodMin(2, 4)}, "uu..dduuu"},
		{"overlapping periods in any order", "uuuddduuu", []Period{periodMin(4, 7), periodMin(1, 5)}, "u......uu"},
		{"touching periods", "uuuddduuu", []Period{periodMin(1, 3), periodMin(3, 5)}, "u....duuu"},
		{"an empty or reversed period is nothing", "uuuddduuu", []Period{periodMin(3, 3), periodMin(6, 2)}, "uuuddduuu"},
		{"a period past the end", "uuuddd", []Period{periodMin(4, 100)}, "uuud.........."},
		{"excluded stays excluded", "..uu..dd", []Period{periodMin(1, 3)}, "...u..dd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := parseSketch(tt.timeline).Exclude(tt.periods)
			if got := sketch(tl, len(tt.want)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			for i := 1; i < len(tl.Transitions); i++ {
				if tl.Transitions[i].State == tl.Transitions[i-1].State || !tl.Transitions[i].At.After(tl.Transitions[i-1].At) {
					t.Errorf("transitions not minimal and ordered: %v", tl.Transitions)
				}
			}
		})
	}
}

func TestTimelineLastTransitionAtAnInstantWins(t *testing.T) {
	tl := Timeline{Initial: CoverageUp, Transitions: []Transition{
		{tAt(time.Minute), CoverageDown}, {tAt(time.Minute), CoverageExcluded}, {tAt(2 * time.Minute), CoverageUp}}}
	if got := sketch(tl, 3); got != "u.u" {
		t.Errorf("got %s, want u.u", got)
	}
	f := History{Timeline: tl}.Figures(tAt(0), tAt(3*time.Minute))
	if f.Up != 2*time.Minute || f.Down != 0 || f.Excluded != time.Minute {
		t.Errorf("figures = %+v", f)
	}
}

func TestGapIsMoreThanTwiceTheIntervalPlusTheTimeout(t *testing.T) {
	last := tAt(0)
	tests := []struct {
		name              string
		next              time.Duration
		interval, timeout time.Duration
		want              *Period
	}{
		{"on time", 60 * time.Second, time.Minute, 10 * time.Second, nil},
		{"late, but by exactly the limit", 130 * time.Second, time.Minute, 10 * time.Second, nil},
		{"just past the limit", 131 * time.Second, time.Minute, 10 * time.Second, &Period{tAt(time.Minute), tAt(131 * time.Second)}},
		{"a restart after an hour", time.Hour, time.Minute, 10 * time.Second, &Period{tAt(time.Minute), tAt(time.Hour)}},
		{"no interval (a push site not set up)", time.Hour, 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Gap(last, tAt(tt.next), tt.interval, tt.timeout)
			if ok != (tt.want != nil) || ok && got != *tt.want {
				t.Errorf("Gap = %v, %v; want %v", got, ok, tt.want)
			}
		})
	}
}

func TestMonitoringEventsSayWhatTheyRecord(t *testing.T) {
	p, r := PauseEvent(7, tAt(0), true), PauseEvent(7, tAt(time.Minute), false)
	if p.Kind != EventMonitoring || p.From != MonitoringActive || p.To != MonitoringPaused || p.SiteID != 7 ||
		r.From != MonitoringPaused || r.To != MonitoringActive || !r.At.Equal(tAt(time.Minute)) {
		t.Errorf("pause %+v, resume %+v", p, r)
	}
	g := GapEvents(7, periodMin(1, 61))
	if g[0].From != MonitoringActive || g[0].To != MonitoringGap || !g[0].At.Equal(tAt(time.Minute)) ||
		g[1].From != MonitoringGap || g[1].To != MonitoringActive || !g[1].At.Equal(tAt(61*time.Minute)) ||
		g[0].Reason != "not monitored for 1h0m0s" {
		t.Errorf("gap events %+v", g)
	}
}

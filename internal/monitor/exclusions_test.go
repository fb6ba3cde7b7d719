package monitor

import (
	"testing"
	"time"
)

func TestExclusionsStoredForm(t *testing.T) {
	tests := []struct {
		stored string
		want   Exclusions
		again  string // what String writes back
	}{
		{"active", 0, "active"},
		{"", 0, "active"},
		{"paused", ExcludedPaused, "paused"},
		{"gap", ExcludedGap, "gap"},
		{"maintenance", ExcludedMaintenance, "maintenance"},
		{"maintenance+paused", ExcludedMaintenance | ExcludedPaused, "maintenance+paused"},
		{"paused+maintenance", ExcludedMaintenance | ExcludedPaused, "maintenance+paused"},
		{"paused+gap+maintenance", ExcludedPaused | ExcludedGap | ExcludedMaintenance, "gap+maintenance+paused"},
		{"frozen", 0, "active"}, // a state this version does not know counts
		{"frozen+paused", ExcludedPaused, "paused"},
	}
	for _, tt := range tests {
		got := ParseExclusions(tt.stored)
		if got != tt.want || got.String() != tt.again {
			t.Errorf("ParseExclusions(%q) = %v (%s), want %v (%s)", tt.stored, uint8(got), got, uint8(tt.want), tt.again)
		}
	}
	for x := Exclusions(0); x < 8; x++ {
		if back := ParseExclusions(x.String()); back != x {
			t.Errorf("%s read back as %s", x, back)
		}
	}
}

func TestExclusionsComposeAcrossEvents(t *testing.T) {
	at := tAt(0)
	maint := func(open bool) Event { return MaintenanceEvent(1, at, open, "db") }
	pause := func(p bool) Event { return PauseEvent(1, at, p) }
	tests := []struct {
		name   string
		events []Event
		want   Exclusions
	}{
		{"pause, window opens, resume: still in the window", []Event{pause(true), maint(true), pause(false)}, ExcludedMaintenance},
		{"window, pause, window closes: still paused", []Event{maint(true), pause(true), maint(false)}, ExcludedPaused},
		{"both end in either order: watched", []Event{maint(true), pause(true), pause(false), maint(false)}, 0},
		{"a gap found at a pause outlasts the resume", []Event{GapBegins(1, at), pause(true), pause(false)}, ExcludedGap},
		{"the next check ends the gap", []Event{GapBegins(1, at), maint(true), GapEnds(1, at)}, ExcludedMaintenance},
		{"an end without its beginning ends nothing else", []Event{pause(true), maint(false)}, ExcludedPaused},
		{"an event from and to one state changes nothing", []Event{{Kind: EventMonitoring, From: MonitoringPaused, To: MonitoringPaused}}, 0},
	}
	for _, tt := range tests {
		var x Exclusions
		for _, ev := range tt.events {
			x = x.Apply(ev)
		}
		if x != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, x, tt.want)
		}
		if x.Watched() != (tt.want == 0) {
			t.Errorf("%s: Watched %v", tt.name, x.Watched())
		}
	}
}

// overlap is a site up from 0 to 40 minutes, paused from pause to resume and in maintenance
// from open to close (minutes).
type overlap struct {
	name                      string
	pause, resume, open, shut time.Duration
}

// overlaps are a pause and a maintenance window overlapping every way: the time left out is
// always [10, 30) minutes.
var overlaps = []overlap{
	{"paused first, resumed inside the window", 10, 20, 15, 30},
	{"window first, closed while still paused", 15, 30, 10, 20},
	{"window inside the pause", 10, 30, 15, 20},
	{"pause inside the window", 15, 20, 10, 30},
}

func (o overlap) events() []Event {
	m := time.Minute
	return []Event{statusEv(0, StatusPending, StatusUp),
		pauseEv(o.pause*m, true), MaintenanceEvent(1, tAt(o.open*m), true, "db"),
		pauseEv(o.resume*m, false), MaintenanceEvent(1, tAt(o.shut*m), false, "maintenance over")}
}

func TestOverlappingPauseAndMaintenanceExcludeTheirUnion(t *testing.T) {
	const m = time.Minute
	for _, o := range overlaps {
		t.Run(o.name, func(t *testing.T) {
			all := o.events()
			got := NewHistory(all, nil).Figures(tAt(0), tAt(40*m))
			if got.Up != 20*m || got.Excluded != 20*m || got.Down != 0 {
				t.Errorf("[0, 40m): up %v excluded %v, want 20m each: [10m, 30m) left out", got.Up, got.Excluded)
			}
			// From 25 minutes on, with only what a store reads as in force then: the last
			// status event and each reason's last monitoring event before it.
			from := tAt(25 * m)
			sorted := sortedEvents(all)
			var inForce []Event
			seen := map[string]bool{}
			for i := len(sorted) - 1; i >= 0; i-- {
				ev := sorted[i]
				key := "status"
				if ev.Kind == EventMonitoring {
					key = string(ev.From) + string(ev.To)
					if ev.From == MonitoringActive {
						key = string(ev.To)
					} else if ev.To == MonitoringActive {
						key = string(ev.From)
					}
				}
				if !ev.At.Before(from) || !seen[key] {
					seen[key] = seen[key] || ev.At.Before(from)
					inForce = append(inForce, ev)
				}
			}
			got = NewHistory(inForce, nil).Figures(from, tAt(40*m))
			if got.Up != 10*m || got.Excluded != 5*m {
				t.Errorf("[25m, 40m): up %v excluded %v, want 10m and 5m", got.Up, got.Excluded)
			}
		})
	}
}

// Every batch of results reads and writes each site's ledger: one reason or none must cost
// no allocation either way.
func TestExclusionsOfOneReasonAllocateNothing(t *testing.T) {
	for _, stored := range []string{"active", "paused", "gap", "maintenance"} {
		if n := testing.AllocsPerRun(100, func() { _ = ParseExclusions(stored).String() }); n != 0 {
			t.Errorf("%s: %v allocations", stored, n)
		}
	}
}

// A gap in monitoring overlaps a window or a pause like they overlap each other: found when a
// window closed while Tocsin was stopped, it outlasts the window until the next check.
func TestAGapOverlappingMaintenanceOrAPauseIsLeftOutOnce(t *testing.T) {
	const m = time.Minute
	up := statusEv(0, StatusPending, StatusUp)
	tests := []struct {
		name   string
		events []Event
		want   time.Duration // excluded of [0, 40m)
	}{
		{"window 10–20, gap found at its close 15–30", []Event{up, MaintenanceEvent(1, tAt(10*m), true, "db"),
			GapBegins(1, tAt(15*m)), MaintenanceEvent(1, tAt(20*m), false, ""), GapEnds(1, tAt(30*m))}, 20 * m},
		{"gap 15–30 found by a check, window 20–35", append([]Event{up, MaintenanceEvent(1, tAt(20*m), true, "db"),
			MaintenanceEvent(1, tAt(35*m), false, "")}, gapEvs(15*m, 30*m)...), 20 * m},
		{"paused 10–32, gap 15–30 inside", append([]Event{up, pauseEv(10*m, true), pauseEv(32*m, false)}, gapEvs(15*m, 30*m)...), 22 * m},
		{"gap 15–30 found at a pause 20, resumed 25", []Event{up, GapBegins(1, tAt(15*m)), pauseEv(20*m, true),
			pauseEv(25*m, false), GapEnds(1, tAt(30*m))}, 15 * m},
	}
	for _, tt := range tests {
		got := NewHistory(tt.events, nil).Figures(tAt(0), tAt(40*m))
		if got.Excluded != tt.want || got.Up != 40*m-tt.want {
			t.Errorf("%s: up %v excluded %v, want excluded %v", tt.name, got.Up, got.Excluded, tt.want)
		}
	}
}

package monitor

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// epoch is a Sunday on which Europe moves its clocks; UTC days stay 24 hours long.
var epoch = time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)

func tAt(d time.Duration) time.Time { return epoch.Add(d) }

func statusEv(d time.Duration, from, to Status) Event {
	return Event{Kind: EventStatus, At: tAt(d), From: StatusState(from), To: StatusState(to), Reason: "r" + string(to)}
}

func pauseEv(d time.Duration, paused bool) Event { return PauseEvent(1, tAt(d), paused) }

func gapEvs(from, to time.Duration) []Event {
	evs := GapEvents(1, Period{tAt(from), tAt(to)})
	return evs[:]
}

func ratio(up, total float64) *float64 { r := up / total; return &r }

func sameUptime(got, want *float64) bool {
	if got == nil || want == nil {
		return got == want
	}
	return math.Abs(*got-*want) <= 1e-15
}

func TestFiguresAreTimeWeighted(t *testing.T) {
	const s, m, h = time.Second, time.Minute, time.Hour
	up, down, pending := StatusUp, StatusDown, StatusPending
	evs := func(groups ...[]Event) []Event {
		var out []Event
		for _, g := range groups {
			out = append(out, g...)
		}
		return out
	}
	tests := []struct {
		name     string
		events   []Event
		excluded []Period
		from, to time.Duration
		want     UptimeFigures
	}{
		{"up 40 s, down 20 s, up 20 s", []Event{statusEv(0, pending, up), statusEv(40*s, up, down), statusEv(60*s, down, up)},
			nil, 0, 80 * s,
			UptimeFigures{Up: 60 * s, Down: 20 * s, Incidents: 1, Resolved: 1, Repair: 20 * s, MTTR: 20 * s, Uptime: ratio(3, 4)}},
		{"events in any order", []Event{statusEv(60*s, down, up), statusEv(0, pending, up), statusEv(40*s, up, down)},
			nil, 0, 80 * s,
			UptimeFigures{Up: 60 * s, Down: 20 * s, Incidents: 1, Resolved: 1, Repair: 20 * s, MTTR: 20 * s, Uptime: ratio(3, 4)}},
		{"down 10 minutes of a day, whatever the interval", []Event{statusEv(-h, pending, up), statusEv(10*h, up, down), statusEv(10*h+10*m, down, up)},
			nil, 0, 24 * h,
			UptimeFigures{Up: 1430 * m, Down: 10 * m, Incidents: 1, Resolved: 1, Repair: 10 * m, MTTR: 10 * m, Uptime: ratio(1430, 1440)}},
		{"time before the first check is excluded, not up", []Event{statusEv(30*s, pending, up)},
			nil, 0, 60 * s,
			UptimeFigures{Up: 30 * s, Excluded: 30 * s, Uptime: ratio(1, 1)}},
		{"a paused stretch is excluded", evs([]Event{statusEv(0, pending, up), pauseEv(10*m, true), pauseEv(40*m, false)}),
			nil, 0, h,
			UptimeFigures{Up: 30 * m, Excluded: 30 * m, Uptime: ratio(1, 1)}},
		{"paused while down: excluded, one incident of wall-clock length",
			[]Event{statusEv(0, pending, up), statusEv(10*m, up, down), pauseEv(20*m, true), pauseEv(50*m, false), statusEv(51*m, down, up)},
			nil, 0, h,
			UptimeFigures{Up: 19 * m, Down: 11 * m, Excluded: 30 * m, Incidents: 1, Resolved: 1, Repair: 41 * m, MTTR: 41 * m, Uptime: ratio(19, 30)}},
		{"a gap in monitoring is excluded, not the last status", evs([]Event{statusEv(0, pending, down)}, gapEvs(20*m, 50*m)),
			nil, 0, h,
			UptimeFigures{Down: 30 * m, Excluded: 30 * m, Incidents: 1, Uptime: ratio(0, 1)}},
		{"maintenance is excluded", []Event{statusEv(0, pending, up), statusEv(10*m, up, down), statusEv(30*m, down, up)},
			[]Period{{tAt(5 * m), tAt(20 * m)}}, 0, h,
			UptimeFigures{Up: 35 * m, Down: 10 * m, Excluded: 15 * m, Incidents: 1, Resolved: 1, Repair: 20 * m, MTTR: 20 * m, Uptime: ratio(35, 45)}},
		{"a window that starts mid-incident", []Event{statusEv(-2*h, pending, up), statusEv(-30*m, up, down), statusEv(15*m, down, up)},
			nil, 0, h,
			UptimeFigures{Up: 45 * m, Down: 15 * m, Resolved: 1, Repair: 45 * m, MTTR: 45 * m, Uptime: ratio(45, 60)}},
		{"an ongoing incident counts, but not in MTTR", []Event{statusEv(0, pending, up), statusEv(50*m, up, down)},
			nil, 0, h,
			UptimeFigures{Up: 50 * m, Down: 10 * m, Incidents: 1, Uptime: ratio(50, 60)}},
		{"no events: no data", nil, nil, 0, h, UptimeFigures{Excluded: h}},
		{"paused for the whole window: no data", []Event{statusEv(-h, pending, up), pauseEv(-30*m, true)},
			nil, 0, h, UptimeFigures{Excluded: h}},
		{"an empty window", []Event{statusEv(-h, pending, up)}, nil, h, h, UptimeFigures{}},
		{"a resume without its pause: paused before all events", []Event{statusEv(-h, pending, up), pauseEv(10*m, false)},
			nil, 0, h, UptimeFigures{Up: 50 * m, Excluded: 10 * m, Uptime: ratio(1, 1)}},
		{"a recovery without its down event: down before, no incident", []Event{statusEv(10*m, down, up)},
			nil, 0, h, UptimeFigures{Up: 50 * m, Down: 10 * m, Uptime: ratio(50, 60)}},
		{"latency events change nothing",
			[]Event{statusEv(0, pending, up), {Kind: EventLatency, At: tAt(5 * m), From: "normal", To: "degraded"}},
			nil, 0, h, UptimeFigures{Up: h, Uptime: ratio(1, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewHistory(tt.events, tt.excluded).Figures(tAt(tt.from), tAt(tt.to))
			if !sameUptime(got.Uptime, tt.want.Uptime) {
				t.Errorf("uptime = %s, want %s", fmtRatio(got.Uptime), fmtRatio(tt.want.Uptime))
			}
			got.Uptime, tt.want.Uptime = nil, nil
			if got != tt.want {
				t.Errorf("figures = %+v\n want %+v", got, tt.want)
			}
		})
	}
}

func fmtRatio(r *float64) string {
	if r == nil {
		return "nil"
	}
	return time.Duration(*r * 1e9).String() // readable enough: 0.75 prints as 750ms
}

func TestUptimeHasDigitsFor99999Percent(t *testing.T) {
	// Down 26 s in 30 days is 99.999 %: the fraction must tell it from 99.998 % and from 1.
	h := NewHistory([]Event{statusEv(0, StatusPending, StatusUp), statusEv(time.Hour, StatusUp, StatusDown),
		statusEv(time.Hour+26*time.Second, StatusDown, StatusUp)}, nil)
	got := h.Figures(tAt(0), tAt(30*24*time.Hour)).Uptime
	if got == nil || *got == 1 || math.Abs(*got-(1-26.0/2592000)) > 1e-15 || *got < 0.99998 {
		t.Fatalf("uptime = %v", fmtRatio(got))
	}
}

func TestDaysAreUTCDaysThatAddUp(t *testing.T) {
	const m, h, day = time.Minute, time.Hour, 24 * time.Hour
	// The site is first checked at 06:00 on day 1; it is down from 23:50 on day 1 to 00:20 on day 2.
	hist := NewHistory([]Event{statusEv(day+6*h, StatusPending, StatusUp), statusEv(2*day-10*m, StatusUp, StatusDown),
		statusEv(2*day+20*m, StatusDown, StatusUp)}, nil)
	now := tAt(3*day + 12*h)
	days := hist.Days(now.In(time.FixedZone("CEST", 2*3600)), 4)
	want := []struct {
		day                 time.Duration
		up, down, excluded  time.Duration
		incidents, resolved int
		uptime              *float64
		mttr                time.Duration
	}{
		{0, 0, 0, day, 0, 0, nil, 0},
		{day, 17*h + 50*m, 10 * m, 6 * h, 1, 0, ratio(1070, 1080), 0},
		{2 * day, 23*h + 40*m, 20 * m, 0, 0, 1, ratio(1420, 1440), 30 * m},
		{3 * day, 12 * h, 0, 0, 0, 0, ratio(1, 1), 0},
	}
	if len(days) != len(want) {
		t.Fatalf("got %d days, want %d", len(days), len(want))
	}
	for i, w := range want {
		d := days[i]
		if !d.Day.Equal(tAt(w.day)) || d.Day.Location() != time.UTC || d.Up != w.up || d.Down != w.down || d.Excluded != w.excluded ||
			d.Incidents != w.incidents || d.Resolved != w.resolved || d.MTTR != w.mttr || !sameUptime(d.Uptime, w.uptime) {
			t.Errorf("day %d = %v %+v uptime %s, want %+v", i, d.Day, d.UptimeFigures, fmtRatio(d.Uptime), w)
		}
	}
	total := SumFigures(figuresOf(days)...)
	whole := hist.Figures(tAt(0), now)
	if !sameUptime(total.Uptime, whole.Uptime) {
		t.Errorf("sum of days uptime %s, whole %s", fmtRatio(total.Uptime), fmtRatio(whole.Uptime))
	}
	total.Uptime, whole.Uptime = nil, nil
	if total != whole {
		t.Errorf("sum of days %+v\n   whole %+v", total, whole)
	}
}

func figuresOf(days []DayFigures) []UptimeFigures {
	out := make([]UptimeFigures, len(days))
	for i, d := range days {
		out[i] = d.UptimeFigures
	}
	return out
}

func TestDaysOfRandomHistoriesAddUpToTheWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 12))
	for range 50 {
		var events []Event
		status := StatusPending
		var d time.Duration
		for range 40 {
			d += time.Duration(rng.Int64N(int64(20 * time.Hour)))
			switch rng.IntN(4) {
			case 0:
				events = append(events, pauseEv(d, rng.IntN(2) == 0))
			default:
				next := []Status{StatusUp, StatusDown}[rng.IntN(2)]
				events = append(events, statusEv(d, status, next))
				status = next
			}
		}
		hist := NewHistory(events, []Period{{tAt(5 * time.Hour), tAt(31 * time.Hour)}})
		now := tAt(d + time.Hour)
		days := hist.Days(now, 40)
		total, whole := SumFigures(figuresOf(days)...), hist.Figures(days[0].Day, now)
		if !sameUptime(total.Uptime, whole.Uptime) || total.Up != whole.Up || total.Down != whole.Down ||
			total.Excluded != whole.Excluded || total.Incidents != whole.Incidents || total.Repair != whole.Repair {
			t.Fatalf("days %+v\n whole %+v", total, whole)
		}
		if span := now.Sub(days[0].Day); total.Up+total.Down+total.Excluded != span {
			t.Fatalf("days cover %v, want %v", total.Up+total.Down+total.Excluded, span)
		}
	}
}

func TestSumFiguresWeighsByTimeNotBySite(t *testing.T) {
	a := UptimeFigures{Up: 90 * time.Second, Down: 10 * time.Second, Incidents: 1, Resolved: 1, Repair: 10 * time.Second}
	b := UptimeFigures{Up: 10 * time.Second, Excluded: time.Minute, Resolved: 1, Repair: 30 * time.Second}
	got := SumFigures(a, b)
	if !sameUptime(got.Uptime, ratio(100, 110)) { // a mean of percentages would say 0.95
		t.Errorf("uptime = %s, want 100/110", fmtRatio(got.Uptime))
	}
	if got.MTTR != 20*time.Second || got.Incidents != 1 || got.Resolved != 2 || got.Excluded != time.Minute {
		t.Errorf("sum = %+v", got)
	}
	if empty := SumFigures(); empty.Uptime != nil || empty.MTTR != 0 {
		t.Errorf("sum of nothing = %+v", empty)
	}
	if none := SumFigures(UptimeFigures{Excluded: time.Hour}); none.Uptime != nil {
		t.Errorf("sum without monitored time has uptime %s", fmtRatio(none.Uptime))
	}
}

// ninetyDays are the events of a site checked for 90 days, with about 5 outages a month and a
// pause a week, and the end of those days.
func ninetyDays() ([]Event, time.Time) {
	rng := rand.New(rand.NewPCG(90, 90))
	events := []Event{statusEv(0, StatusPending, StatusUp)}
	for day := range 90 {
		base := time.Duration(day) * 24 * time.Hour
		if rng.IntN(6) == 0 {
			start := base + time.Duration(rng.Int64N(int64(20*time.Hour)))
			events = append(events, statusEv(start, StatusUp, StatusDown),
				statusEv(start+time.Duration(1+rng.IntN(60))*time.Minute, StatusDown, StatusUp))
		}
		if day%7 == 3 {
			events = append(events, pauseEv(base+22*time.Hour, true), pauseEv(base+23*time.Hour, false))
		}
	}
	return events, tAt(90 * 24 * time.Hour)
}

func BenchmarkNinetyDayHistory(b *testing.B) {
	events, _ := ninetyDays()
	for b.Loop() {
		NewHistory(events, nil)
	}
}

func BenchmarkNinetyDayFigures(b *testing.B) {
	events, now := ninetyDays()
	h := NewHistory(events, nil)
	for b.Loop() {
		h.Figures(now.Add(-90*24*time.Hour), now)
	}
}

func BenchmarkNinetyDayBars(b *testing.B) {
	events, now := ninetyDays()
	h := NewHistory(events, nil)
	for b.Loop() {
		h.Days(now, 90)
	}
}

func TestMaintenanceIsExcludedLikeAPause(t *testing.T) {
	const s = time.Second
	maintenance := func(d time.Duration, open bool) Event {
		from, to := MonitoringActive, MonitoringMaintenance
		if !open {
			from, to = to, from
		}
		return Event{SiteID: 1, Kind: EventMonitoring, At: tAt(d), From: EventState(from), To: EventState(to)}
	}
	events := []Event{statusEv(0, StatusPending, StatusUp), maintenance(20*s, true), statusEv(30*s, StatusUp, StatusDown),
		maintenance(40*s, false), statusEv(50*s, StatusDown, StatusUp)}
	withMaintenance := NewHistory(events, nil).Figures(tAt(0), tAt(80*s))
	paused := NewHistory([]Event{events[0], pauseEv(20*s, true), events[2], pauseEv(40*s, false), events[4]}, nil).Figures(tAt(0), tAt(80*s))
	if withMaintenance.Up != 50*s || withMaintenance.Down != 10*s || withMaintenance.Excluded != 20*s {
		t.Errorf("up %v down %v excluded %v, want 50s 10s 20s", withMaintenance.Up, withMaintenance.Down, withMaintenance.Excluded)
	}
	if withMaintenance.Up != paused.Up || withMaintenance.Down != paused.Down || withMaintenance.Excluded != paused.Excluded {
		t.Errorf("maintenance %+v differs from the same time paused %+v", withMaintenance, paused)
	}
	if !Unwatched(MonitoringMaintenance) || Unwatched(MonitoringActive) {
		t.Error("Unwatched: maintenance must be unwatched, active watched")
	}
}

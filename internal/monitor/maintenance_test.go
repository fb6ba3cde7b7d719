package monitor

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, on machines without a zone database
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func mustSchedule(t *testing.T, m Maintenance) MaintenanceSchedule {
	t.Helper()
	if m.Title == "" {
		m.Title = "patching"
	}
	if m.SiteIDs == nil && !m.AllSites {
		m.AllSites = true
	}
	s, err := m.Schedule()
	if err != nil {
		t.Fatalf("%+v: %v", m, err)
	}
	return s
}

func recurring(cron string, d time.Duration, zone string) Maintenance {
	return Maintenance{Cron: cron, Duration: d, Timezone: zone}
}

func TestMaintenanceValidateNamesTheField(t *testing.T) {
	start := utc("2026-05-01T22:00:00Z")
	oneOff := Maintenance{Title: "db upgrade", SiteIDs: []int64{1, 2}, Start: start, End: start.Add(2 * time.Hour)}
	nightly := Maintenance{Title: "backups", AllSites: true, Cron: "0 3 * * *", Duration: time.Hour, Timezone: "Europe/Berlin"}
	tests := []struct {
		name  string
		edit  func(m *Maintenance)
		base  Maintenance
		field string // "" means valid
	}{
		{"one-off", func(m *Maintenance) {}, oneOff, ""},
		{"recurring", func(m *Maintenance) {}, nightly, ""},
		{"descriptor", func(m *Maintenance) { m.Cron = "@weekly" }, nightly, ""},
		{"named days", func(m *Maintenance) { m.Cron = "30 1 * * sat,sun" }, nightly, ""},
		{"empty timezone is UTC", func(m *Maintenance) { m.Timezone = "" }, nightly, ""},
		{"no title", func(m *Maintenance) { m.Title = "  " }, oneOff, "title"},
		{"long title", func(m *Maintenance) { m.Title = strings.Repeat("x", 201) }, oneOff, "title"},
		{"no sites", func(m *Maintenance) { m.SiteIDs = []int64{} }, oneOff, "site_ids"},
		{"sites and all_sites", func(m *Maintenance) { m.SiteIDs = []int64{1} }, nightly, "site_ids"},
		{"bad site id", func(m *Maintenance) { m.SiteIDs = []int64{1, 0} }, oneOff, "site_ids"},
		{"repeated site", func(m *Maintenance) { m.SiteIDs = []int64{4, 4} }, oneOff, "site_ids"},
		{"no start", func(m *Maintenance) { m.Start = time.Time{} }, oneOff, "start"},
		{"no end", func(m *Maintenance) { m.End = time.Time{} }, oneOff, "end"},
		{"end before start", func(m *Maintenance) { m.End = start.Add(-time.Minute) }, oneOff, "end"},
		{"end equals start", func(m *Maintenance) { m.End = start }, oneOff, "end"},
		{"end years away", func(m *Maintenance) { m.End = start.AddDate(1000, 0, 0) }, oneOff, "end"},
		{"one-off with duration", func(m *Maintenance) { m.Duration = time.Hour }, oneOff, "duration"},
		{"one-off with timezone", func(m *Maintenance) { m.Timezone = "UTC" }, oneOff, "timezone"},
		{"recurring with start", func(m *Maintenance) { m.Start = start }, nightly, "start"},
		{"recurring with end", func(m *Maintenance) { m.End = start }, nightly, "end"},
		{"six fields", func(m *Maintenance) { m.Cron = "0 0 3 * * *" }, nightly, "cron"},
		{"nonsense", func(m *Maintenance) { m.Cron = "at three" }, nightly, "cron"},
		{"hour out of range", func(m *Maintenance) { m.Cron = "0 25 * * *" }, nightly, "cron"},
		{"every", func(m *Maintenance) { m.Cron = "@every 1h" }, nightly, "cron"},
		{"zone in cron", func(m *Maintenance) { m.Cron = "CRON_TZ=Asia/Tokyo 0 3 * * *" }, nightly, "cron"},
		{"never fires", func(m *Maintenance) { m.Cron = "0 0 30 2 *" }, nightly, "cron"},
		{"no duration", func(m *Maintenance) { m.Duration = 0 }, nightly, "duration"},
		{"negative duration", func(m *Maintenance) { m.Duration = -time.Hour }, nightly, "duration"},
		{"tiny duration", func(m *Maintenance) { m.Duration = time.Second }, nightly, "duration"},
		{"month-long duration", func(m *Maintenance) { m.Duration = 31 * 24 * time.Hour }, nightly, "duration"},
		{"unknown zone", func(m *Maintenance) { m.Timezone = "Mars/Olympus_Mons" }, nightly, "timezone"},
		{"server's zone", func(m *Maintenance) { m.Timezone = "Local" }, nightly, "timezone"},
		{"path as zone", func(m *Maintenance) { m.Timezone = "../../etc/passwd" }, nightly, "timezone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.base
			m.SiteIDs = append([]int64(nil), m.SiteIDs...)
			tt.edit(&m)
			err := m.Validate()
			var fe *FieldError
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("want valid, got %v", err)
			case tt.field != "" && !errors.As(err, &fe):
				t.Errorf("want a field error on %s, got %v", tt.field, err)
			case tt.field != "" && fe.Field != tt.field:
				t.Errorf("error names %s (%v), want %s", fe.Field, err, tt.field)
			}
		})
	}
}

func TestMaintenanceCovers(t *testing.T) {
	some := Maintenance{SiteIDs: []int64{3, 5}}
	if !some.Covers(5) || some.Covers(4) {
		t.Error("a window must cover exactly its sites")
	}
	if !(Maintenance{AllSites: true}).Covers(99) {
		t.Error("all_sites must cover every site")
	}
}

func TestOneOffMaintenanceIsOpenFromStartUntilEnd(t *testing.T) {
	start, end := utc("2026-05-01T22:00:00Z"), utc("2026-05-02T01:30:00Z")
	s := mustSchedule(t, Maintenance{Start: start, End: end})
	tests := []struct {
		at     time.Time
		active bool
	}{
		{start.Add(-time.Nanosecond), false},
		{start, true},
		{utc("2026-05-02T00:00:00Z"), true},
		{end.Add(-time.Nanosecond), true},
		{end, false},
	}
	for _, tt := range tests {
		active, closes := s.ActiveAt(tt.at)
		if active != tt.active || (active && !closes.Equal(end)) {
			t.Errorf("ActiveAt(%s) = %v %s, want %v", tt.at, active, closes, tt.active)
		}
	}
	got := s.Intervals(utc("2026-05-01T00:00:00Z"), utc("2026-05-02T00:00:00Z"))
	if want := []Period{{start, utc("2026-05-02T00:00:00Z")}}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Intervals cut at the range = %v, want %v", got, want)
	}
	if got := s.Intervals(end, end.Add(time.Hour)); len(got) != 0 {
		t.Errorf("nothing after the end, got %v", got)
	}
}

// Each case names the instants (UTC) at which the window must be open, the instant it then
// closes, and instants it must be closed.
func TestRecurringMaintenanceFollowsTheLocalClock(t *testing.T) {
	tests := []struct {
		name   string
		window Maintenance
		open   []string // RFC 3339 instant, then the close it must report
		closed []string
	}{
		{
			// Berlin goes from CET (+1) to CEST (+2) at 02:00 local = 01:00Z on 2026-03-29.
			name:   "Berlin 03:00 before and after clocks go forward",
			window: recurring("0 3 * * *", time.Hour, "Europe/Berlin"),
			open: []string{
				"2026-03-28T02:00:00Z", "2026-03-28T03:00:00Z", // 03:00 CET
				"2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z", // 03:00 CEST
				"2026-03-30T01:59:59Z", "2026-03-30T02:00:00Z",
			},
			closed: []string{"2026-03-28T01:59:59Z", "2026-03-29T00:59:59Z", "2026-03-29T02:00:00Z", "2026-03-29T02:30:00Z"},
		},
		{
			// 02:30 does not exist in Berlin on 2026-03-29: the window opens when the clock jumps.
			name:   "Berlin 02:30, skipped by the clock",
			window: recurring("30 2 * * *", time.Hour, "Europe/Berlin"),
			open: []string{
				"2026-03-28T01:30:00Z", "2026-03-28T02:30:00Z", // 02:30 CET
				"2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z", // the jump to 03:00 CEST, an hour of elapsed time
				"2026-03-30T00:30:00Z", "2026-03-30T01:30:00Z", // 02:30 CEST
			},
			closed: []string{"2026-03-29T00:59:59Z", "2026-03-29T02:00:00Z"},
		},
		{
			// Berlin goes back from CEST to CET at 03:00 local = 01:00Z on 2026-10-25.
			name:   "Berlin 03:00 before and after clocks go back",
			window: recurring("0 3 * * *", time.Hour, "Europe/Berlin"),
			open: []string{
				"2026-10-24T01:00:00Z", "2026-10-24T02:00:00Z", // 03:00 CEST
				"2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z", // 03:00 CET
				"2026-10-26T02:30:00Z", "2026-10-26T03:00:00Z",
			},
			closed: []string{"2026-10-25T01:00:00Z", "2026-10-25T01:59:59Z", "2026-10-25T03:00:00Z"},
		},
		{
			// 02:30 happens twice on 2026-10-25 (CEST, then CET): the window opens once, the first time.
			name:   "Berlin 02:30, shown twice by the clock",
			window: recurring("30 2 * * *", 30*time.Minute, "Europe/Berlin"),
			open:   []string{"2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z"},
			closed: []string{"2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z", "2026-10-25T01:45:00Z"},
		},
		{
			// New York: EST (-5) to EDT (-4) on 2026-03-08, back on 2026-11-01.
			name:   "New York 09:00 on weekdays across both changes",
			window: recurring("0 9 * * 1-5", 30*time.Minute, "America/New_York"),
			open: []string{
				"2026-03-06T14:00:00Z", "2026-03-06T14:30:00Z", // Friday, EST
				"2026-03-09T13:10:00Z", "2026-03-09T13:30:00Z", // Monday, EDT
				"2026-10-30T13:00:00Z", "2026-10-30T13:30:00Z", // Friday, EDT
				"2026-11-02T14:00:00Z", "2026-11-02T14:30:00Z", // Monday, EST
			},
			closed: []string{"2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z", "2026-03-09T14:00:00Z", "2026-11-02T13:00:00Z"},
		},
		{
			name:   "Saturday 23:00 for three hours, into Sunday",
			window: recurring("0 23 * * sat", 3*time.Hour, "Europe/Berlin"),
			open: []string{
				"2026-06-06T21:00:00Z", "2026-06-07T00:00:00Z", // 23:00 CEST Saturday
				"2026-06-06T23:30:00Z", "2026-06-07T00:00:00Z", // 01:30 Sunday
			},
			closed: []string{"2026-06-06T20:59:59Z", "2026-06-07T00:00:00Z", "2026-06-07T21:00:00Z"},
		},
		{
			name:   "hourly for 90 minutes: windows run into each other",
			window: recurring("0 8-10 * * *", 90*time.Minute, "UTC"),
			open:   []string{"2026-01-05T08:00:00Z", "2026-01-05T11:30:00Z", "2026-01-05T10:45:00Z", "2026-01-05T11:30:00Z"},
			closed: []string{"2026-01-05T07:59:59Z", "2026-01-05T11:30:00Z"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustSchedule(t, tt.window)
			for i := 0; i < len(tt.open); i += 2 {
				at, wantEnd := utc(tt.open[i]), utc(tt.open[i+1])
				active, end := s.ActiveAt(at)
				if !active || !end.Equal(wantEnd) {
					t.Errorf("ActiveAt(%s) = %v until %s, want open until %s", at.Format(time.RFC3339), active, end.Format(time.RFC3339), wantEnd.Format(time.RFC3339))
				}
			}
			for _, c := range tt.closed {
				if active, end := s.ActiveAt(utc(c)); active {
					t.Errorf("ActiveAt(%s) = open until %s, want closed", c, end.Format(time.RFC3339))
				}
			}
		})
	}
}

func TestRecurringMaintenanceIntervals(t *testing.T) {
	tests := []struct {
		name     string
		window   Maintenance
		from, to string
		want     []string // start/end pairs
	}{
		{
			name:   "Berlin nightly over the spring change",
			window: recurring("0 3 * * *", time.Hour, "Europe/Berlin"),
			from:   "2026-03-27T00:00:00Z", to: "2026-03-31T00:00:00Z",
			want: []string{
				"2026-03-27T02:00:00Z", "2026-03-27T03:00:00Z",
				"2026-03-28T02:00:00Z", "2026-03-28T03:00:00Z",
				"2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z",
				"2026-03-30T01:00:00Z", "2026-03-30T02:00:00Z",
			},
		},
		{
			name:   "Berlin 02:30 over the autumn change opens once that night",
			window: recurring("30 2 * * *", 30*time.Minute, "Europe/Berlin"),
			from:   "2026-10-24T00:00:00Z", to: "2026-10-26T12:00:00Z",
			want: []string{
				"2026-10-24T00:30:00Z", "2026-10-24T01:00:00Z",
				"2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z",
				"2026-10-26T01:30:00Z", "2026-10-26T02:00:00Z",
			},
		},
		{
			name:   "every 15 minutes of the skipped hour open once, at the jump",
			window: recurring("*/15 2 * * *", 10*time.Minute, "Europe/Berlin"),
			from:   "2026-03-29T00:00:00Z", to: "2026-03-29T03:00:00Z",
			want: []string{"2026-03-29T01:00:00Z", "2026-03-29T01:10:00Z"},
		},
		{
			name:   "a window over midnight is cut at the range",
			window: recurring("0 23 * * *", 2*time.Hour, "UTC"),
			from:   "2026-01-10T00:00:00Z", to: "2026-01-11T00:00:00Z",
			want: []string{"2026-01-10T00:00:00Z", "2026-01-10T01:00:00Z", "2026-01-10T23:00:00Z", "2026-01-11T00:00:00Z"},
		},
		{
			name:   "touching and overlapping windows merge",
			window: recurring("0 8-10 * * *", time.Hour, "UTC"),
			from:   "2026-01-10T00:00:00Z", to: "2026-01-11T00:00:00Z",
			want: []string{"2026-01-10T08:00:00Z", "2026-01-10T11:00:00Z"},
		},
		{
			name:   "a later opening inside a window carries it on",
			window: recurring("0,20 * * * *", 30*time.Minute, "UTC"),
			from:   "2026-01-10T12:00:00Z", to: "2026-01-10T14:00:00Z",
			want: []string{"2026-01-10T12:00:00Z", "2026-01-10T12:50:00Z", "2026-01-10T13:00:00Z", "2026-01-10T13:50:00Z"},
		},
		{
			name:   "a dense schedule is one range",
			window: recurring("*/10 * * * *", 25*time.Minute, "Asia/Kolkata"),
			from:   "2026-01-10T00:00:00Z", to: "2026-01-13T00:00:00Z",
			want: []string{"2026-01-10T00:00:00Z", "2026-01-13T00:00:00Z"},
		},
		{
			name:   "empty range",
			window: recurring("* * * * *", time.Hour, "UTC"),
			from:   "2026-01-10T00:00:00Z", to: "2026-01-10T00:00:00Z",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustSchedule(t, tt.window).Intervals(utc(tt.from), utc(tt.to))
			var want []Period
			for i := 0; i < len(tt.want); i += 2 {
				want = append(want, Period{utc(tt.want[i]), utc(tt.want[i+1])})
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Intervals =\n%v\nwant\n%v", got, want)
			}
		})
	}
}

// A window that never closes (every minute, for an hour) is followed only a week ahead.
func TestActiveAtBoundsWindowsThatNeverClose(t *testing.T) {
	s := mustSchedule(t, recurring("* * * * *", time.Hour, "UTC"))
	at := utc("2026-01-10T12:00:00Z")
	active, end := s.ActiveAt(at)
	if !active || end.Before(at.Add(mergeAhead)) || end.After(at.Add(mergeAhead+time.Hour)) {
		t.Errorf("ActiveAt = %v until %s, want open for about a week", active, end)
	}
}

// The worst schedule the rules allow, asked about a 90-day status page.
func BenchmarkIntervalsEveryMinuteFor90Days(b *testing.B) {
	s, err := recurring("* * * * *", MaxMaintenanceDuration, "Europe/Berlin").withSites().Schedule()
	if err != nil {
		b.Fatal(err)
	}
	from := utc("2026-01-01T00:00:00Z")
	for b.Loop() {
		s.Intervals(from, from.AddDate(0, 0, 90))
	}
}

func BenchmarkActiveAtNightly(b *testing.B) {
	s, err := recurring("0 3 * * *", 2*time.Hour, "Europe/Berlin").withSites().Schedule()
	if err != nil {
		b.Fatal(err)
	}
	at := utc("2026-03-29T01:30:00Z")
	for b.Loop() {
		s.ActiveAt(at)
	}
}

func (m Maintenance) withSites() Maintenance {
	m.Title, m.AllSites = "bench", true
	return m
}

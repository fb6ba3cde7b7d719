package monitor

import (
	"testing"
	"time"
)

// alertRun observes results on a site, each with whether a window covers it, and returns the
// alert kinds raised, in order, and the site afterwards.
func alertRun(t *testing.T, s Site, steps []maintStep) (Site, []AlertKind) {
	t.Helper()
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	var kinds []AlertKind
	for i, st := range steps {
		s.InMaintenance = st.inWindow
		r := Result{Status: st.status, CheckedAt: t0.Add(time.Duration(i) * time.Minute)}
		if st.status == StatusDown {
			r.Error = "refused"
		}
		o := s.Observe(r)
		for _, a := range o.Alerts {
			kinds = append(kinds, a.Kind)
		}
		s = o.Site
	}
	return s, kinds
}

type maintStep struct {
	status   Status
	inWindow bool
}

func TestMaintenanceHoldsOutageAlerts(t *testing.T) {
	up, down := StatusUp, StatusDown
	tests := []struct {
		name     string
		start    Status
		resend   int
		steps    []maintStep
		want     []AlertKind
		wantHeld bool
	}{
		{"a down inside a window is silent, and so is its recovery inside it", up, 0,
			[]maintStep{{down, true}, {down, true}, {up, true}, {up, false}}, nil, false},
		{"a site still down when the window ends alerts once, at its first check after", up, 0,
			[]maintStep{{down, true}, {down, true}, {down, false}, {down, false}, {up, false}},
			[]AlertKind{AlertDown, AlertRecovered}, false},
		{"a site that recovers at its first check after the window owes the down it had at the end", up, 0,
			[]maintStep{{down, true}, {up, false}}, []AlertKind{AlertDown, AlertRecovered}, false},
		{"a recovery inside a window from a down alerted before it is sent", up, 0,
			[]maintStep{{down, false}, {down, true}, {up, true}}, []AlertKind{AlertDown, AlertRecovered}, false},
		{"reminders are not sent inside a window", down, 1,
			[]maintStep{{down, true}, {down, true}, {down, true}}, nil, false},
		{"a down held inside the window is owed while it lasts", up, 0,
			[]maintStep{{down, true}, {down, true}}, nil, true},
		{"outside windows nothing changes", up, 0,
			[]maintStep{{down, false}, {up, false}}, []AlertKind{AlertDown, AlertRecovered}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			last := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
			s := Site{ID: 1, Name: "a", Status: tt.start, FailureThreshold: 1, ResendIntervalMinutes: tt.resend,
				LastStatusChange: &last, LastAlertAt: &last}
			got, kinds := alertRun(t, s, tt.steps)
			if len(kinds) != len(tt.want) {
				t.Fatalf("alerts = %v, want %v", kinds, tt.want)
			}
			for i := range kinds {
				if kinds[i] != tt.want[i] {
					t.Fatalf("alerts = %v, want %v", kinds, tt.want)
				}
			}
			if got.MaintenanceHeld != tt.wantHeld {
				t.Errorf("held = %v, want %v", got.MaintenanceHeld, tt.wantHeld)
			}
		})
	}
}

func TestCloseMaintenanceAlertsAStillDownSiteOnce(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	s := Site{ID: 1, Name: "a", Status: StatusUp, FailureThreshold: 1, InMaintenance: true}
	s = s.Observe(Result{Status: StatusDown, CheckedAt: t0, Error: "refused"}).Site
	if !s.MaintenanceHeld {
		t.Fatal("a down inside a window is not held")
	}
	end := t0.Add(time.Hour)
	s.InMaintenance = false
	s, a := s.CloseMaintenance(end)
	if a == nil || a.Kind != AlertDown || !a.At.Equal(end) || a.DownSince == nil || !a.DownSince.Equal(t0) || a.Error != "" && a.Error != s.LastError {
		t.Fatalf("closing alert = %+v, want a down at %s, down since %s", a, end, t0)
	}
	if s, a = s.CloseMaintenance(end); a != nil {
		t.Fatalf("second close alerted again: %+v", a)
	}
	// Its next check, still down, owes nothing more.
	if o := s.Observe(Result{Status: StatusDown, CheckedAt: end.Add(time.Minute)}); len(o.Alerts) != 0 {
		t.Fatalf("check after the close alerted %v", o.Alerts)
	}
	// A site that recovered inside its window owes nothing.
	up := Site{ID: 2, Status: StatusUp, MaintenanceHeld: false}
	if _, a := up.CloseMaintenance(end); a != nil {
		t.Fatalf("an up site alerted at the close: %+v", a)
	}
}

func TestMaintenanceIsExcludedFromUptime(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	h := func(d time.Duration) time.Time { return t0.Add(d) }
	events := []Event{
		{Kind: EventStatus, At: h(0), From: "pending", To: "up"},
		MaintenanceEvent(1, h(2*time.Hour), true, "db upgrade"),
		{Kind: EventStatus, At: h(2*time.Hour + 10*time.Minute), From: "up", To: "down"},
		MaintenanceEvent(1, h(3*time.Hour), false, "db upgrade"),
		{Kind: EventStatus, At: h(3*time.Hour + 30*time.Minute), From: "down", To: "up"},
	}
	f := NewHistory(events, nil).Figures(h(0), h(4*time.Hour))
	if f.Excluded != time.Hour || f.Down != 30*time.Minute || f.Up != 150*time.Minute {
		t.Fatalf("figures = up %s, down %s, excluded %s; want up 2h30m, down 30m, excluded 1h", f.Up, f.Down, f.Excluded)
	}
}

func TestMaintenanceCalendarEdges(t *testing.T) {
	saved := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	cal := NewMaintenanceCalendar([]Maintenance{
		{ID: 1, OwnerID: 7, Title: "nightly", SiteIDs: []int64{1}, Cron: "0 3 * * *", Duration: time.Hour, Timezone: "Europe/Berlin", UpdatedAt: saved},
		{ID: 2, OwnerID: 7, Title: "everything", AllSites: true, Start: utc("2026-03-29T01:30:00Z"), End: utc("2026-03-29T02:30:00Z"), UpdatedAt: saved},
		{ID: 3, OwnerID: 8, Title: "other owner", AllSites: true, Start: utc("2026-03-29T00:00:00Z"), End: utc("2026-03-30T00:00:00Z"), UpdatedAt: saved},
	})
	site1, site2 := Site{ID: 1, OwnerID: 7}, Site{ID: 2, OwnerID: 7}
	// 03:00 CEST on the day clocks go forward is 01:00Z; the one-off window runs on until 02:30Z.
	at := utc("2026-03-29T01:45:00Z")
	if !cal.Covers(site1, at) || !cal.Covers(site2, at) {
		t.Fatal("sites not covered inside their windows")
	}
	if got := cal.OpenedAt(site1, at); !got.Equal(utc("2026-03-29T01:00:00Z")) {
		t.Errorf("site 1 opened at %s, want 01:00Z", got)
	}
	if got := cal.OpenedAt(site2, at); !got.Equal(utc("2026-03-29T01:30:00Z")) {
		t.Errorf("site 2 opened at %s, want 01:30Z", got)
	}
	after := utc("2026-03-29T03:00:00Z")
	if cal.Covers(site1, after) {
		t.Fatal("site 1 covered after its windows")
	}
	if got := cal.ClosedAt(site1, after); !got.Equal(utc("2026-03-29T02:30:00Z")) {
		t.Errorf("site 1 closed at %s, want 02:30Z (the windows touch)", got)
	}
	if cal.Covers(Site{ID: 1, OwnerID: 9}, at) {
		t.Error("another owner's site covered")
	}
	// A window saved after it began opens when it was saved.
	late := NewMaintenanceCalendar([]Maintenance{{OwnerID: 7, Title: "late", AllSites: true,
		Start: utc("2026-03-29T00:00:00Z"), End: utc("2026-03-29T05:00:00Z"), UpdatedAt: utc("2026-03-29T01:00:00Z")}})
	if got := late.OpenedAt(site1, at); !got.Equal(utc("2026-03-29T01:00:00Z")) {
		t.Errorf("late window opened at %s, want when it was saved", got)
	}
}

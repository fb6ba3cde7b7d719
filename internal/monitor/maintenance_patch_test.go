package monitor

import (
	"errors"
	"testing"
	"time"
)

// The rules a front end's patch meets, by field; the API's tests send the same through JSON.
func TestMaintenancePatchesAreJudgedByField(t *testing.T) {
	str := func(s string) *string { return &s }
	at := func(s string) *time.Time { t := utc(s); return &t }
	ids := func(v ...int64) *[]int64 { return &v }
	yes := true
	oneOff := MaintenancePatch{Title: str("x"), SiteIDs: ids(1), Start: at("2026-12-05T22:00:00Z"), End: at("2026-12-06T01:00:00Z")}
	tests := []struct {
		name  string
		patch func(p MaintenancePatch) MaintenancePatch
		field string
	}{
		{"fine", func(p MaintenancePatch) MaintenancePatch { return p }, ""},
		{"no sites said", func(p MaintenancePatch) MaintenancePatch { p.SiteIDs = nil; return p }, "site_ids"},
		{"no site", func(p MaintenancePatch) MaintenancePatch { p.SiteIDs = ids(); return p }, "site_ids"},
		{"both", func(p MaintenancePatch) MaintenancePatch { p.AllSites = &yes; return p }, "site_ids"},
		{"empty cron", func(p MaintenancePatch) MaintenancePatch { p.Start, p.End, p.Cron = nil, nil, str(""); return p }, "cron"},
		{"bad duration", func(p MaintenancePatch) MaintenancePatch {
			p.Start, p.End, p.Cron, p.Duration = nil, nil, str("0 3 * * *"), str("soon")
			return p
		}, "duration"},
		{"duration without cron", func(p MaintenancePatch) MaintenancePatch { p.Start, p.End, p.Duration = nil, nil, str("1h"); return p }, "cron"},
		{"end before start", func(p MaintenancePatch) MaintenancePatch { p.End = at("2026-12-05T21:00:00Z"); return p }, "end"},
		{"recurring", func(p MaintenancePatch) MaintenancePatch {
			p.Start, p.End, p.Cron, p.Duration, p.Timezone = nil, nil, str("0 3 * * sun"), str("90m"), str("Europe/Berlin")
			return p
		}, ""},
		{"unknown zone", func(p MaintenancePatch) MaintenancePatch {
			p.Start, p.End, p.Cron, p.Duration, p.Timezone = nil, nil, str("0 3 * * sun"), str("90m"), str("Mars/Olympus")
			return p
		}, "timezone"},
	}
	now := utc("2026-11-23T10:00:00Z")
	for _, tt := range tests {
		m, err := NewMaintenance(4, now, tt.patch(oneOff))
		var fe *FieldError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.field == "" && (m.OwnerID != 4 || !m.CreatedAt.Equal(now) || !m.UpdatedAt.Equal(now)):
			t.Errorf("%s: made %+v", tt.name, m)
		case tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field):
			t.Errorf("%s: %v, want an error on %s", tt.name, err, tt.field)
		}
	}
}

// Patched changes a copy: a refused patch leaves the window as it was, and a patch of the
// other kind drops the fields of the first.
func TestPatchedWindowsChangeKindAndLeaveTheOriginal(t *testing.T) {
	m := Maintenance{Title: "x", AllSites: true, Start: utc("2026-12-05T22:00:00Z"), End: utc("2026-12-06T01:00:00Z")}
	cron, duration := "0 3 * * sun", "2h"
	got, err := m.Patched(MaintenancePatch{Cron: &cron, Duration: &duration})
	if err != nil || !got.Recurring() || !got.Start.IsZero() || got.Duration != 2*time.Hour {
		t.Fatalf("patched %+v %v", got, err)
	}
	bad := "sometimes"
	if _, err := m.Patched(MaintenancePatch{Cron: &bad, Duration: &duration}); err == nil {
		t.Fatal("a bad cron was taken")
	}
	if m.Recurring() || m.Start.IsZero() {
		t.Errorf("the original changed: %+v", m)
	}
}

func TestNextOpening(t *testing.T) {
	now := utc("2026-11-23T10:00:00Z") // a Monday
	weekly := mustSchedule(t, Maintenance{Cron: "0 3 * * sun", Duration: time.Hour, Timezone: "Europe/Berlin"})
	if got, ok := weekly.NextOpening(now); !ok || !got.Equal(utc("2026-11-29T02:00:00Z")) {
		t.Errorf("weekly: %v %v", got, ok)
	}
	later := mustSchedule(t, Maintenance{Start: utc("2026-11-24T00:00:00Z"), End: utc("2026-11-24T02:00:00Z")})
	if got, ok := later.NextOpening(now); !ok || !got.Equal(utc("2026-11-24T00:00:00Z")) {
		t.Errorf("one-off to come: %v %v", got, ok)
	}
	past := mustSchedule(t, Maintenance{Start: utc("2026-11-20T00:00:00Z"), End: utc("2026-11-20T02:00:00Z")})
	if _, ok := past.NextOpening(now); ok {
		t.Error("a one-off window that is over opens again")
	}
}

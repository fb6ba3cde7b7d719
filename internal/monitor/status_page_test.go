package monitor

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSlugsAreLowercaseLettersDigitsAndDashes(t *testing.T) {
	for slug, want := range map[string]bool{
		"acme": true, "a": true, "status-2": true, strings.Repeat("a", 64): true,
		"": false, strings.Repeat("a", 65): false, "Acme": false, "a_b": false, "a b": false, "ä": false, "a/b": false, "a.json": false,
	} {
		if got := ValidSlug(slug); got != want {
			t.Errorf("ValidSlug(%q) = %v", slug, got)
		}
	}
}

func TestAStatusPageNamesTheFieldItGetsWrong(t *testing.T) {
	ok := StatusPage{Slug: "acme", Title: "Acme", Sections: []StatusSection{{Title: "Web", SiteIDs: []int64{1, 2}}, {SiteIDs: []int64{3}}},
		ShowURLSiteIDs: []int64{3}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a good page: %v", err)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		field string
		edit  func(p *StatusPage)
	}{
		{"slug", func(p *StatusPage) { p.Slug = "Acme!" }},
		{"title", func(p *StatusPage) { p.Title = "  " }},
		{"sections", func(p *StatusPage) { p.Sections = nil }},
		{"sections[1].site_ids", func(p *StatusPage) { p.Sections[1].SiteIDs = []int64{3, 3} }},
		{"sections[0].site_ids", func(p *StatusPage) { p.Sections[0].SiteIDs = []int64{0} }},
		{"sections[0].title", func(p *StatusPage) { p.Sections[0].Title = strings.Repeat("x", 201) }},
		{"show_url_site_ids", func(p *StatusPage) { p.ShowURLSiteIDs = []int64{9} }},
		{"maintenance[0].message", func(p *StatusPage) { p.Maintenance = []MaintenanceNote{{From: at, To: at.Add(time.Hour)}} }},
		{"maintenance[0].to", func(p *StatusPage) { p.Maintenance = []MaintenanceNote{{Message: "m", From: at, To: at}} }},
		{"maintenance[0].from", func(p *StatusPage) { p.Maintenance = []MaintenanceNote{{Message: "m", To: at}} }},
	}
	for _, tt := range tests {
		p := ok
		p.Sections = []StatusSection{{Title: "Web", SiteIDs: []int64{1, 2}}, {SiteIDs: []int64{3}}}
		tt.edit(&p)
		var fe *FieldError
		if err := p.Validate(); !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("want an error about %s, got %v", tt.field, err)
		}
	}
}

func TestTheBannerIsAMajorOutageOnlyWhenEveryWatchedSiteIsDown(t *testing.T) {
	up, down, paused := Site{Status: StatusUp}, Site{Status: StatusDown}, Site{Status: StatusDown, Paused: true}
	tests := []struct {
		sites []Site
		want  PageState
	}{
		{nil, PageOperational},
		{[]Site{up, up}, PageOperational},
		{[]Site{up, down}, PagePartialOutage},
		{[]Site{down, down}, PageMajorOutage},
		{[]Site{down, paused}, PageMajorOutage},
		{[]Site{up, paused}, PageOperational},
		{[]Site{{Status: StatusPending}, down}, PagePartialOutage},
	}
	for i, tt := range tests {
		if got := PageStateOf(tt.sites); got != tt.want {
			t.Errorf("%d: %s, want %s", i, got, tt.want)
		}
	}
}

func TestADayWithoutDataIsNeverUp(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tt := range []struct {
		uptime *float64
		want   DayLevel
	}{{nil, DayNoData}, {f(1), DayUp}, {f(0.99999), DayMinor}, {f(0.99), DayMinor}, {f(0.98), DayMajor}, {f(0), DayMajor}} {
		if got := DayLevelOf(tt.uptime); got != tt.want {
			t.Errorf("DayLevelOf(%v) = %s, want %s", tt.uptime, got, tt.want)
		}
	}
}

package discord

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func downAlert(site int64, name string) monitor.Alert {
	at := t0
	return monitor.Alert{Kind: monitor.AlertDown, SiteID: site, SiteName: name, URL: "https://" + name + ".example/health",
		At: at, StatusCode: 503, Error: "expected status 200, got 503", ResponseTimeMS: 123, DownSince: &at}
}

func recoveredAlert(site int64, name string, downtime time.Duration) monitor.Alert {
	since := t0.Add(-downtime)
	return monitor.Alert{Kind: monitor.AlertRecovered, SiteID: site, SiteName: name, URL: "https://" + name + ".example/health",
		At: t0, StatusCode: 200, ResponseTimeMS: 87, DownSince: &since}
}

func fieldNamed(e Embed, name string) (Field, bool) {
	for _, f := range e.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

func TestAlertEmbed(t *testing.T) {
	stillDown := downAlert(1, "shop")
	stillDown.Kind = monitor.AlertStillDown
	since := t0.Add(-2 * time.Hour)
	stillDown.DownSince = &since
	noDetails := monitor.Alert{Kind: monitor.AlertDown, SiteID: 7, At: t0}

	tests := []struct {
		name      string
		alert     monitor.Alert
		title     string
		color     int
		fields    map[string]string // field name → value it contains
		absent    []string
		timestamp string
	}{
		{"down", downAlert(1, "shop"), "🔴 shop is down", 0xE53935,
			map[string]string{"URL": "https://shop.example/health", "HTTP status": "503", "Error": "expected status 200, got 503",
				"Response time": "123 ms", "Down since": "<t:" + strconv.FormatInt(t0.Unix(), 10) + ":R>"},
			[]string{"Downtime"}, "2026-03-01T12:00:00Z"},
		{"recovered", recoveredAlert(1, "shop", 90*time.Second), "🟢 shop recovered", 0x43A047,
			map[string]string{"Downtime": "1m 30s", "HTTP status": "200", "Response time": "87 ms", "Down since": ":R>"},
			[]string{"Error"}, "2026-03-01T12:00:00Z"},
		{"still down", stillDown, "🟠 shop is still down", 0xFB8C00,
			map[string]string{"Downtime": "2h", "Down since": "<t:" + strconv.FormatInt(since.Unix(), 10) + ":R>"},
			nil, "2026-03-01T12:00:00Z"},
		{"no details", noDetails, "🔴 Site 7 is down", 0xE53935,
			map[string]string{"URL": "—", "Response time": "0 ms"},
			[]string{"HTTP status", "Error", "Down since", "Downtime"}, "2026-03-01T12:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := AlertEmbed(tt.alert)
			if e.Title != tt.title || e.Color != tt.color || e.Timestamp != tt.timestamp {
				t.Errorf("title %q, color %#x, timestamp %q; want %q, %#x, %q", e.Title, e.Color, e.Timestamp, tt.title, tt.color, tt.timestamp)
			}
			for name, has := range tt.fields {
				if f, ok := fieldNamed(e, name); !ok || !strings.Contains(f.Value, has) {
					t.Errorf("field %q = %q, want it to contain %q", name, f.Value, has)
				}
			}
			for _, name := range tt.absent {
				if _, ok := fieldNamed(e, name); ok {
					t.Errorf("field %q is there", name)
				}
			}
			if e.Footer == nil || e.Footer.Text != "Tocsin" {
				t.Errorf("footer = %+v", e.Footer)
			}
			if err := Validate(newMessage(e)); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestAlertEmbedTimestampIsTheEventTime(t *testing.T) {
	a := downAlert(1, "shop")
	a.At = time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	if got := AlertEmbed(a).Timestamp; got != "2026-01-02T02:04:05Z" {
		t.Errorf("timestamp = %q", got)
	}
}

func TestAlertEmbedEscapesAndCuts(t *testing.T) {
	a := downAlert(1, strings.Repeat("🔥", 5000))
	a.Error = "**bold** <@123> " + strings.Repeat("é", 3000)
	a.URL = "https://x.example/" + strings.Repeat("a", 3000)
	e := AlertEmbed(a)
	if err := Validate(newMessage(e)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(e.Title, " is down") {
		t.Errorf("title %q lost what happened", e.Title)
	}
	if f, _ := fieldNamed(e, "Error"); !strings.HasPrefix(f.Value, `\*\*bold\*\* \<@123\>`) || !strings.HasSuffix(f.Value, "…") {
		t.Errorf("error value starts %q", f.Value[:40])
	}
}

func TestHumanDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{-time.Minute, "0s"},
		{400 * time.Millisecond, "0s"},
		{45 * time.Second, "45s"},
		{90 * time.Second, "1m 30s"},
		{5 * time.Minute, "5m"},
		{time.Hour + 2*time.Minute + 5*time.Second, "1h 2m 5s"},
		{2 * time.Hour, "2h"},
		{3*day + 4*time.Hour + 5*time.Minute, "3d 4h"},
		{day - 400*time.Millisecond, "1d"},
	}
	for _, tt := range tests {
		if got := humanDuration(tt.d); got != tt.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestTestMessage(t *testing.T) {
	for _, name := range []string{"", "Alerts", strings.Repeat("**@everyone**", 100)} {
		m := TestMessage(name)
		if err := Validate(m); err != nil {
			t.Errorf("TestMessage(%q): %v", name, err)
		}
		if len(m.Embeds) != 1 || !strings.Contains(m.Embeds[0].Title, "Tocsin can post to this channel") || m.Username != "Tocsin" {
			t.Errorf("TestMessage(%q) = %+v", name, m)
		}
	}
}

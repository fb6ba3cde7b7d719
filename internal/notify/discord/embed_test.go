package discord

import (
	"slices"
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

// certAlert is a cert_expiring alert as the monitor raises it: from a check that went well.
const day = 24 * time.Hour

func certAlert(site int64, name string, daysLeft int) monitor.Alert {
	expires := t0.Add(time.Duration(daysLeft)*day + 3*time.Hour)
	return monitor.Alert{Kind: monitor.AlertCertExpiring, SiteID: site, SiteName: name, URL: "https://" + name + ".example/health",
		At: t0, StatusCode: 200, ResponseTimeMS: 87, CertExpiresAt: &expires, CertDaysLeft: daysLeft}
}

// latencyAlert is a latency alert of kind: took ms, usually baseline.
func latencyAlert(kind monitor.AlertKind, site int64, name string, ms, baseline int64) monitor.Alert {
	return monitor.Alert{Kind: kind, SiteID: site, SiteName: name, URL: "https://" + name + ".example/health",
		At: t0, StatusCode: 200, ResponseTimeMS: ms, BaselineMS: baseline}
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
	certNoDate := certAlert(2, "blog", 7)
	certNoDate.CertExpiresAt = nil
	expires := strconv.FormatInt(t0.Add(7*day+3*time.Hour).Unix(), 10)
	onlyFields := func(fields ...string) []string {
		var absent []string
		for _, f := range []string{"URL", "HTTP status", "Error", "Response time", "Down since", "Downtime", "Expires", "Days left", "Usual"} {
			if !slices.Contains(fields, f) {
				absent = append(absent, f)
			}
		}
		return absent
	}

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
		{"certificate expiring", certAlert(1, "shop", 7), "🔒 shop: certificate expires in 7 days", 0xFB8C00,
			map[string]string{"URL": "https://shop.example/health", "Expires": "<t:" + expires + ":f> (<t:" + expires + ":R>)", "Days left": "7"},
			onlyFields("URL", "Expires", "Days left"), "2026-03-01T12:00:00Z"},
		{"certificate expiring in 1 day", certAlert(1, "shop", 1), "🔒 shop: certificate expires in 1 day", 0xFB8C00,
			map[string]string{"Days left": "1"}, onlyFields("URL", "Expires", "Days left"), "2026-03-01T12:00:00Z"},
		{"certificate expiring within the day", certAlert(1, "shop", 0), "🔒 shop: certificate expires in less than a day", 0xFB8C00,
			map[string]string{"Days left": "0"}, onlyFields("URL", "Expires", "Days left"), "2026-03-01T12:00:00Z"},
		{"certificate without its date", certNoDate, "🔒 blog: certificate expires in 7 days", 0xFB8C00,
			map[string]string{"Expires": "—", "Days left": "7"}, onlyFields("URL", "Expires", "Days left"), "2026-03-01T12:00:00Z"},
		{"slow", latencyAlert(monitor.AlertLatencyDegraded, 1, "shop", 900, 120), "🐢 shop is slow", 0xFB8C00,
			map[string]string{"URL": "https://shop.example/health", "Response time": "900 ms", "Usual": "120 ms"},
			onlyFields("URL", "Response time", "Usual"), "2026-03-01T12:00:00Z"},
		{"fast again", latencyAlert(monitor.AlertLatencyNormal, 1, "shop", 130, 120), "⚡ shop is fast again", 0x43A047,
			map[string]string{"URL": "https://shop.example/health", "Response time": "130 ms", "Usual": "120 ms"},
			onlyFields("URL", "Response time", "Usual"), "2026-03-01T12:00:00Z"},
		{"unknown kind", monitor.Alert{Kind: "paused", SiteID: 3, SiteName: "y", At: t0}, "⚪ y changed (paused)", 0x9E9E9E,
			map[string]string{"Response time": "0 ms"}, []string{"Expires", "Usual"}, "2026-03-01T12:00:00Z"},
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

// A long name is cut, never what happened to the site.
func TestAlertEmbedKeepsTheNewsOfEveryKind(t *testing.T) {
	name := strings.Repeat("🔥*", 2500)
	tests := []struct {
		alert  monitor.Alert
		suffix string
	}{
		{certAlert(1, name, 14), ": certificate expires in 14 days"},
		{latencyAlert(monitor.AlertLatencyDegraded, 1, name, 900, 120), " is slow"},
		{latencyAlert(monitor.AlertLatencyNormal, 1, name, 130, 120), " is fast again"},
	}
	for _, tt := range tests {
		tt.alert.URL = "https://x.example/" + strings.Repeat("ü", 5000)
		e := AlertEmbed(tt.alert)
		if err := Validate(newMessage(e)); err != nil {
			t.Errorf("%s: %v", tt.alert.Kind, err)
		}
		if !strings.HasSuffix(e.Title, tt.suffix) {
			t.Errorf("%s: title %q lost %q", tt.alert.Kind, e.Title, tt.suffix)
		}
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

package discord

import (
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

func TestSummaryLine(t *testing.T) {
	stillDown := downAlert(1, "shop")
	stillDown.Kind = monitor.AlertStillDown
	since := t0.Add(-2 * time.Hour)
	stillDown.DownSince = &since
	tests := []struct {
		name  string
		alert monitor.Alert
		want  string
	}{
		{"down", downAlert(1, "shop"), "🔴 **shop** — expected status 200, got 503"},
		{"still down", stillDown, "🟠 **shop** still down for 2h — expected status 200, got 503"},
		{"recovered", recoveredAlert(1, "shop", 5*time.Minute), "🟢 **shop** recovered after 5m"},
		{"certificate", certAlert(1, "shop", 7), "🔒 **shop** certificate expires in 7 days"},
		{"certificate, 1 day", certAlert(1, "shop", 1), "🔒 **shop** certificate expires in 1 day"},
		{"slow", latencyAlert(monitor.AlertLatencyDegraded, 1, "shop", 900, 120), "🐢 **shop** slow: 900 ms (usually 120 ms)"},
		{"fast again", latencyAlert(monitor.AlertLatencyNormal, 1, "shop", 130, 120), "⚡ **shop** fast again: 130 ms (usually 120 ms)"},
		{"unknown kind", monitor.Alert{Kind: "paused", SiteID: 3, SiteName: "y"}, "⚪ **y** changed (paused)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summaryLine(tt.alert); got != tt.want {
				t.Errorf("summaryLine = %q, want %q", got, tt.want)
			}
		})
	}
}

// A site's alerts share its line, in order, and a long reason does not push the recovery off it.
func TestSiteSummaryLine(t *testing.T) {
	down := downAlert(1, "shop")
	longDown := downAlert(1, "shop")
	longDown.Error = strings.Repeat("connection reset by peer ", 20)
	tests := []struct {
		name   string
		alerts []monitor.Alert
		want   string
	}{
		{"one alert", []monitor.Alert{down}, "🔴 **shop** — expected status 200, got 503"},
		{"down and recovery", []monitor.Alert{down, recoveredAlert(1, "shop", 5*time.Minute)},
			"🔴 **shop** — expected status 200, got 503 · 🟢 recovered after 5m"},
		{"recovery and down again", []monitor.Alert{recoveredAlert(1, "shop", time.Minute), down},
			"🟢 **shop** recovered after 1m · 🔴 down — expected status 200, got 503"},
		{"a long reason", []monitor.Alert{longDown, recoveredAlert(1, "shop", time.Hour)},
			"🔴 **shop** — connection reset by peer connection res… · 🟢 recovered after 1h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			indexes := make([]int, len(tt.alerts))
			for i := range indexes {
				indexes[i] = i
			}
			if got := siteSummaryLine(tt.alerts, indexes); got != tt.want {
				t.Errorf("siteSummaryLine = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSummaryBatchCountsAndColorsEveryKind(t *testing.T) {
	down := downAlert(1, "a")
	cert := certAlert(2, "b", 7)
	slow := latencyAlert(monitor.AlertLatencyDegraded, 3, "c", 900, 120)
	fast := latencyAlert(monitor.AlertLatencyNormal, 4, "d", 130, 120)
	recovered := recoveredAlert(5, "e", time.Minute)
	other := monitor.Alert{Kind: "paused", SiteID: 6, SiteName: "f"}
	tests := []struct {
		name   string
		alerts []monitor.Alert
		title  string
		color  int
	}{
		{"every kind, the bad news first", []monitor.Alert{fast, recovered, slow, cert, down, other},
			"6 more alerts: 1 down, 1 certificate expiring, 1 slow, 1 recovered, 1 fast again, 1 other", colorDown},
		{"warnings without downs are orange", []monitor.Alert{cert, fast, slow, slow},
			"4 more alerts: 1 certificate expiring, 2 slow, 1 fast again", 0xFB8C00},
		{"an expiring certificate alone is orange", []monitor.Alert{cert}, "1 more alert: 1 certificate expiring", 0xFB8C00},
		{"good news alone is green", []monitor.Alert{fast, recovered}, "2 more alerts: 1 recovered, 1 fast again", colorRecovered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			indexes := make([]int, len(tt.alerts))
			for i := range indexes {
				indexes[i] = i
			}
			batches := summaryBatches(tt.alerts, indexes)
			if len(batches) != 1 {
				t.Fatalf("%d messages, want 1", len(batches))
			}
			b := batches[0]
			if err := Validate(b.Message); err != nil {
				t.Fatal(err)
			}
			e := b.Message.Embeds[0]
			if e.Title != tt.title || e.Color != tt.color {
				t.Errorf("title %q, color %#x; want %q, %#x", e.Title, e.Color, tt.title, tt.color)
			}
			sites := map[int64]bool{}
			for _, a := range tt.alerts {
				sites[a.SiteID] = true
			}
			if lines := strings.Split(e.Description, "\n"); len(lines) != len(sites) {
				t.Errorf("%d lines for %d sites: %q", len(lines), len(sites), e.Description)
			}
		})
	}
}

// A storm of mixed kinds still packs into messages Discord accepts, with the new kinds counted.
func TestPackStormOfNewKinds(t *testing.T) {
	var alerts []monitor.Alert
	for i := range 40 {
		switch i % 3 {
		case 0:
			alerts = append(alerts, certAlert(int64(i+1), "site", i%15))
		case 1:
			alerts = append(alerts, latencyAlert(monitor.AlertLatencyDegraded, int64(i+1), "site", 900, 120))
		default:
			alerts = append(alerts, latencyAlert(monitor.AlertLatencyNormal, int64(i+1), "site", 130, 120))
		}
	}
	batches := Pack(alerts)
	checkBatches(t, alerts, batches)
	last := batches[len(batches)-1].Message.Embeds[0]
	if !strings.HasPrefix(last.Title, "20 more alerts: ") || !strings.Contains(last.Title, "slow") || last.Color != colorWarning {
		t.Errorf("summary title %q, color %#x", last.Title, last.Color)
	}
}

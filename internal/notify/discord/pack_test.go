package discord

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// downAlerts are n down alerts of n different sites.
func downAlerts(n int) []monitor.Alert {
	alerts := make([]monitor.Alert, n)
	for i := range alerts {
		alerts[i] = downAlert(int64(i+1), "site"+strconv.Itoa(i+1))
	}
	return alerts
}

// checkBatches asserts what holds for every Pack: valid messages that ping nobody, and
// every alert in exactly one batch.
func checkBatches(t *testing.T, alerts []monitor.Alert, batches []Batch) {
	t.Helper()
	seen := make(map[int]int)
	for b, batch := range batches {
		if err := Validate(batch.Message); err != nil {
			t.Errorf("batch %d: %v", b, err)
		}
		body, _ := json.Marshal(batch.Message)
		if !strings.Contains(string(body), `"allowed_mentions":{"parse":[]}`) || batch.Message.Username != "Tocsin" {
			t.Errorf("batch %d: body %.200s", b, body)
		}
		for _, i := range batch.Alerts {
			seen[i]++
		}
	}
	for i := range alerts {
		if seen[i] != 1 {
			t.Errorf("alert %d is in %d batches", i, seen[i])
		}
	}
	if len(seen) != len(alerts) {
		t.Errorf("batches name %d alerts, want %d", len(seen), len(alerts))
	}
}

func embedCounts(batches []Batch) []int {
	var counts []int
	for _, b := range batches {
		counts = append(counts, len(b.Message.Embeds))
	}
	return counts
}

func TestPackShapes(t *testing.T) {
	recoveryOf1 := recoveredAlert(1, "site1", 5*time.Minute)
	straddling := append(downAlerts(9), downAlert(10, "site10"), recoveredAlert(10, "site10", time.Minute))
	bigSite := make([]monitor.Alert, 12)
	for i := range bigSite {
		bigSite[i] = downAlert(1, "flappy")
		bigSite[i].ResponseTimeMS = int64(i)
	}
	tests := []struct {
		name    string
		alerts  []monitor.Alert
		embeds  []int   // embeds per message
		batches [][]int // alert indexes per message; nil to skip
	}{
		{"one alert", downAlerts(1), []int{1}, [][]int{{0}}},
		{"down and recovery of one site", []monitor.Alert{downAlert(1, "site1"), downAlert(2, "site2"), recoveryOf1},
			[]int{3}, [][]int{{0, 2, 1}}},
		{"ten alerts", downAlerts(10), []int{10}, nil},
		{"eleven sites", downAlerts(11), []int{10, 1}, [][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {10}}},
		{"a site moves whole to the next message", straddling, []int{9, 2},
			[][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8}, {9, 10}}},
		{"a site too big for one message is cut in order", bigSite, []int{10, 2},
			[][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {10, 11}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			batches := Pack(tt.alerts)
			checkBatches(t, tt.alerts, batches)
			if got := embedCounts(batches); !slices.Equal(got, tt.embeds) {
				t.Errorf("embeds per message = %v, want %v", got, tt.embeds)
			}
			for b, want := range tt.batches {
				if b < len(batches) && !slices.Equal(batches[b].Alerts, want) {
					t.Errorf("batch %d carries %v, want %v", b, batches[b].Alerts, want)
				}
			}
			for _, batch := range batches {
				for e, i := range batch.Alerts {
					if want := AlertEmbed(tt.alerts[i]); batch.Message.Embeds[e].Title != want.Title {
						t.Errorf("embed %d is %q, want the card of alert %d", e, batch.Message.Embeds[e].Title, i)
					}
				}
			}
		})
	}
}

func TestPackNothing(t *testing.T) {
	if got := Pack(nil); got != nil {
		t.Errorf("Pack(nil) = %v", got)
	}
}

func TestPackStormEndsInOneSummary(t *testing.T) {
	alerts := downAlerts(50)
	batches := Pack(alerts)
	checkBatches(t, alerts, batches)
	if got := embedCounts(batches); !slices.Equal(got, []int{10, 10, 1}) {
		t.Fatalf("embeds per message = %v, want [10 10 1]", got)
	}
	summary := batches[2]
	var want []int
	for i := 20; i < 50; i++ {
		want = append(want, i)
	}
	if !slices.Equal(summary.Alerts, want) {
		t.Errorf("summary carries %v, want 20..49", summary.Alerts)
	}
	e := summary.Message.Embeds[0]
	if e.Title != "30 more alerts: 30 down" || e.Color != colorDown {
		t.Errorf("summary title %q, color %#x", e.Title, e.Color)
	}
	lines := strings.Split(e.Description, "\n")
	if len(lines) != 30 || lines[0] != `🔴 **site21** — expected status 200, got 503` {
		t.Errorf("%d lines, first %q", len(lines), lines[0])
	}
}

func TestPackSummaryCountsKinds(t *testing.T) {
	alerts := downAlerts(22)
	for i := 23; i <= 25; i++ {
		alerts = append(alerts, recoveredAlert(int64(i), "site"+strconv.Itoa(i), 5*time.Minute))
	}
	batches := Pack(alerts)
	checkBatches(t, alerts, batches)
	e := batches[len(batches)-1].Message.Embeds[0]
	if e.Title != "5 more alerts: 2 down, 3 recovered" || e.Color != colorDown {
		t.Errorf("title %q, color %#x", e.Title, e.Color)
	}
	if !strings.Contains(e.Description, "🟢 **site23** recovered after 5m") {
		t.Errorf("description %q", e.Description)
	}

	recovered := make([]monitor.Alert, 21)
	for i := range recovered {
		recovered[i] = recoveredAlert(int64(i+1), "r"+strconv.Itoa(i), time.Hour)
	}
	batches = Pack(recovered)
	checkBatches(t, recovered, batches)
	e = batches[len(batches)-1].Message.Embeds[0]
	if e.Title != "1 more alert: 1 recovered" || e.Color != colorRecovered {
		t.Errorf("title %q, color %#x", e.Title, e.Color)
	}
}

func TestPackCutsHugeTexts(t *testing.T) {
	alerts := downAlerts(40)
	for i := range alerts {
		alerts[i].SiteName = strings.Repeat("🔥*", 2500)
		alerts[i].Error = strings.Repeat("💥", 5000)
		alerts[i].URL = "https://x.example/" + strings.Repeat("ü", 5000)
	}
	alerts[3].Kind = monitor.AlertStillDown
	batches := Pack(alerts)
	checkBatches(t, alerts, batches)
	for _, b := range batches {
		if len(b.Message.Embeds) >= MaxEmbedsPerMessage {
			t.Errorf("%d huge embeds in one message", len(b.Message.Embeds))
		}
	}
}

func TestPackKeepsTheTotalUnder6000(t *testing.T) {
	alerts := downAlerts(10)
	for i := range alerts {
		alerts[i].Error = strings.Repeat("x", 1000)
		alerts[i].URL = "https://x.example/" + strings.Repeat("y", 1000)
	}
	batches := Pack(alerts)
	checkBatches(t, alerts, batches)
	if got := embedCounts(batches); !slices.Equal(got, []int{2, 2, 1}) {
		t.Errorf("embeds per message = %v, want [2 2 1]", got)
	}
	if got := batches[2].Alerts; len(got) != 6 {
		t.Errorf("summary carries %v, want 6 alerts", got)
	}
}

func TestPackNeverSendsEmptyFields(t *testing.T) {
	alerts := []monitor.Alert{
		{Kind: monitor.AlertDown, SiteID: 1, SiteName: "  ", At: t0},
		{Kind: monitor.AlertRecovered, SiteID: 2, SiteName: "x", Error: "   "},
		{Kind: "paused", SiteID: 3, SiteName: "y", URL: " "},
	}
	batches := Pack(alerts)
	checkBatches(t, alerts, batches)
	if len(batches) != 1 {
		t.Errorf("%d messages, want 1", len(batches))
	}
}

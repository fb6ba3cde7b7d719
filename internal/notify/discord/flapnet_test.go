package discord

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

func flapAlert(kind monitor.AlertKind, status monitor.Status, downSince *time.Time) monitor.Alert {
	a := monitor.Alert{Kind: kind, SiteID: 1, SiteName: "shop", URL: "https://shop.example/health", At: t0,
		StatusCode: 200, ResponseTimeMS: 87, SiteStatus: status, Changes: 6, DownSince: downSince}
	if status == monitor.StatusDown {
		a.StatusCode, a.Error = 503, "expected status 200, got 503"
	}
	return a
}

func TestFlappingAndNetworkEmbeds(t *testing.T) {
	since := t0.Add(-90 * time.Minute)
	sinceText := "<t:" + strconv.FormatInt(since.Unix(), 10) + ":R>"
	tests := []struct {
		name   string
		alert  monitor.Alert
		title  string
		color  int
		fields map[string]string // field name → value it contains
		absent []string
	}{
		{"flapping, begun while up", flapAlert(monitor.AlertFlapping, monitor.StatusDown, nil), "🔀 shop is flapping", colorWarning,
			map[string]string{"Status": "down", "Changes": "6 in the last 21 checks", "HTTP status": "503", "Error": "got 503"},
			[]string{"Down since", "Downtime"}},
		{"flapping, begun while down", flapAlert(monitor.AlertFlapping, monitor.StatusUp, &since), "🔀 shop is flapping", colorWarning,
			map[string]string{"Status": "up", "Down since": sinceText}, []string{"HTTP status", "Error", "Downtime"}},
		{"settled up: the recovery", flapAlert(monitor.AlertSettled, monitor.StatusUp, &since), "🔀 shop settled: up", colorRecovered,
			map[string]string{"Status": "up", "Down since": sinceText, "Downtime": "1h 30m"}, []string{"Error"}},
		{"settled up, nothing open", flapAlert(monitor.AlertSettled, monitor.StatusUp, nil), "🔀 shop settled: up", colorRecovered,
			map[string]string{"URL": "https://shop.example/health"}, []string{"Down since", "Downtime"}},
		{"settled down", flapAlert(monitor.AlertSettled, monitor.StatusDown, nil), "🔀 shop settled: down", colorDown,
			map[string]string{"Status": "down", "Error": "expected status 200, got 503"}, []string{"Downtime"}},
		{"network down", monitor.Alert{Kind: monitor.AlertNetworkDown, At: t0, Error: "no canary answered: 1.1.1.1:53 (timeout after 5s)"},
			"📡 Tocsin cannot reach the network", colorDown, map[string]string{"Why": "no canary answered: 1.1.1.1:53"}, []string{"URL"}},
		{"network up", monitor.Alert{Kind: monitor.AlertNetworkUp, At: t0, DownSince: &since},
			"📡 Tocsin reaches the network again", colorRecovered, map[string]string{"Unreachable since": sinceText, "For": "1h 30m"}, []string{"URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := AlertEmbed(tt.alert)
			if e.Title != tt.title || e.Color != tt.color {
				t.Errorf("title %q color %#x, want %q %#x", e.Title, e.Color, tt.title, tt.color)
			}
			for name, want := range tt.fields {
				if f, ok := fieldNamed(e, name); !ok || !strings.Contains(f.Value, want) {
					t.Errorf("field %s = %q (present %v), want it to contain %q", name, f.Value, ok, want)
				}
			}
			for _, name := range tt.absent {
				if f, ok := fieldNamed(e, name); ok {
					t.Errorf("field %s = %q should be absent", name, f.Value)
				}
			}
			if e.Timestamp != "2026-03-01T12:00:00Z" || e.Footer == nil {
				t.Errorf("timestamp %q footer %v", e.Timestamp, e.Footer)
			}
			if err := Validate(newMessage(e)); err != nil {
				t.Errorf("invalid: %v", err)
			}
		})
	}
}

// In a storm the new kinds are counted in the title and named on their lines, and a summary
// that holds a settle in down or a lost network is red.
func TestFlappingAndNetworkInASummary(t *testing.T) {
	since := t0.Add(-5 * time.Minute)
	var alerts []monitor.Alert
	for i := range 40 {
		alerts = append(alerts, recoveredAlert(int64(100+i), "site"+strconv.Itoa(i), time.Minute))
	}
	settled := flapAlert(monitor.AlertSettled, monitor.StatusDown, nil)
	flapping := flapAlert(monitor.AlertFlapping, monitor.StatusUp, nil)
	flapping.SiteID, flapping.SiteName = 2, "blog"
	alerts = append(alerts, settled, flapping,
		monitor.Alert{Kind: monitor.AlertNetworkDown, At: t0, Error: "24 of 30 sites failed with no answer"},
		monitor.Alert{Kind: monitor.AlertNetworkUp, At: t0, DownSince: &since})
	batches := Pack(alerts)
	last := batches[len(batches)-1].Message
	var text strings.Builder
	for _, b := range batches[maxEmbedMessages:] {
		for _, e := range b.Message.Embeds {
			text.WriteString(e.Title + "\n" + e.Description + "\n")
		}
	}
	for _, want := range []string{"🔀 **shop** settled: down", "🔀 **blog** is flapping: 6 changes in 21 checks",
		"📡 **Tocsin** cannot reach the network — 24 of 30 sites failed with no answer",
		"· 📡 reaches the network again after 5m", "1 network unreachable", "1 flapping", "1 settled", "1 network back"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, text.String())
		}
	}
	if last.Embeds[0].Color != colorDown {
		t.Errorf("summary color %#x, want red", last.Embeds[0].Color)
	}
}

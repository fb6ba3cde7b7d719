package channel

import (
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

func TestEveryKindIsDescribedAndAnUnknownOneStillSaysWhatItIs(t *testing.T) {
	for _, k := range SummaryOrder() {
		d := Describe(k)
		if d.Icon == "" || d.Verb == "" || d.Label == "" {
			t.Errorf("%s: %+v", k, d)
		}
	}
	d := Describe("network_unreachable")
	if d.Severity != Info || !strings.Contains(d.Verb, "network_unreachable") || d.Label != "network unreachable" {
		t.Errorf("an unknown kind: %+v", d)
	}
}

// An alert about no site (Tocsin itself, its network) has a subject and facts of its own.
func TestAnAlertAboutNoSiteReadsWell(t *testing.T) {
	a := monitor.Alert{Kind: "network_unreachable", At: time.Unix(1_800_000_000, 0), Error: "no route to host"}
	if got := Title(a, func(s string) string { return s }, 100); got != "⚪ Tocsin changed (network_unreachable)" {
		t.Errorf("title %q", got)
	}
	facts := Facts(a)
	if len(facts) != 1 || facts[0].Name != "Error" {
		t.Errorf("facts %+v: a site's URL and response time do not apply", facts)
	}
}

func TestHappenedEscapesAfterCutting(t *testing.T) {
	a := monitor.Alert{Kind: monitor.AlertDown, SiteID: 1, Error: strings.Repeat("&", 50)}
	esc := func(s string) string { return strings.ReplaceAll(s, "&", "&amp;") }
	got := Happened(a, esc, 10)
	if strings.Count(got, "&amp;") != 9 || strings.Contains(strings.ReplaceAll(got, "&amp;", ""), "&") {
		t.Errorf("happened %q: an escape was cut", got)
	}
}

func TestSummaryTitleCountsKinds(t *testing.T) {
	ks := []monitor.AlertKind{monitor.AlertDown, monitor.AlertRecovered, monitor.AlertDown, "dns_changed", monitor.AlertNetworkDown, monitor.AlertSettled}
	if got := SummaryTitle(ks, 2, 3); got != "6 alerts: 1 network unreachable, 2 down, 1 settled, 1 recovered, 1 other (2/3)" {
		t.Errorf("title %q", got)
	}
}

// The kinds of flapping and of Tocsin's own network: what each says, how bad it is (a settle
// is as good or bad as the status it settled in) and which facts it shows.
func TestFlappingAndNetworkKinds(t *testing.T) {
	at := time.Unix(1_800_000_000, 0).UTC()
	since := at.Add(-90 * time.Minute)
	site := func(kind monitor.AlertKind, status monitor.Status, downSince *time.Time) monitor.Alert {
		a := monitor.Alert{Kind: kind, SiteID: 1, SiteName: "shop", URL: "https://shop.example", At: at, SiteStatus: status, Changes: 6, DownSince: downSince}
		if status == monitor.StatusDown {
			a.StatusCode, a.Error = 503, "expected status 200, got 503"
		}
		return a
	}
	tests := []struct {
		alert    monitor.Alert
		title    string
		happened string
		severity Severity
		facts    string
	}{
		{site(monitor.AlertFlapping, monitor.StatusDown, nil), "🔀 shop is flapping", " is flapping: 6 changes in 21 checks", Warning,
			"URL Status=down Changes=6 in the last 21 checks HTTP status=503 Service Unavailable Error=expected status 200, got 503"},
		{site(monitor.AlertFlapping, monitor.StatusUp, &since), "🔀 shop is flapping", " is flapping: 6 changes in 21 checks", Warning,
			"URL Status=up Changes=6 in the last 21 checks Down since"},
		{site(monitor.AlertSettled, monitor.StatusUp, &since), "🔀 shop settled: up", " settled: up", Good,
			"URL Status=up Changes=6 in the last 21 checks Down since Downtime=1h 30m"},
		{site(monitor.AlertSettled, monitor.StatusDown, nil), "🔀 shop settled: down", " settled: down", Bad,
			"URL Status=down Changes=6 in the last 21 checks HTTP status=503 Service Unavailable Error=expected status 200, got 503"},
		{monitor.Alert{Kind: monitor.AlertNetworkDown, At: at, Error: "no canary answered"}, "📡 Tocsin cannot reach the network",
			" cannot reach the network — no canary answered", Bad, "Why=no canary answered"},
		{monitor.Alert{Kind: monitor.AlertNetworkUp, At: at, DownSince: &since}, "📡 Tocsin reaches the network again",
			" reaches the network again after 1h 30m", Good, "Unreachable since For=1h 30m"},
		{monitor.Alert{Kind: monitor.AlertNetworkUp, At: at}, "📡 Tocsin reaches the network again", " reaches the network again", Good, ""},
	}
	plain := func(s string) string { return s }
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			if got := Title(tt.alert, plain, 100); got != tt.title {
				t.Errorf("title %q, want %q", got, tt.title)
			}
			if got := Happened(tt.alert, plain, 100); got != tt.happened {
				t.Errorf("happened %q, want %q", got, tt.happened)
			}
			if got := SeverityOf(tt.alert); got != tt.severity {
				t.Errorf("severity %v, want %v", got, tt.severity)
			}
			var facts []string
			for _, f := range Facts(tt.alert) {
				if f.Text == "" || f.URL {
					facts = append(facts, f.Name)
				} else {
					facts = append(facts, f.Name+"="+f.Text)
				}
			}
			if got := strings.Join(facts, " "); got != tt.facts {
				t.Errorf("facts %q, want %q", got, tt.facts)
			}
		})
	}
	if got := Worst([]monitor.Alert{tests[2].alert, tests[0].alert}, []int{0, 1}); got != Warning {
		t.Errorf("a settle in up beside a flapping: %v, want the flapping's warning", got)
	}
	if Note(tests[4].alert) == "" || Note(tests[2].alert) != "" {
		t.Errorf("notes: a lost network explains itself, a settle needs no note")
	}
}

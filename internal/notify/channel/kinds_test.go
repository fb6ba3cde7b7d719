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
	ks := []monitor.AlertKind{monitor.AlertDown, monitor.AlertRecovered, monitor.AlertDown, "flapping"}
	if got := SummaryTitle(ks, 2, 3); got != "4 alerts: 2 down, 1 recovered, 1 other (2/3)" {
		t.Errorf("title %q", got)
	}
}

package channel

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
)

func testLayout(budget int) Layout {
	return Layout{
		Card: func(a monitor.Alert) string {
			return Title(a, func(s string) string { return s }, 100) + "\n" + a.Error
		},
		Line: func(as []monitor.Alert) string {
			return SiteLine(as, func(s string) string { return s }, func(s string) string { return s }, 100)
		},
		Size: Runes, Cut: Truncate, Budget: budget, Sep: "\n\n", MaxCards: 3, CardMessages: 2, LineSize: 80,
	}
}

func TestPackTextsKeepsEveryAlertOnceInOrderWithinTheBudget(t *testing.T) {
	var alerts []monitor.Alert
	for i := range 40 {
		alerts = append(alerts, monitor.Alert{Kind: monitor.AlertDown, SiteID: int64(i%25 + 1), SiteName: fmt.Sprintf("s%02d", i%25), Error: strings.Repeat("e", i*10)})
	}
	parts := PackTexts(alerts, testLayout(500))
	var seen []int
	for i, p := range parts {
		size := 0
		for _, text := range p.Texts {
			size += Runes(text) + 2
		}
		if size-2 > 500 {
			t.Errorf("part %d takes %d characters", i, size-2)
		}
		if !p.Summary && len(p.Texts) > 3 || p.Summary != (i >= 2) {
			t.Errorf("part %d: %d texts, summary %v", i, len(p.Texts), p.Summary)
		}
		seen = append(seen, p.Alerts...)
	}
	sorted := slices.Sorted(slices.Values(seen))
	if len(seen) != len(alerts) || slices.Compact(sorted)[len(alerts)-1] != len(alerts)-1 {
		t.Errorf("alerts packed: %v", seen)
	}
	// A site's alerts stay together and in order.
	for i := 0; i+1 < len(seen); i++ {
		if alerts[seen[i]].SiteID == alerts[seen[i+1]].SiteID && seen[i] > seen[i+1] {
			t.Errorf("site %d's alerts out of order: %v", alerts[seen[i]].SiteID, seen)
		}
	}
}

func TestPackTextsCutsWhatIsTooLongForAMessage(t *testing.T) {
	alerts := []monitor.Alert{{Kind: monitor.AlertDown, SiteID: 1, SiteName: "x", Error: strings.Repeat("long ", 1000)}}
	parts := PackTexts(alerts, testLayout(200))
	if len(parts) != 1 || Runes(parts[0].Texts[0]) > 200 || !strings.HasSuffix(parts[0].Texts[0], Ellipsis) {
		t.Errorf("parts %+v", parts)
	}
	if PackTexts(nil, testLayout(200)) != nil {
		t.Errorf("nothing to pack made parts")
	}
}

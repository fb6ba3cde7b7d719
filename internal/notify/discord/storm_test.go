package discord

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// stormSite names site i so that no site's name is found inside another's text.
func stormSite(i int) string { return fmt.Sprintf("site%04dz", i) }

// stormAlerts are the alerts a storm of n sites queues for one webhook, oldest first: every down,
// then every recovery, as the outbox holds them. long gives every site a long name, full of
// markdown, and a long error.
func stormAlerts(n int, shape string, long bool) []monitor.Alert {
	var downs, ups []monitor.Alert
	for i := range n {
		name := stormSite(i)
		if long {
			name += strings.Repeat("ö*", 150)
		}
		down, up := downAlert(int64(i+1), name), recoveredAlert(int64(i+1), name, 3*time.Minute)
		down.URL, up.URL = "https://example.com/", "https://example.com/"
		if long {
			down.Error = strings.Repeat("upstream reset the connection; ", 30)
		}
		switch {
		case shape == "down", shape == "mixed" && i%2 == 0:
			downs = append(downs, down)
		case shape == "up", shape == "mixed":
			ups = append(ups, up)
		default: // "down then up"
			downs, ups = append(downs, down), append(ups, up)
		}
	}
	return append(downs, ups...)
}

// allText is every text Discord shows of the batches.
func allText(batches []Batch) string {
	var b strings.Builder
	for _, batch := range batches {
		for _, e := range batch.Message.Embeds {
			b.WriteString(e.Title + "\n" + e.Description + "\n")
			for _, f := range e.Fields {
				b.WriteString(f.Value + "\n")
			}
		}
	}
	return b.String()
}

// Every site of a storm is named, every message is within Discord's limits, and the messages
// stay few: at most maxEmbedMessages + ⌈sites / minSummaryLinesPerMessage⌉.
func TestPackNamesEverySiteOfAStorm(t *testing.T) {
	for _, sites := range []int{1, 25, 300, 1000} {
		for _, shape := range []string{"down", "up", "down then up", "mixed"} {
			for _, long := range []bool{false, true} {
				t.Run(fmt.Sprintf("%d sites %s long names %v", sites, shape, long), func(t *testing.T) {
					alerts := stormAlerts(sites, shape, long)
					batches := Pack(alerts)
					checkBatches(t, alerts, batches)
					text := allText(batches)
					for i := range sites {
						if !strings.Contains(text, stormSite(i)) {
							t.Fatalf("site %s is not named", stormSite(i))
						}
					}
					if most := maxEmbedMessages + (sites+minSummaryLinesPerMessage-1)/minSummaryLinesPerMessage; len(batches) > most {
						t.Errorf("%d messages, want at most %d", len(batches), most)
					}
					for _, b := range batches {
						for _, e := range b.Message.Embeds {
							for _, line := range strings.Split(e.Description, "\n") {
								if runes(line) > maxSummaryLineRunes {
									t.Errorf("a line of %d runes: %q", runes(line), line)
								}
							}
						}
					}
				})
			}
		}
	}
}

func TestAStormOf300SitesTakesTenMessagesAtMost(t *testing.T) {
	if minSummaryLinesPerMessage != 38 {
		t.Errorf("minSummaryLinesPerMessage = %d; the formula in Pack's comment and the README say 38", minSummaryLinesPerMessage)
	}
	alerts := stormAlerts(300, "down then up", false)
	batches := Pack(alerts)
	if len(batches) > 10 {
		t.Errorf("%d messages for 300 sites down and up", len(batches))
	}
	last := batches[len(batches)-1].Message.Embeds[0].Title
	if !strings.HasSuffix(last, fmt.Sprintf("(%d/%d)", len(batches)-2, len(batches)-2)) {
		t.Errorf("the last summary's title %q does not say it is the last part", last)
	}
	t.Logf("%d messages; the last summary: %q", len(batches), last)
}

package discord

import (
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

const (
	// maxNameInSummary leaves room on a summary line for what happened to the site.
	maxNameInSummary = 60
	// maxReasonInSharedLine cuts why a site is down when its line holds more of its alerts, so
	// that its recovery is not pushed off the line.
	maxReasonInSharedLine = 40
)

// siteSummaryLine is the line of one site's alerts (indexes into alerts), in order, e.g.
// "🔴 **shop** — expected status 200, got 503 · 🟢 recovered after 5m".
func siteSummaryLine(alerts []monitor.Alert, indexes []int) string {
	if len(indexes) == 1 {
		return summaryLine(alerts[indexes[0]])
	}
	group := make([]monitor.Alert, len(indexes))
	for i, a := range indexes {
		group[i] = alerts[a]
	}
	bold := func(name string) string { return "**" + escapeMarkdown(name) + "**" }
	return truncate(channel.SiteLine(group, bold, escapeMarkdown, maxReasonInSharedLine), maxSummaryLineRunes)
}

// summaryLine is one alert in a line, e.g. "🔴 **shop** — expected status 200, got 503".
func summaryLine(a monitor.Alert) string {
	return truncate(kindIcon(a.Kind)+" "+summaryName(a)+channel.Happened(a, escapeMarkdown, maxSummaryLineRunes), maxSummaryLineRunes)
}

func summaryName(a monitor.Alert) string {
	return "**" + escapeMarkdown(truncate(channel.Subject(a), maxNameInSummary)) + "**"
}

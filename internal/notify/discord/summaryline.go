package discord

import (
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
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
	first := alerts[indexes[0]]
	line := kindIcon(first.Kind) + " " + summaryName(first) + happened(first, maxReasonInSharedLine)
	for _, i := range indexes[1:] {
		a := alerts[i]
		what := strings.TrimPrefix(happened(a, maxReasonInSharedLine), " ")
		if a.Kind == monitor.AlertDown {
			what = "down " + what
		}
		line += " · " + kindIcon(a.Kind) + " " + what
	}
	return truncate(line, maxSummaryLineRunes)
}

// summaryLine is one alert in a line, e.g. "🔴 **shop** — expected status 200, got 503".
func summaryLine(a monitor.Alert) string {
	return truncate(kindIcon(a.Kind)+" "+summaryName(a)+happened(a, maxSummaryLineRunes), maxSummaryLineRunes)
}

func summaryName(a monitor.Alert) string {
	if isAccountAlert(a) {
		return "**Tocsin**"
	}
	return "**" + escapeMarkdown(truncate(siteName(a), maxNameInSummary)) + "**"
}

// happened says what happened to the site, after its name on a line; a reason why it is
// down is cut to reasonRunes.
func happened(a monitor.Alert, reasonRunes int) string {
	if what, ok := specialHappened(a); ok {
		return what
	}
	switch a.Kind {
	case monitor.AlertDown:
		return " — " + truncate(reason(a), reasonRunes)
	case monitor.AlertStillDown:
		return " still down" + downtimeText(a, " for ") + " — " + truncate(reason(a), reasonRunes)
	case monitor.AlertRecovered:
		return " recovered" + downtimeText(a, " after ")
	case monitor.AlertCertExpiring:
		return " certificate " + certExpiresIn(a.CertDaysLeft)
	case monitor.AlertLatencyDegraded:
		return " slow: " + latencyText(a)
	case monitor.AlertLatencyNormal:
		return " fast again: " + latencyText(a)
	}
	return " " + kindVerb(a.Kind)
}

// latencyText is "900 ms (usually 120 ms)".
func latencyText(a monitor.Alert) string {
	return msText(a.ResponseTimeMS) + " (usually " + msText(a.BaselineMS) + ")"
}

// reason is why the site is down, in the fewest words at hand.
func reason(a monitor.Alert) string {
	switch {
	case strings.TrimSpace(a.Error) != "":
		return escapeMarkdown(oneLine(a.Error))
	case a.StatusCode != 0:
		return "status " + statusText(a.StatusCode)
	}
	return "down"
}

func downtimeText(a monitor.Alert, lead string) string {
	if a.DownSince == nil {
		return ""
	}
	return lead + humanDuration(a.Downtime())
}

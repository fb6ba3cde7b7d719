package discord

import (
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

const (
	// maxSummaryLineRunes keeps one site from taking the room of many in a summary.
	maxSummaryLineRunes = 200
	// maxNameInSummary leaves room on a summary line for what happened to the site.
	maxNameInSummary = 60
)

// summaryKinds is the order kinds are counted in a summary's title: the bad news first.
func summaryKinds() []monitor.AlertKind {
	return []monitor.AlertKind{monitor.AlertDown, monitor.AlertStillDown, monitor.AlertCertExpiring,
		monitor.AlertLatencyDegraded, monitor.AlertRecovered, monitor.AlertLatencyNormal}
}

// kindCountLabel names a kind after its count in a summary's title: "2 slow", "1 recovered".
func kindCountLabel(k monitor.AlertKind) string {
	switch k {
	case monitor.AlertCertExpiring:
		return "certificate expiring"
	case monitor.AlertLatencyDegraded:
		return "slow"
	case monitor.AlertLatencyNormal:
		return "fast again"
	}
	return strings.ReplaceAll(string(k), "_", " ")
}

// summaryBatch sums up, in one card, the alerts of a storm that did not get cards of their own.
func summaryBatch(alerts []monitor.Alert, indexes []int) Batch {
	var lines []string
	var latest time.Time
	counts := make(map[monitor.AlertKind]int)
	for _, i := range indexes {
		a := alerts[i]
		lines = append(lines, summaryLine(a))
		counts[a.Kind]++
		if a.At.After(latest) {
			latest = a.At
		}
	}
	e := Embed{
		Title:       truncate(summaryTitle(len(indexes), counts), MaxTitleRunes),
		Description: joinWithinLimit(lines, MaxDescriptionRunes),
		Color:       colorRecovered,
		Footer:      &Footer{Text: footerText},
	}
	// The color is the worst news of the card: green would hide an expiring certificate.
	switch {
	case counts[monitor.AlertDown]+counts[monitor.AlertStillDown] > 0:
		e.Color = colorDown
	case counts[monitor.AlertCertExpiring]+counts[monitor.AlertLatencyDegraded] > 0:
		e.Color = colorWarning
	}
	if !latest.IsZero() {
		e.Timestamp = latest.UTC().Format(time.RFC3339)
	}
	return Batch{Message: newMessage(e), Alerts: indexes}
}

// summaryTitle reads like "37 more alerts: 35 down, 1 slow, 1 recovered".
func summaryTitle(total int, counts map[monitor.AlertKind]int) string {
	var parts []string
	known := 0
	for _, k := range summaryKinds() {
		if n := counts[k]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+kindCountLabel(k))
			known += n
		}
	}
	if other := total - known; other > 0 {
		parts = append(parts, strconv.Itoa(other)+" other")
	}
	noun := "alerts"
	if total == 1 {
		noun = "alert"
	}
	return strconv.Itoa(total) + " more " + noun + ": " + strings.Join(parts, ", ")
}

// summaryLine is one alert in a line, e.g. "🔴 **shop** — expected status 200, got 503".
func summaryLine(a monitor.Alert) string {
	name := "**" + escapeMarkdown(truncate(siteName(a), maxNameInSummary)) + "**"
	line := kindIcon(a.Kind) + " " + name
	switch a.Kind {
	case monitor.AlertDown:
		line += " — " + reason(a)
	case monitor.AlertStillDown:
		line += " still down" + downtimeText(a, " for ") + " — " + reason(a)
	case monitor.AlertRecovered:
		line += " recovered" + downtimeText(a, " after ")
	case monitor.AlertCertExpiring:
		line += " certificate " + certExpiresIn(a.CertDaysLeft)
	case monitor.AlertLatencyDegraded:
		line += " slow: " + latencyText(a)
	case monitor.AlertLatencyNormal:
		line += " fast again: " + latencyText(a)
	default:
		line += " " + kindVerb(a.Kind)
	}
	return truncate(line, maxSummaryLineRunes)
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

// joinWithinLimit puts lines one under the other while they fit in limit runes, then says
// how many were left out.
func joinWithinLimit(lines []string, limit int) string {
	reserve := runes("\n…and " + strconv.Itoa(len(lines)) + " more")
	var b strings.Builder
	used := 0
	for i, line := range lines {
		n := runes(line)
		if i > 0 {
			n++ // the newline
		}
		room := limit - used
		if i < len(lines)-1 {
			room -= reserve
		}
		if n > room {
			if used > 0 {
				b.WriteString("\n")
			}
			b.WriteString("…and " + strconv.Itoa(len(lines)-i) + " more")
			break
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(line)
		used += n
	}
	return b.String()
}

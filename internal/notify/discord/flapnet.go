package discord

import (
	"strconv"

	"github.com/tocsin/tocsin/internal/monitor"
)

// The cards of the alerts that are not one check of a site: flapping and its settle, and
// Tocsin losing and finding its network.

const (
	flapIcon    = "🔀"
	networkIcon = "📡"
)

// specialEmbed is the card of a flapping, settled or network alert, and whether a is one.
func specialEmbed(a monitor.Alert) (Embed, bool) {
	switch a.Kind {
	case monitor.AlertNetworkDown:
		return Embed{Title: networkIcon + " Tocsin cannot reach the network", Color: colorDown,
			Description: "Checks that get no answer are held until it is back: sites are not reported down meanwhile.",
			Fields:      []Field{{Name: "Why", Value: fieldValue(escapeMarkdown(oneLine(a.Error)))}}}, true
	case monitor.AlertNetworkUp:
		e := Embed{Title: networkIcon + " Tocsin reaches the network again", Color: colorRecovered,
			Description: "Sites that are still down alert at their next check."}
		if a.DownSince != nil {
			e.Fields = []Field{{Name: "Unreachable since", Value: discordTime(*a.DownSince), Inline: true},
				{Name: "For", Value: humanDuration(a.Downtime()), Inline: true}}
		}
		return e, true
	case monitor.AlertFlapping:
		return Embed{Title: truncate(flapIcon+" "+truncate(siteName(a), maxNameInText)+" is flapping", MaxTitleRunes), Color: colorWarning,
			Description: "Its status keeps changing: one alert when it settles, instead of a down and a recovery each time.",
			Fields:      flapFields(a)}, true
	case monitor.AlertSettled:
		color := colorRecovered
		if a.SiteStatus == monitor.StatusDown {
			color = colorDown
		}
		return Embed{Title: truncate(flapIcon+" "+truncate(siteName(a), maxNameInText)+" settled: "+statusWord(a.SiteStatus), MaxTitleRunes),
			Color: color, Fields: flapFields(a)}, true
	}
	return Embed{}, false
}

// flapFields are a flapping site's facts: where it stands and how often it changed.
func flapFields(a monitor.Alert) []Field {
	fields := []Field{{Name: "URL", Value: fieldValue(a.URL)},
		{Name: "Status", Value: statusWord(a.SiteStatus), Inline: true},
		{Name: "Changes", Value: strconv.Itoa(a.Changes) + " in the last " + strconv.Itoa(monitor.FlapWindow) + " checks", Inline: true}}
	if a.SiteStatus == monitor.StatusDown {
		if a.StatusCode != 0 {
			fields = append(fields, Field{Name: "HTTP status", Value: statusText(a.StatusCode), Inline: true})
		}
		if a.Error != "" {
			fields = append(fields, Field{Name: "Error", Value: fieldValue(escapeMarkdown(oneLine(a.Error)))})
		}
	}
	if a.DownSince != nil {
		// The down alert this answers: since then the site has been down, then up and down.
		fields = append(fields, Field{Name: "Down since", Value: discordTime(*a.DownSince), Inline: true})
		if a.Kind == monitor.AlertSettled && a.SiteStatus == monitor.StatusUp {
			fields = append(fields, Field{Name: "Downtime", Value: humanDuration(a.Downtime()), Inline: true})
		}
	}
	return fields
}

func statusWord(s monitor.Status) string {
	if s == "" {
		return emptyValue
	}
	return string(s)
}

// specialHappened is what happened, on a summary line, for the alerts specialEmbed draws.
func specialHappened(a monitor.Alert) (string, bool) {
	switch a.Kind {
	case monitor.AlertNetworkDown:
		return " cannot reach the network — " + truncate(reason(a), maxSummaryLineRunes), true
	case monitor.AlertNetworkUp:
		return " reaches the network again" + downtimeText(a, " after "), true
	case monitor.AlertFlapping:
		return " is flapping: " + strconv.Itoa(a.Changes) + " changes in " + strconv.Itoa(monitor.FlapWindow) + " checks", true
	case monitor.AlertSettled:
		return " settled: " + statusWord(a.SiteStatus), true
	}
	return "", false
}

// isAccountAlert says whether the alert is about Tocsin, not one site.
func isAccountAlert(a monitor.Alert) bool {
	return a.Kind == monitor.AlertNetworkDown || a.Kind == monitor.AlertNetworkUp
}

// badNews says whether the alert tells of something down, for a summary's color.
func badNews(a monitor.Alert) bool {
	switch a.Kind {
	case monitor.AlertDown, monitor.AlertStillDown, monitor.AlertNetworkDown:
		return true
	case monitor.AlertSettled:
		return a.SiteStatus == monitor.StatusDown
	}
	return false
}

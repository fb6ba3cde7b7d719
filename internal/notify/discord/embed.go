package discord

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Colors of alert embeds.
const (
	colorDown      = 0xE53935
	colorRecovered = 0x43A047
	colorStillDown = 0xFB8C00
	colorOther     = 0x9E9E9E

	footerText = "Tocsin"
)

// AlertEmbed is the card for one alert. Every text is cut to Discord's limits.
func AlertEmbed(a monitor.Alert) Embed {
	e := Embed{
		Title:  truncate(kindIcon(a.Kind)+" "+truncate(siteName(a), maxNameInText)+" "+kindVerb(a.Kind), MaxTitleRunes),
		Color:  kindColor(a.Kind),
		Fields: alertFields(a),
		Footer: &Footer{Text: footerText},
	}
	if !a.At.IsZero() {
		e.Timestamp = a.At.UTC().Format(time.RFC3339)
	}
	return e
}

// alertFields are the facts of the alert, in the order people look for them.
func alertFields(a monitor.Alert) []Field {
	fields := []Field{{Name: "URL", Value: fieldValue(a.URL)}}
	if a.StatusCode != 0 {
		fields = append(fields, Field{Name: "HTTP status", Value: statusText(a.StatusCode), Inline: true})
	}
	if a.Error != "" {
		fields = append(fields, Field{Name: "Error", Value: fieldValue(escapeMarkdown(oneLine(a.Error)))})
	}
	fields = append(fields, Field{Name: "Response time", Value: strconv.FormatInt(a.ResponseTimeMS, 10) + " ms", Inline: true})
	if a.DownSince != nil {
		fields = append(fields, Field{Name: "Down since", Value: discordTime(*a.DownSince), Inline: true})
		if a.Kind == monitor.AlertRecovered || a.Kind == monitor.AlertStillDown {
			// Without DownSince the downtime is unknown; "0s" would be a lie.
			fields = append(fields, Field{Name: "Downtime", Value: humanDuration(a.Downtime()), Inline: true})
		}
	}
	return fields
}

// fieldValue makes s a value Discord accepts: not empty, not too long.
func fieldValue(s string) string {
	if strings.TrimSpace(s) == "" {
		return emptyValue
	}
	return truncate(s, MaxFieldValueRunes)
}

// siteName is the name to show; a site always has one, but an empty title would read badly.
func siteName(a monitor.Alert) string {
	if name := oneLine(a.SiteName); name != "" {
		return name
	}
	return "Site " + strconv.FormatInt(a.SiteID, 10)
}

func statusText(code int) string {
	if text := http.StatusText(code); text != "" {
		return strconv.Itoa(code) + " " + text
	}
	return strconv.Itoa(code)
}

// discordTime is shown by Discord in each reader's time zone: the date, then "2 hours ago".
func discordTime(t time.Time) string {
	unix := strconv.FormatInt(t.Unix(), 10)
	return "<t:" + unix + ":f> (<t:" + unix + ":R>)"
}

func kindIcon(k monitor.AlertKind) string {
	switch k {
	case monitor.AlertDown:
		return "🔴"
	case monitor.AlertRecovered:
		return "🟢"
	case monitor.AlertStillDown:
		return "🟠"
	}
	return "⚪"
}

func kindVerb(k monitor.AlertKind) string {
	switch k {
	case monitor.AlertDown:
		return "is down"
	case monitor.AlertRecovered:
		return "recovered"
	case monitor.AlertStillDown:
		return "is still down"
	}
	return "changed (" + oneLine(string(k)) + ")"
}

func kindColor(k monitor.AlertKind) int {
	switch k {
	case monitor.AlertDown:
		return colorDown
	case monitor.AlertRecovered:
		return colorRecovered
	case monitor.AlertStillDown:
		return colorStillDown
	}
	return colorOther
}

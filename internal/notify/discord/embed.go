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
	colorWarning   = 0xFB8C00 // not down, but someone should look: a certificate, a slowdown
	colorOther     = 0x9E9E9E

	footerText = "Tocsin"
)

// AlertEmbed is the card for one alert. Every text is cut to Discord's limits.
func AlertEmbed(a monitor.Alert) Embed {
	e, special := specialEmbed(a)
	if !special {
		e = Embed{
			Title:  truncate(kindIcon(a.Kind)+" "+truncate(siteName(a), maxNameInText)+headline(a), MaxTitleRunes),
			Color:  kindColor(a.Kind),
			Fields: alertFields(a),
		}
	}
	e.Footer = &Footer{Text: footerText}
	if !a.At.IsZero() {
		e.Timestamp = a.At.UTC().Format(time.RFC3339)
	}
	return e
}

// headline is what happened, after the site's name in a title.
func headline(a monitor.Alert) string {
	if a.Kind == monitor.AlertCertExpiring {
		return ": certificate " + certExpiresIn(a.CertDaysLeft)
	}
	return " " + kindVerb(a.Kind)
}

// alertFields are the facts of the alert, in the order people look for them.
func alertFields(a monitor.Alert) []Field {
	fields := []Field{{Name: "URL", Value: fieldValue(a.URL)}}
	switch a.Kind {
	case monitor.AlertCertExpiring:
		// The check itself went well; its status and timing would only distract.
		expires := emptyValue
		if a.CertExpiresAt != nil {
			expires = discordTime(*a.CertExpiresAt)
		}
		return append(fields,
			Field{Name: "Expires", Value: expires, Inline: true},
			Field{Name: "Days left", Value: strconv.Itoa(a.CertDaysLeft), Inline: true})
	case monitor.AlertLatencyDegraded, monitor.AlertLatencyNormal:
		return append(fields,
			Field{Name: "Response time", Value: msText(a.ResponseTimeMS), Inline: true},
			Field{Name: "Usual", Value: msText(a.BaselineMS), Inline: true})
	}
	if a.StatusCode != 0 {
		fields = append(fields, Field{Name: "HTTP status", Value: statusText(a.StatusCode), Inline: true})
	}
	if a.Error != "" {
		fields = append(fields, Field{Name: "Error", Value: fieldValue(escapeMarkdown(oneLine(a.Error)))})
	}
	fields = append(fields, Field{Name: "Response time", Value: msText(a.ResponseTimeMS), Inline: true})
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

func msText(ms int64) string { return strconv.FormatInt(ms, 10) + " ms" }

// certExpiresIn reads "expires in 7 days", "expires in 1 day"; under a day is not "0 days".
func certExpiresIn(days int) string {
	switch {
	case days < 1:
		return "expires in less than a day"
	case days == 1:
		return "expires in 1 day"
	}
	return "expires in " + strconv.Itoa(days) + " days"
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
	case monitor.AlertCertExpiring:
		return "🔒"
	case monitor.AlertLatencyDegraded:
		return "🐢"
	case monitor.AlertLatencyNormal:
		return "⚡"
	case monitor.AlertFlapping, monitor.AlertSettled:
		return flapIcon
	case monitor.AlertNetworkDown, monitor.AlertNetworkUp:
		return networkIcon
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
	case monitor.AlertLatencyDegraded:
		return "is slow"
	case monitor.AlertLatencyNormal:
		return "is fast again"
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
	case monitor.AlertCertExpiring, monitor.AlertLatencyDegraded:
		return colorWarning
	case monitor.AlertLatencyNormal:
		return colorRecovered
	}
	return colorOther
}

package discord

import (
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
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

// AlertEmbed is the card for one alert, written from the alert's kind and facts as every
// channel type writes them (see channel.Describe). Every text is cut to Discord's limits.
func AlertEmbed(a monitor.Alert) Embed {
	e := Embed{
		Title:       truncate(channel.Title(a, func(s string) string { return s }, maxNameInText), MaxTitleRunes),
		Description: channel.Note(a),
		Color:       alertColor(a),
		Fields:      alertFields(a),
		Footer:      &Footer{Text: footerText},
	}
	if !a.At.IsZero() {
		e.Timestamp = a.At.UTC().Format(time.RFC3339)
	}
	return e
}

// alertFields are the facts of the alert, as embed fields: times in each reader's time zone,
// text escaped, URLs as they are.
func alertFields(a monitor.Alert) []Field {
	facts := channel.Facts(a)
	fields := make([]Field, 0, len(facts))
	for _, f := range facts {
		value := escapeMarkdown(f.Text)
		switch {
		case f.Time != nil:
			value = discordTime(*f.Time)
		case f.URL:
			value = f.Text
		}
		fields = append(fields, Field{Name: f.Name, Value: fieldValue(value), Inline: f.Inline})
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

// discordTime is shown by Discord in each reader's time zone: the date, then "2 hours ago".
func discordTime(t time.Time) string {
	unix := strconv.FormatInt(t.Unix(), 10)
	return "<t:" + unix + ":f> (<t:" + unix + ":R>)"
}

func kindIcon(k monitor.AlertKind) string { return channel.Describe(k).Icon }

// alertColor is the colour of the alert's news; a reminder that a site is still down is
// orange, so that it does not read as a new outage.
func alertColor(a monitor.Alert) int {
	if a.Kind == monitor.AlertStillDown {
		return colorStillDown
	}
	return severityColor(channel.SeverityOf(a))
}

func severityColor(s channel.Severity) int {
	switch s {
	case channel.Bad:
		return colorDown
	case channel.Warning:
		return colorWarning
	case channel.Good:
		return colorRecovered
	}
	return colorOther
}

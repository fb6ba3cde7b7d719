package ntfy

import (
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

const (
	// MaxMessageBytes is ntfy's default limit on a message: longer ones become attachments,
	// or are refused where attachments are off.
	MaxMessageBytes = 4096
	// MaxTitleBytes keeps a title to what a notification shows.
	MaxTitleBytes = 250
	maxFactRunes  = 600
)

// Message is ntfy's JSON publishing body.
type Message struct {
	Topic    string   `json:"topic"`
	Title    string   `json:"title"`
	Message  string   `json:"message"`
	Priority int      `json:"priority"`
	Tags     []string `json:"tags"`
	Click    string   `json:"click,omitempty"`
}

// priority is ntfy's 1 (min) to 5 (max) for the worst news of a message: a site down wakes
// people, a recovery does not.
func priority(s channel.Severity) int {
	switch s {
	case channel.Bad:
		return 5
	case channel.Warning:
		return 4
	}
	return 3
}

// tags are shown as emojis before the title, and let subscribers filter.
func tags(s channel.Severity) []string {
	switch s {
	case channel.Bad:
		return []string{"rotating_light", "tocsin"}
	case channel.Warning:
		return []string{"warning", "tocsin"}
	case channel.Good:
		return []string{"white_check_mark", "tocsin"}
	}
	return []string{"information_source", "tocsin"}
}

// card is one alert in plain text: ntfy shows the message as it is.
func card(a monitor.Alert) string {
	lines := []string{channel.Title(a, func(s string) string { return s }, 100)}
	if note := channel.Note(a); note != "" {
		lines = append(lines, note)
	}
	for _, f := range channel.Facts(a) {
		value := channel.Truncate(f.Text, maxFactRunes)
		switch {
		case f.Time != nil:
			value = channel.UTC(*f.Time)
		case value == "":
			value = "—"
		}
		lines = append(lines, f.Name+": "+value)
	}
	return strings.Join(lines, "\n")
}

func line(alerts []monitor.Alert) string {
	plain := func(s string) string { return s }
	return channel.SiteLine(alerts, plain, plain, 100)
}

func layout() channel.Layout {
	return channel.Layout{Card: card, Line: line, Size: func(s string) int { return len(s) }, Cut: channel.TruncateBytes,
		Budget: MaxMessageBytes, Sep: "\n\n", MaxCards: 5, CardMessages: 2, LineSize: 300}
}

// Pack writes the alerts of one turn as messages of at most 4096 bytes: a lone alert's title
// is its own, with the site's URL to open; several are counted in the title.
func Pack(alerts []monitor.Alert) []channel.Batch {
	parts := channel.PackTexts(alerts, layout())
	summaries := 0
	for _, p := range parts {
		if p.Summary {
			summaries++
		}
	}
	batches := make([]channel.Batch, len(parts))
	n := 0
	for i, p := range parts {
		kinds := channel.KindsOf(alerts, p.Alerts)
		worst := channel.Worst(alerts, p.Alerts)
		m := Message{Priority: priority(worst), Tags: tags(worst), Message: strings.Join(p.Texts, "\n\n")}
		switch {
		case p.Summary:
			n++
			m.Title, m.Message = channel.SummaryTitle(kinds, n, summaries), strings.Join(p.Texts, "\n")
		case len(p.Alerts) == 1:
			a := alerts[p.Alerts[0]]
			m.Title, m.Click = channel.Title(a, func(s string) string { return s }, 100), clickURL(a.URL)
			_, m.Message, _ = strings.Cut(m.Message, "\n") // the title is the notification's
		default:
			m.Title = channel.SummaryTitle(kinds, 1, 1)
		}
		m.Title, m.Message = channel.TruncateBytes(m.Title, MaxTitleBytes), channel.TruncateBytes(m.Message, MaxMessageBytes)
		if m.Message == "" {
			m.Message = m.Title // ntfy sends "triggered" for an empty message
		}
		batches[i] = channel.Batch{Message: m, Alerts: p.Alerts}
	}
	return batches
}

// clickURL opens the site when the notification is tapped; only web URLs are links.
func clickURL(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}

func (d *Driver) Pack(ns []monitor.Notification) []channel.Batch { return Pack(channel.AlertsOf(ns)) }

func (d *Driver) Test(c monitor.Channel) channel.Message {
	text := "This is a test message. Alerts about your sites will be published here when they go down and when they recover."
	if name := channel.OneLine(c.Name); name != "" {
		text += "\n\nChannel: " + channel.Truncate(name, 100)
	}
	return Message{Title: "Tocsin can publish to this topic", Message: text, Priority: 3, Tags: []string{"white_check_mark", "tocsin"}}
}

package telegram

import (
	"strings"
	"unicode/utf16"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

const (
	// MaxTextUnits is the Bot API's limit on a message's text, in UTF-16 code units (an emoji
	// takes two). Telegram counts it after the HTML is parsed; counting the HTML itself, which
	// is longer, keeps under it.
	MaxTextUnits = 4096
	// titleRoom is kept in each message for a summary's title.
	titleRoom = 200
	// maxFactRunes cuts a fact's value (an error, a URL) so a card keeps its other facts.
	maxFactRunes = 600
)

// Message is the text of one sendMessage, in Telegram's HTML.
type Message struct {
	Text string
}

// Escape keeps user text from being read as HTML: a site named "<b>&" shows as typed.
func Escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func card(a monitor.Alert) string {
	lines := []string{"<b>" + channel.Title(a, Escape, 100) + "</b>"}
	if note := channel.Note(a); note != "" {
		lines = append(lines, Escape(note)) // no tag: a cut closes only <b> again
	}
	for _, f := range channel.Facts(a) {
		value := Escape(channel.Truncate(f.Text, maxFactRunes))
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
	bold := func(name string) string { return "<b>" + Escape(name) + "</b>" }
	return channel.SiteLine(alerts, bold, Escape, 100)
}

func layout() channel.Layout {
	return channel.Layout{Card: card, Line: line, Size: units, Cut: cut,
		Budget: MaxTextUnits - titleRoom, Sep: "\n\n", MaxCards: 10, CardMessages: 2, LineSize: 300}
}

// Pack writes the alerts of one turn as messages of at most 4096 characters: cards of up to
// ten alerts in each of two messages, then a line per site.
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
		text := strings.Join(p.Texts, "\n\n")
		if p.Summary {
			n++
			title := channel.SummaryTitle(channel.KindsOf(alerts, p.Alerts), n, summaries)
			text = "<b>" + Escape(title) + "</b>\n" + strings.Join(p.Texts, "\n")
		}
		batches[i] = channel.Batch{Message: Message{Text: cut(text, MaxTextUnits)}, Alerts: p.Alerts}
	}
	return batches
}

// units counts a text as Telegram does: in UTF-16 code units.
func units(s string) int { return len(utf16.Encode([]rune(s))) }

// cut shortens HTML to at most limit units without breaking a tag or an entity.
func cut(s string, limit int) string {
	for runes := limit; runes > 0; {
		out := channel.CutMarkup(s, runes)
		over := units(out) - limit
		if over <= 0 {
			return out
		}
		runes -= over
	}
	return ""
}

func (d *Driver) Pack(ns []monitor.Notification) []channel.Batch { return Pack(channel.AlertsOf(ns)) }

func (d *Driver) Test(c monitor.Channel) channel.Message {
	text := "<b>✅ Tocsin can post to this chat</b>\nThis is a test message. Alerts about your sites will be posted here when they go down and when they recover."
	if name := channel.OneLine(c.Name); name != "" {
		text += "\n\nChannel: <b>" + Escape(channel.Truncate(name, 100)) + "</b>"
	}
	return Message{Text: text}
}

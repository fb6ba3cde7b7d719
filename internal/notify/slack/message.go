package slack

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

// Slack's limits on an incoming webhook's message, in characters.
const (
	MaxBlocks       = 50
	MaxHeaderRunes  = 150
	MaxSectionRunes = 3000
	// maxFallbackRunes bounds the message's text, which notifications show; Slack cuts the
	// text of a message at 40,000.
	maxFallbackRunes = 3000
	// messageBudget bounds the texts of one message: Slack sets no total, but a message is
	// read on a phone.
	messageBudget = 12000
	// maxFactRunes cuts a fact's value (an error, a URL) so a card keeps its other facts.
	maxFactRunes = 1000
)

// Message is the JSON body of a Slack incoming webhook: Block Kit blocks, and a plain text
// for notifications.
type Message struct {
	Text   string  `json:"text"`
	Blocks []Block `json:"blocks"`
}

// Block is a Block Kit block: header, section or context.
type Block struct {
	Type     string `json:"type"`
	Text     *Text  `json:"text,omitempty"`
	Elements []Text `json:"elements,omitempty"`
}

// Text is a text object: plain_text (shown as it is) or mrkdwn.
type Text struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji bool   `json:"emoji,omitempty"`
}

func (m Message) encode() ([]byte, error) { return json.Marshal(m) }

// Escape keeps user text from being read as Slack markup: &, < and > are the characters Slack
// asks to be escaped, so a site named "<b>&" shows as typed.
func Escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func header(text string) Block {
	return Block{Type: "header", Text: &Text{Type: "plain_text", Text: channel.Truncate(channel.OneLine(text), MaxHeaderRunes), Emoji: true}}
}

func section(mrkdwn string) Block {
	return Block{Type: "section", Text: &Text{Type: "mrkdwn", Text: channel.CutMarkup(mrkdwn, MaxSectionRunes)}}
}

func footer(at time.Time) Block {
	text := "Tocsin"
	if !at.IsZero() {
		text += " · " + slackTime(at)
	}
	return Block{Type: "context", Elements: []Text{{Type: "mrkdwn", Text: text}}}
}

// slackTime is shown by Slack in each reader's time zone, with the UTC time as its fallback.
func slackTime(t time.Time) string {
	return "<!date^" + strconv.FormatInt(t.Unix(), 10) + "^{date_short_pretty} {time_secs}|" + channel.UTC(t) + ">"
}

// card writes one alert: its title on the first line (a header, shown as typed), then its
// facts in mrkdwn.
func card(a monitor.Alert) string {
	var lines []string
	if note := channel.Note(a); note != "" {
		lines = append(lines, "_"+Escape(note)+"_")
	}
	for _, f := range channel.Facts(a) {
		value := Escape(channel.Truncate(f.Text, maxFactRunes))
		switch {
		case f.Time != nil:
			value = slackTime(*f.Time)
		case value == "":
			value = "—"
		}
		lines = append(lines, "*"+f.Name+":* "+value)
	}
	if len(lines) == 0 {
		lines = []string{"—"}
	}
	return channel.Title(a, func(s string) string { return s }, 100) + "\n" + strings.Join(lines, "\n")
}

func line(alerts []monitor.Alert) string {
	bold := func(name string) string { return "*" + Escape(name) + "*" }
	return channel.SiteLine(alerts, bold, Escape, 100)
}

func layout() channel.Layout {
	return channel.Layout{Card: card, Line: line, Size: channel.Runes, Cut: channel.CutMarkup,
		Budget: messageBudget, Sep: "\n", MaxCards: 10, CardMessages: 2, LineSize: 300}
}

// Pack writes the alerts of one turn as Block Kit messages: up to ten cards (a header and a
// section each) in each of two messages, then a line per site. Every message stays under 50
// blocks and 3,000 characters a section.
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
		latest := latestOf(alerts, p.Alerts)
		if p.Summary {
			n++
			title := channel.SummaryTitle(channel.KindsOf(alerts, p.Alerts), n, summaries)
			batches[i] = channel.Batch{Message: summaryMessage(title, p.Texts, latest), Alerts: p.Alerts}
			continue
		}
		batches[i] = channel.Batch{Message: cardsMessage(p.Texts, latest), Alerts: p.Alerts}
	}
	return batches
}

func cardsMessage(cards []string, at time.Time) Message {
	var m Message
	for _, c := range cards {
		title, body, _ := strings.Cut(c, "\n")
		m.Blocks = append(m.Blocks, header(title), section(body))
	}
	m.Blocks = append(m.Blocks, footer(at))
	first, _, _ := strings.Cut(cards[0], "\n")
	m.Text = first
	if len(cards) > 1 {
		m.Text += " (and " + strconv.Itoa(len(cards)-1) + " more)"
	}
	m.Text = channel.Truncate(Escape(m.Text), maxFallbackRunes)
	return m
}

// summaryMessage holds the lines of a storm in as few sections as fit.
func summaryMessage(title string, lines []string, at time.Time) Message {
	m := Message{Text: channel.Truncate(Escape(title), maxFallbackRunes), Blocks: []Block{header(title)}}
	var chunk []string
	size := 0
	for _, l := range lines {
		if len(chunk) > 0 && size+1+channel.Runes(l) > MaxSectionRunes {
			m.Blocks = append(m.Blocks, section(strings.Join(chunk, "\n")))
			chunk, size = nil, 0
		}
		chunk = append(chunk, l)
		size += channel.Runes(l) + 1
	}
	m.Blocks = append(m.Blocks, section(strings.Join(chunk, "\n")), footer(at))
	return m
}

func latestOf(alerts []monitor.Alert, indexes []int) time.Time {
	var latest time.Time
	for _, i := range indexes {
		if alerts[i].At.After(latest) {
			latest = alerts[i].At
		}
	}
	return latest
}

func (d *Driver) Pack(ns []monitor.Notification) []channel.Batch { return Pack(channel.AlertsOf(ns)) }

// Test is posted when the user tries the channel, so they see where alerts will land.
func (d *Driver) Test(c monitor.Channel) channel.Message {
	text := "This is a test message. Alerts about your sites will be posted here when they go down and when they recover."
	if name := channel.OneLine(c.Name); name != "" {
		text += "\n\nChannel: *" + Escape(channel.Truncate(name, 100)) + "*"
	}
	return Message{Text: "Tocsin can post to this channel",
		Blocks: []Block{header("✅ Tocsin can post to this channel"), section(text), footer(time.Time{})}}
}

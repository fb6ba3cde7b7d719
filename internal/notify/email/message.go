package email

import (
	"html"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

const (
	// maxSubjectRunes keeps a subject to what a mail client shows.
	maxSubjectRunes = 200
	maxFactRunes    = 1000
)

// Message is one email: a subject, and the alerts as plain text and as HTML.
type Message struct {
	Subject string
	Text    string
	HTML    string
}

func (m Message) build(s monitor.ChannelSettings) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.From); err != nil {
		return nil, err
	}
	if err := msg.To(s.To...); err != nil {
		return nil, err
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	return msg, nil
}

// Pack writes every alert of the turn into one email: an inbox takes one message per storm,
// however many sites it holds.
func Pack(alerts []monitor.Alert) []channel.Batch {
	if len(alerts) == 0 {
		return nil
	}
	return []channel.Batch{{Message: compose(alerts), Alerts: allOf(alerts)}}
}

func compose(alerts []monitor.Alert) Message {
	subject := channel.Title(alerts[0], func(s string) string { return s }, 100)
	if len(alerts) > 1 {
		subject = channel.SummaryTitle(channel.KindsOf(alerts, allOf(alerts)), 1, 1)
	}
	var text, page strings.Builder
	page.WriteString(`<!DOCTYPE html><html><body style="font-family: sans-serif">`)
	for i, a := range alerts {
		if i > 0 {
			text.WriteString("\n\n")
		}
		writeAlert(&text, &page, a)
	}
	text.WriteString("\n\n-- \nTocsin\n")
	page.WriteString(`<p style="color: #777">Tocsin</p></body></html>`)
	return Message{Subject: channel.Truncate(channel.OneLine(subject), maxSubjectRunes), Text: text.String(), HTML: page.String()}
}

func allOf(alerts []monitor.Alert) []int {
	out := make([]int, len(alerts))
	for i := range out {
		out[i] = i
	}
	return out
}

// writeAlert adds one alert to both parts: its title, then a line (a table row) per fact.
func writeAlert(text, page *strings.Builder, a monitor.Alert) {
	title := channel.Title(a, func(s string) string { return s }, 100)
	text.WriteString(title + "\n")
	page.WriteString("<h3>" + html.EscapeString(title) + "</h3>")
	if note := channel.Note(a); note != "" {
		text.WriteString(note + "\n")
		page.WriteString("<p>" + html.EscapeString(note) + "</p>")
	}
	page.WriteString("<table>")
	for _, f := range channel.Facts(a) {
		value := channel.Truncate(f.Text, maxFactRunes)
		switch {
		case f.Time != nil:
			value = channel.UTC(*f.Time)
		case value == "":
			value = "—"
		}
		text.WriteString(f.Name + ": " + value + "\n")
		page.WriteString("<tr><th align=\"left\">" + html.EscapeString(f.Name) + "</th><td>" + html.EscapeString(value) + "</td></tr>")
	}
	page.WriteString("</table>")
}

func (d *Driver) Pack(ns []monitor.Notification) []channel.Batch { return Pack(channel.AlertsOf(ns)) }

func (d *Driver) Test(c monitor.Channel) channel.Message {
	body := "✅ Tocsin can send email here\n\nThis is a test message. Alerts about your sites will be sent to this address when they go down and when they recover."
	if name := channel.OneLine(c.Name); name != "" {
		body += "\n\nChannel: " + channel.Truncate(name, 100)
	}
	return Message{Subject: "✅ Tocsin can send email here", Text: body + "\n",
		HTML: "<!DOCTYPE html><html><body><p>" + strings.ReplaceAll(html.EscapeString(body), "\n", "<br>") + "</p></body></html>"}
}

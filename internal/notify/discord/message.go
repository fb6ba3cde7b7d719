package discord

import "encoding/json"

// Username is the name messages are posted under, whatever the webhook is called.
const Username = "Tocsin"

// Message is the JSON body of Discord's "Execute Webhook".
type Message struct {
	Content         string          `json:"content,omitempty"`
	Username        string          `json:"username"`
	Embeds          []Embed         `json:"embeds,omitempty"`
	AllowedMentions AllowedMentions `json:"allowed_mentions"`
}

// AllowedMentions says which mentions in a message ping. Tocsin pings nobody: a site named
// "@everyone" must not wake a whole server.
type AllowedMentions struct {
	Parse []string `json:"parse"`
}

// MarshalJSON writes a nil Parse as [], because Discord reads a null or absent list as
// "the defaults", which ping.
func (m AllowedMentions) MarshalJSON() ([]byte, error) {
	type plain AllowedMentions
	p := plain(m)
	if p.Parse == nil {
		p.Parse = []string{}
	}
	return json.Marshal(p)
}

// Embed is one card of a message.
type Embed struct {
	Title       string  `json:"title,omitempty"`
	Description string  `json:"description,omitempty"`
	URL         string  `json:"url,omitempty"`
	Color       int     `json:"color,omitempty"`
	Timestamp   string  `json:"timestamp,omitempty"` // RFC 3339
	Fields      []Field `json:"fields,omitempty"`
	Footer      *Footer `json:"footer,omitempty"`
}

// Field is a name and value shown in an embed; Discord rejects empty names and values.
type Field struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline,omitempty"`
}

// Footer is the small text under an embed.
type Footer struct {
	Text string `json:"text"`
}

// newMessage is a message as Tocsin sends all of them: under its name, pinging nobody.
func newMessage(embeds ...Embed) Message {
	return Message{Username: Username, Embeds: embeds, AllowedMentions: AllowedMentions{Parse: []string{}}}
}

// TestMessage is posted when the user asks to try a webhook, so they can see where alerts
// will land.
func TestMessage(webhookName string) Message {
	description := "This is a test message. Alerts about your sites will be posted here when they go down and when they recover."
	if name := oneLine(webhookName); name != "" {
		description += "\n\nWebhook: **" + escapeMarkdown(truncate(name, maxNameInText)) + "**"
	}
	return newMessage(Embed{
		Title:       "✅ Tocsin can post to this channel",
		Description: description,
		Color:       colorRecovered,
		Footer:      &Footer{Text: footerText},
	})
}

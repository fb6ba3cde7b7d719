package discord

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tocsin/tocsin/internal/notify/channel"
)

// Discord's documented limits on an execute-webhook message, in characters (runes).
const (
	MaxContentRunes     = 2000
	MaxUsernameRunes    = 80
	MaxTitleRunes       = 256
	MaxDescriptionRunes = 4096
	MaxFieldsPerEmbed   = 25
	MaxFieldNameRunes   = 256
	MaxFieldValueRunes  = 1024
	MaxFooterRunes      = 2048
	MaxEmbedsPerMessage = 10
	// MaxEmbedsTotalRunes bounds titles, descriptions, field names and values and footers
	// of all the embeds of one message, together.
	MaxEmbedsTotalRunes = 6000
	maxColor            = 0xFFFFFF
)

// emptyValue stands in for a missing field value: Discord rejects empty ones.
const emptyValue = "—"

// truncate cuts s to at most limit runes, ending it with "…" when it was cut.
func truncate(s string, limit int) string { return channel.Truncate(s, limit) }

func runes(s string) int { return channel.Runes(s) }

// embedRunes is what an embed counts towards MaxEmbedsTotalRunes.
func embedRunes(e Embed) int {
	n := runes(e.Title) + runes(e.Description)
	for _, f := range e.Fields {
		n += runes(f.Name) + runes(f.Value)
	}
	if e.Footer != nil {
		n += runes(e.Footer.Text)
	}
	return n
}

// Validate reports the first part of the message that Discord would refuse, or nil.
func Validate(m Message) error {
	switch {
	case strings.TrimSpace(m.Username) == "":
		return errors.New("username is empty")
	case runes(m.Username) > MaxUsernameRunes:
		return tooLong("username", m.Username, MaxUsernameRunes)
	case runes(m.Content) > MaxContentRunes:
		return tooLong("content", m.Content, MaxContentRunes)
	case m.Content == "" && len(m.Embeds) == 0:
		return errors.New("the message has neither content nor embeds")
	case len(m.Embeds) > MaxEmbedsPerMessage:
		return fmt.Errorf("%d embeds, Discord allows at most %d", len(m.Embeds), MaxEmbedsPerMessage)
	}
	total := 0
	for i, e := range m.Embeds {
		if err := validateEmbed(e); err != nil {
			return fmt.Errorf("embed %d: %w", i, err)
		}
		total += embedRunes(e)
	}
	if total > MaxEmbedsTotalRunes {
		return fmt.Errorf("the embeds hold %d characters, Discord allows at most %d", total, MaxEmbedsTotalRunes)
	}
	return nil
}

func validateEmbed(e Embed) error {
	switch {
	case runes(e.Title) > MaxTitleRunes:
		return tooLong("title", e.Title, MaxTitleRunes)
	case runes(e.Description) > MaxDescriptionRunes:
		return tooLong("description", e.Description, MaxDescriptionRunes)
	case len(e.Fields) > MaxFieldsPerEmbed:
		return fmt.Errorf("%d fields, Discord allows at most %d", len(e.Fields), MaxFieldsPerEmbed)
	case e.Color < 0 || e.Color > maxColor:
		return fmt.Errorf("color %#x is not an RGB color", e.Color)
	case e.Footer != nil && strings.TrimSpace(e.Footer.Text) == "":
		return errors.New("footer text is empty")
	case e.Footer != nil && runes(e.Footer.Text) > MaxFooterRunes:
		return tooLong("footer text", e.Footer.Text, MaxFooterRunes)
	}
	for i, f := range e.Fields {
		if err := validateField(f); err != nil {
			return fmt.Errorf("field %d: %w", i, err)
		}
	}
	return nil
}

func validateField(f Field) error {
	switch {
	case strings.TrimSpace(f.Name) == "":
		return errors.New("name is empty")
	case strings.TrimSpace(f.Value) == "":
		return errors.New("value is empty")
	case runes(f.Name) > MaxFieldNameRunes:
		return tooLong("name", f.Name, MaxFieldNameRunes)
	case runes(f.Value) > MaxFieldValueRunes:
		return tooLong("value", f.Value, MaxFieldValueRunes)
	}
	return nil
}

func tooLong(what, s string, limit int) error {
	return fmt.Errorf("%s is %d characters, Discord allows at most %d", what, runes(s), limit)
}

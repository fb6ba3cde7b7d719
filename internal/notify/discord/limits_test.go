package discord

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		s     string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"too long", 5, "too …"},
		{"🔥🔥🔥🔥", 3, "🔥🔥…"},
		{"éééé", 1, "…"},
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		got := truncate(tt.s, tt.limit)
		if got != tt.want || utf8.RuneCountInString(got) > max(tt.limit, 0) {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.s, tt.limit, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := func() Message {
		return newMessage(Embed{Title: "t", Fields: []Field{{Name: "n", Value: "v"}}, Footer: &Footer{Text: "f"}})
	}
	with := func(change func(m *Message)) Message { m := ok(); change(&m); return m }
	field := func(name, value string) Message {
		return with(func(m *Message) { m.Embeds[0].Fields = []Field{{Name: name, Value: value}} })
	}
	many := func(n int, e Embed) []Embed {
		out := make([]Embed, n)
		for i := range out {
			out[i] = e
		}
		return out
	}
	tests := []struct {
		name   string
		msg    Message
		errHas string // "" when valid
	}{
		{"ok", ok(), ""},
		{"content only", Message{Username: "Tocsin", Content: "hi"}, ""},
		{"limits exactly", with(func(m *Message) {
			m.Embeds[0].Title = strings.Repeat("é", MaxTitleRunes)
			m.Embeds[0].Description = strings.Repeat("é", MaxDescriptionRunes)
		}), ""},
		{"no username", with(func(m *Message) { m.Username = " " }), "username"},
		{"empty", Message{Username: "Tocsin"}, "neither content nor embeds"},
		{"long content", with(func(m *Message) { m.Content = strings.Repeat("x", MaxContentRunes+1) }), "content"},
		{"long title", with(func(m *Message) { m.Embeds[0].Title = strings.Repeat("é", MaxTitleRunes+1) }), "title"},
		{"long description", with(func(m *Message) { m.Embeds[0].Description = strings.Repeat("x", MaxDescriptionRunes+1) }), "description"},
		{"empty field value", field("n", ""), "value is empty"},
		{"blank field name", field(" ", "v"), "name is empty"},
		{"long field name", field(strings.Repeat("x", MaxFieldNameRunes+1), "v"), "name is"},
		{"long field value", field("n", strings.Repeat("x", MaxFieldValueRunes+1)), "value is"},
		{"26 fields", with(func(m *Message) {
			m.Embeds[0].Fields = make([]Field, MaxFieldsPerEmbed+1)
			for i := range m.Embeds[0].Fields {
				m.Embeds[0].Fields[i] = Field{Name: "n", Value: "v"}
			}
		}), "26 fields"},
		{"long footer", with(func(m *Message) { m.Embeds[0].Footer.Text = strings.Repeat("x", MaxFooterRunes+1) }), "footer"},
		{"empty footer", with(func(m *Message) { m.Embeds[0].Footer.Text = "" }), "footer"},
		{"bad color", with(func(m *Message) { m.Embeds[0].Color = 0x1000000 }), "color"},
		{"11 embeds", with(func(m *Message) { m.Embeds = many(11, Embed{Title: "t"}) }), "11 embeds"},
		{"6001 in total", with(func(m *Message) {
			m.Embeds = many(2, Embed{Description: strings.Repeat("x", 3000)})
			m.Embeds[1].Title = "x"
		}), "6001 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.msg)
			if tt.errHas == "" && err != nil || tt.errHas != "" && (err == nil || !strings.Contains(err.Error(), tt.errHas)) {
				t.Errorf("Validate = %v, want %q", err, tt.errHas)
			}
		})
	}
}

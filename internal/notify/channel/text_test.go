package channel

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCutsKeepTextsWithinTheirLimits(t *testing.T) {
	tests := []struct {
		name  string
		cut   func(string, int) string
		size  func(string) int
		s     string
		limit int
		want  string
	}{
		{"runes: short enough", Truncate, Runes, "héllo", 5, "héllo"},
		{"runes: cut", Truncate, Runes, "héllo wörld", 6, "héllo…"},
		{"bytes: cut on a character", TruncateBytes, func(s string) int { return len(s) }, "ééééé", 7, "éé…"},
		{"bytes: too small for the ellipsis", TruncateBytes, func(s string) int { return len(s) }, "abcdef", 2, ""},
		{"markup: never inside an entity", CutMarkup, Runes, "ab &amp; cd", 9, "ab …"},
		{"markup: never inside a tag", CutMarkup, Runes, "xy <b>z</b> more", 9, "xy …"},
		{"markup: never inside a tag, and closed", CutMarkup, Runes, "<b>abcdefghij</b> <a href", 12, "<b>abcd…</b>"},
		{"markup: a link is not cut open", CutMarkup, Runes, "see <https://example.com|example> now", 20, "see …"},
	}
	for _, tt := range tests {
		got := tt.cut(tt.s, tt.limit)
		if got != tt.want || tt.size(got) > tt.limit || !utf8.ValidString(got) {
			t.Errorf("%s: %q, want %q (at most %d)", tt.name, got, tt.want, tt.limit)
		}
	}
}

func TestClipMakesAStorableOneLineDetail(t *testing.T) {
	got := Clip("bad\x00 \xff\nanswer " + strings.Repeat("x", 400))
	if strings.ContainsAny(got, "\x00\n") || !utf8.ValidString(got) || Runes(got) != MaxDetailRunes || !strings.HasPrefix(got, "bad � answer") {
		t.Errorf("clip: %q", got)
	}
}

func TestScrubRemovesTheURLAndSecretsInEveryForm(t *testing.T) {
	target := "https://api.example.com/bot123:s3cr3t/send?x=1"
	text := `Post "https://api.example.com/bot123:s3cr3t/send?x=1": boom; also https://api.example.com/bot123:s3cr3t/send and s3cr3t`
	got := Scrub(text, target, "s3cr3t", "abc")
	if strings.Contains(got, "s3cr3t") || strings.Contains(got, "/bot") || !strings.Contains(got, "the URL") {
		t.Errorf("scrubbed: %q", got)
	}
}

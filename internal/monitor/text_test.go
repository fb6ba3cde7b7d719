package monitor

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "expected status 200, got 503", "expected status 200, got 503"},
		{"tab and newline kept", "a\tb\nc", "a\tb\nc"},
		{"NUL", "/a\x00b: expected string, got number", "/a\uFFFDb: expected string, got number"},
		{"other controls", "a\rb\x1bc\x7fd\u0085e", "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe"},
		{"invalid UTF-8", "caf\xe9 \xff\xfe", "caf\uFFFD \uFFFD\uFFFD"},
		{"truncated rune", "ab\xe2\x82", "ab\uFFFD\uFFFD"},
		{"non-ASCII kept", "héllo → 世界 🚨", "héllo → 世界 🚨"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanText(tt.in); got != tt.want {
				t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestResultCleanBoundsTheError(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantLen int
		cut     bool
	}{
		{"short", "timeout after 5s", len("timeout after 5s"), false},
		{"exactly the bound", strings.Repeat("a", MaxErrorBytes), MaxErrorBytes, false},
		{"long ASCII", strings.Repeat("a", 5000), MaxErrorBytes, true},
		// 3-byte runes do not fall on the cut: it moves back to a boundary.
		{"long, multi-byte", strings.Repeat("世", 2000), MaxErrorBytes - 1, true},
		// Every invalid byte becomes 3 bytes: cleaning happens before the cut.
		{"long, invalid bytes", strings.Repeat("\xff", 600), MaxErrorBytes - 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Result{Status: StatusDown, Error: tt.in}.Clean()
			if len(r.Error) != tt.wantLen || !utf8.ValidString(r.Error) || strings.HasSuffix(r.Error, "…") != tt.cut {
				t.Errorf("Clean gave %d bytes (valid %v), ending %q; want %d bytes, cut %v",
					len(r.Error), utf8.ValidString(r.Error), r.Error[max(0, len(r.Error)-6):], tt.wantLen, tt.cut)
			}
		})
	}
}

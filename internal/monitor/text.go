package monitor

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxErrorBytes bounds a result's error text. A reason is a sentence, but a target can make a
// library quote as much of its answer as it likes (a schema violation quotes the value).
const MaxErrorBytes = 1000

// CleanText makes text that came from a target safe to store, log and send: valid UTF-8 whose
// only control characters are tab and newline. Invalid bytes and other control characters
// (NUL first: PostgreSQL refuses it, and with it the whole batch it came in) each become U+FFFD,
// so the reader sees that something was there.
func CleanText(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s { // an invalid byte comes out as utf8.RuneError
		if isUnwanted(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isClean(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if isUnwanted(r) {
			return false
		}
	}
	return true
}

func isUnwanted(r rune) bool {
	return r != '\t' && r != '\n' && unicode.IsControl(r)
}

// Clean returns the result with its text safe to store (see CleanText) and its error cut to at
// most MaxErrorBytes, on a character boundary, ending in "…" when cut.
func (r Result) Clean() Result {
	r.Error = clip(CleanText(r.Error), MaxErrorBytes)
	return r
}

// clip cuts valid UTF-8 text to at most limit bytes, marking the cut with an ellipsis.
func clip(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	const ellipsis = "…"
	cut := limit - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

package channel

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	// Ellipsis ends a cut text, so readers see it was cut.
	Ellipsis = "…"
	// MaxDetailRunes bounds Response.Detail, which is stored as last_error.
	MaxDetailRunes = 300
)

// Runes counts the characters of s.
func Runes(s string) int { return utf8.RuneCountInString(s) }

// Truncate cuts s to at most limit characters, ending it with "…" when it was cut.
func Truncate(s string, limit int) string {
	if Runes(s) <= limit {
		return s
	}
	if limit <= 0 {
		return ""
	}
	cut, n := 0, 0
	for i := range s {
		if n == limit-1 {
			cut = i
			break
		}
		n++
	}
	return s[:cut] + Ellipsis
}

// TruncateBytes cuts s to at most limit bytes of UTF-8, on a character boundary, ending it
// with "…" when it was cut.
func TruncateBytes(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	if limit < len(Ellipsis) {
		return ""
	}
	cut := limit - len(Ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + Ellipsis
}

// OneLine joins a text's lines and runs of spaces: names and errors are shown on one line.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Clip makes a text fit Response.Detail: one line of valid UTF-8 without NUL (PostgreSQL
// refuses NUL, and a detail that cannot be stored would hold up the outbox), at most
// MaxDetailRunes characters.
func Clip(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "�"), "\x00", "")
	return Truncate(OneLine(s), MaxDetailRunes)
}

const day = 24 * time.Hour

// HumanDuration writes a downtime for people: "45s", "1m 30s", "1h 2m 5s", "3d 4h". Beyond a
// day, minutes and seconds are noise and are dropped.
func HumanDuration(d time.Duration) string {
	if d < time.Second {
		return "0s"
	}
	units := []struct {
		size   time.Duration
		suffix string
	}{{day, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	if d >= day {
		d, units = d.Round(time.Hour), units[:2]
	} else {
		d = d.Round(time.Second)
	}
	var parts []string
	for _, u := range units {
		if n := d / u.size; n > 0 {
			parts = append(parts, strconv.FormatInt(int64(n), 10)+u.suffix)
			d -= n * u.size
		}
	}
	return strings.Join(parts, " ")
}

// CutMarkup cuts an escaped HTML or Slack text to at most limit characters without breaking
// it: never inside a tag (<b>, <url|text>) or an entity (&amp;), and with a <b> it leaves open
// closed again. Telegram refuses a message whose HTML does not parse, so a cut must not
// make one.
func CutMarkup(s string, limit int) string {
	if Runes(s) <= limit {
		return s
	}
	budget := limit - Runes(Ellipsis+"</b>")
	if budget <= 0 {
		return ""
	}
	prefix, n := s, 0
	for i := range s {
		if n == budget {
			prefix = s[:i]
			break
		}
		n++
	}
	if i := strings.LastIndexByte(prefix, '<'); i > strings.LastIndexByte(prefix, '>') {
		prefix = prefix[:i]
	}
	if i := strings.LastIndexByte(prefix, '&'); i > strings.LastIndexByte(prefix, ';') {
		prefix = prefix[:i]
	}
	if strings.Count(prefix, "<b>") > strings.Count(prefix, "</b>") {
		return prefix + Ellipsis + "</b>"
	}
	return prefix + Ellipsis
}

package badge

import (
	"sort"
	"strings"
)

// emWidth is what a character missing from the table counts as: the width of "m", as shields
// guesses. The text's textLength attribute makes the browser fit the text to the measured
// width, so a guess that is off spaces the letters differently but never cuts the text.
const emWidth = 1070

// charWidth is the advance width of r in Verdana 11px, in hundredths of a pixel.
func charWidth(r rune) uint16 {
	i := sort.Search(len(verdana11), func(i int) bool { return rune(verdana11[i][1]) >= r })
	if i < len(verdana11) && rune(verdana11[i][0]) <= r {
		return verdana11[i][2]
	}
	return emWidth
}

// textWidth is how many pixels the text takes in Verdana 11px, rounded up to an odd number as
// shields does (odd widths centre text on the pixel grid).
func textWidth(s string) int {
	// Summed as floating-point numbers in the same order as shields (JavaScript), so that every
	// width, and so every badge, comes out the same to the pixel.
	var w float64
	for _, r := range s {
		w += float64(charWidth(r)) / 100
	}
	px := int(w)
	if px%2 == 0 {
		px++
	}
	return px
}

// clean trims the text as shields does and drops what XML 1.0 cannot hold (control characters,
// U+FFFE and U+FFFF; invalid UTF-8 becomes U+FFFD), so the badge always parses.
func clean(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case r == 0xFFFE, r == 0xFFFF, r == 0x7F:
			return -1
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
			return -1
		}
		return r
	}, s))
}

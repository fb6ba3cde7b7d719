// Package badge draws shields.io-style flat SVG badges ("status | up") for READMEs and pages.
// Its output is byte for byte what shields' badge-maker 6 draws for the same text and colour.
package badge

import (
	"fmt"
	"strconv"
	"strings"
)

// Color is the CSS colour of a badge's message side, "#rgb" or "#rrggbb".
type Color string

// The colours of shields' badge-maker 6, dark enough for white text.
const (
	BrightGreen Color = "#4b0"
	Green       Color = "#67ac09"
	YellowGreen Color = "#95991a"
	Yellow      Color = "#d8b800"
	Orange      Color = "#ea7233"
	Red         Color = "#dd4343"
	Blue        Color = "#007ec6"
	Grey        Color = "#555"
	LightGrey   Color = "#939393"
)

const (
	height       = 20
	horizPadding = 5
	labelColor   = Grey
)

// Render draws a flat badge: label on grey at the left, message on color at the right (only the
// message when label is empty). Widths come from Verdana 11px metrics, so the text always fits;
// the text is XML-escaped, and "label: message" is the badge's title for screen readers. The SVG
// is a document of its own (serve it as image/svg+xml, show it with <img>): its element ids are
// the same in every badge, so two badges inlined in one page would share one clip path.
func Render(label, message string, color Color) []byte {
	label, message = clean(label), clean(message)
	left, leftColor, labelW := 0, color, 0
	if label != "" {
		labelW = textWidth(label)
		left, leftColor = labelW+2*horizPadding, labelColor
	}
	messageW := textWidth(message)
	right := messageW + 2*horizPadding
	messageMargin := left
	if message != "" {
		messageMargin--
	}
	if label == "" {
		messageMargin++
	}
	title := message
	if label != "" {
		title = label + ": " + message
	}
	var b strings.Builder
	fmt.Fprintf(&b, svgHead, left+right, height, esc(title), esc(title),
		left+right, height, left, height, esc(string(leftColor)), left, right, height, esc(string(color)), left+right, height)
	writeText(&b, label, 1, labelW, leftColor)
	writeText(&b, message, messageMargin, messageW, color)
	b.WriteString(`</g></svg>`)
	return []byte(b.String())
}

const svgHead = `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img" aria-label="%s"><title>%s</title>` +
	`<filter id="blur"><feGaussianBlur stdDeviation="16"/></filter>` +
	`<linearGradient id="s" x2="0" y2="100%%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
	`<clipPath id="r"><rect width="%d" height="%d" rx="3"/></clipPath>` +
	`<g clip-path="url(#r)"><rect width="%d" height="%d" fill="%s"/><rect x="%d" width="%d" height="%d" fill="%s"/><rect width="%d" height="%d" fill="url(#s)"/></g>` +
	`<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">`

// writeText draws one side's text with its shadow, at ten times the size and scaled down, as
// shields does for a crisper rendering; textLength makes the browser fit it to the measured width.
func writeText(b *strings.Builder, text string, margin, width int, background Color) {
	if text == "" {
		return
	}
	x := strconv.Itoa(10*margin + 5*width + 10*horizPadding)
	length := strconv.Itoa(10 * width)
	fill, shadow := "", "#010101"
	if brightness(background) > 0.69 {
		fill, shadow = ` fill="#333"`, "#ccc"
	}
	t := esc(text)
	fmt.Fprintf(b, `<g transform="scale(.1)"><g aria-hidden="true" fill="%s">`+
		`<text x="%s" y="150" fill-opacity=".8" filter="url(#blur)" textLength="%s">%s</text>`+
		`<text x="%s" y="150" fill-opacity=".3" textLength="%s">%s</text></g>`+
		`<text x="%s" y="140" textLength="%s"%s>%s</text></g>`,
		shadow, x, length, t, x, length, t, x, length, fill, t)
}

// esc escapes text for XML content and attribute values.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}

// brightness is the perceived brightness of a "#rgb" or "#rrggbb" colour from 0 to 1, rounded
// to hundredths as shields does; 0 for anything else, so unknown colours get white text.
func brightness(c Color) float64 {
	hex := strings.TrimPrefix(string(c), "#")
	if len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if len(hex) != 6 || err != nil {
		return 0
	}
	r, g, bl := float64(v>>16), float64(v>>8&0xff), float64(v&0xff)
	return float64(int((r*299+g*587+bl*114)/2550+0.5)) / 100
}

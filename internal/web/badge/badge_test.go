package badge

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// svgDoc is the part of a badge the tests read back with an XML parser.
type svgDoc struct {
	Width     int    `xml:"width,attr"`
	Height    int    `xml:"height,attr"`
	Role      string `xml:"role,attr"`
	AriaLabel string `xml:"aria-label,attr"`
	Title     string `xml:"title"`
	Rects     []struct {
		Width int    `xml:"width,attr"`
		Fill  string `xml:"fill,attr"`
	} `xml:"g>rect"`
	Texts []struct {
		X          int    `xml:"x,attr"`
		TextLength int    `xml:"textLength,attr"`
		Body       string `xml:",chardata"`
	} `xml:"g>g>text"`
}

func parse(t *testing.T, svg []byte) svgDoc {
	t.Helper()
	var doc svgDoc
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	if err := d.Decode(&doc); err != nil {
		t.Fatalf("not valid XML: %v\n%s", err, svg)
	}
	return doc
}

func ptr[T any](v T) *T { return &v }

// The golden files were drawn by shields' badge-maker 6.0.0 (testdata/reference.mjs says how).
func TestBadgesEqualShieldsBadgeMaker(t *testing.T) {
	tests := []struct {
		golden string
		svg    []byte
	}{
		{"status-up", Status("up")},
		{"uptime-30d", Uptime("30d", ptr(0.9995))},
		{"response", ResponseTime(ptr(123 * time.Millisecond))},
		{"escaped", Render(`a<b&c"d'e>`, "ünïcödé 日本語 ✓ €", Red)},
		{"message-only", Render("", "solo", Blue)},
		{"light", Render("light", "bg", "#eeeeee")},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", tt.golden+".svg"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(tt.svg, want) {
				t.Errorf("got\n%s\nwant\n%s", tt.svg, want)
			}
			parse(t, tt.svg)
		})
	}
}

func TestAStatusBadgeSaysWhatItShows(t *testing.T) {
	doc := parse(t, Status("up"))
	if doc.Title != "status: up" || doc.AriaLabel != "status: up" || doc.Role != "img" || doc.Height != 20 {
		t.Errorf("title %q, aria-label %q, role %q", doc.Title, doc.AriaLabel, doc.Role)
	}
	if len(doc.Rects) != 3 || doc.Rects[0].Fill != string(Grey) || doc.Rects[1].Fill != string(BrightGreen) ||
		doc.Rects[0].Width+doc.Rects[1].Width != doc.Width {
		t.Errorf("rects %+v do not make a %d px badge", doc.Rects, doc.Width)
	}
	if len(doc.Texts) != 2 || doc.Texts[0].Body != "status" || doc.Texts[1].Body != "up" {
		t.Errorf("texts %+v", doc.Texts)
	}
}

func TestWidthsGrowWithTheText(t *testing.T) {
	last := svgDoc{}
	for _, msg := range []string{"i", "ii", "iW", "iWW", "iWW%", "iWW%日", "iWW%日本"} {
		doc := parse(t, Render("label", msg, Green))
		text := doc.Texts[1]
		if doc.Width <= last.Width || text.TextLength <= 10*textWidth(msg)-1 || doc.Rects[1].Width != text.TextLength/10+10 {
			t.Errorf("%q: badge %d px (before %d), text %d/10 px, message side %d px",
				msg, doc.Width, last.Width, text.TextLength, doc.Rects[1].Width)
		}
		if right := doc.Rects[0].Width + doc.Rects[1].Width; text.X/10+text.TextLength/20 > right {
			t.Errorf("%q: the text ends past the badge", msg)
		}
		last = doc
	}
}

// Widths shields' badge-maker computes for the same text (textLength / 10 in its SVG).
func TestTextWidthsAreShields(t *testing.T) {
	for text, want := range map[string]int{"status": 33, "up": 13, "down": 29, "uptime 30d": 63, "99.95%": 43,
		"response": 49, "123 ms": 41, "": 1, "日本語 ✓": 45, "no data": 41, "pending": 45, "paused": 39, "100%": 33} {
		if got := textWidth(text); got != want {
			t.Errorf("textWidth(%q) = %d, want %d", text, got, want)
		}
	}
}

func TestTextIsEscapedAndCleaned(t *testing.T) {
	tests := []struct {
		label, message string
		wantTitle      string
	}{
		{`<&"`, `'>`, `<&": '>`},
		{"  padded  ", "\tx\n", "padded: x"},
		{"bell\x07 nul\x00", "esc\x1b[31m", "bell nul: esc[31m"},
		{"bad \xff utf-8", "\ufffe\uffff", "bad \ufffd utf-8: "},
		{"</title><script>alert(1)</script>", "x", "</title><script>alert(1)</script>: x"},
	}
	for _, tt := range tests {
		svg := Render(tt.label, tt.message, Red)
		doc := parse(t, svg)
		if doc.Title != tt.wantTitle || doc.AriaLabel != tt.wantTitle {
			t.Errorf("Render(%q, %q): title %q, aria-label %q; want %q", tt.label, tt.message, doc.Title, doc.AriaLabel, tt.wantTitle)
		}
		if bytes.Contains(svg, []byte("<script")) {
			t.Errorf("unescaped markup in %s", svg)
		}
	}
}

func TestAColorCannotBreakOutOfItsAttribute(t *testing.T) {
	svg := Render("a", "b", `"/><script>alert(1)</script><rect fill="`)
	parse(t, svg)
	if bytes.Contains(svg, []byte("<script")) {
		t.Errorf("unescaped markup in %s", svg)
	}
}

func TestStatusColors(t *testing.T) {
	for status, want := range map[string]Color{"up": BrightGreen, "down": Red, "pending": Blue, "paused": LightGrey, "weird": LightGrey} {
		if got := StatusColor(status); got != want {
			t.Errorf("StatusColor(%q) = %s, want %s", status, got, want)
		}
		if doc := parse(t, Status(status)); doc.Texts[1].Body != status || doc.Rects[1].Fill != string(want) {
			t.Errorf("Status(%q) draws %q on %s", status, doc.Texts[1].Body, doc.Rects[1].Fill)
		}
	}
}

func TestUptimeIsNeverRoundedUpTo100(t *testing.T) {
	tests := []struct {
		uptime *float64
		text   string
		color  Color
	}{
		{nil, "no data", LightGrey},
		{ptr(1.0), "100%", BrightGreen},
		{ptr(0.99999), "99.99%", BrightGreen},
		{ptr(1 - 1e-12), "99.99%", BrightGreen},
		{ptr(0.9995), "99.95%", BrightGreen},
		{ptr(0.999), "99.90%", BrightGreen},
		{ptr(0.99306), "99.30%", Green},
		{ptr(0.975), "97.50%", YellowGreen},
		{ptr(0.95), "95.00%", Yellow},
		{ptr(0.9), "90.00%", Orange},
		{ptr(0.75), "75.00%", Red},
		{ptr(0.0), "0.00%", Red},
	}
	for _, tt := range tests {
		if got := FormatUptime(tt.uptime); got != tt.text {
			t.Errorf("FormatUptime(%v) = %q, want %q", deref(tt.uptime), got, tt.text)
		}
		if got := UptimeColor(tt.uptime); got != tt.color {
			t.Errorf("UptimeColor(%v) = %s, want %s", deref(tt.uptime), got, tt.color)
		}
	}
	if doc := parse(t, Uptime("7d", nil)); doc.Title != "uptime 7d: no data" {
		t.Errorf("no-data uptime badge says %q", doc.Title)
	}
}

func deref(f *float64) string {
	if f == nil {
		return "nil"
	}
	return strconv.FormatFloat(*f, 'g', -1, 64)
}

func TestResponseTimeBadges(t *testing.T) {
	tests := []struct {
		d     *time.Duration
		title string
		color Color
	}{
		{nil, "response: no data", LightGrey},
		{ptr(123*time.Millisecond + 600*time.Microsecond), "response: 124 ms", BrightGreen},
		{ptr(450 * time.Millisecond), "response: 450 ms", Green},
		{ptr(2 * time.Second), "response: 2000 ms", Yellow},
		{ptr(9 * time.Second), "response: 9000 ms", Orange},
		{ptr(12 * time.Second), "response: 12000 ms", Red},
	}
	for _, tt := range tests {
		doc := parse(t, ResponseTime(tt.d))
		if doc.Title != tt.title || doc.Rects[1].Fill != string(tt.color) {
			t.Errorf("got %q on %s, want %q on %s", doc.Title, doc.Rects[1].Fill, tt.title, tt.color)
		}
	}
}

func TestEveryTableCharacterIsMeasured(t *testing.T) {
	for i, r := range verdana11 {
		if r[0] > r[1] || i > 0 && r[0] <= verdana11[i-1][1] {
			t.Fatalf("table entry %d %v out of order", i, r)
		}
		if got := charWidth(rune(r[0])); got != r[2] {
			t.Errorf("charWidth(%U) = %d, want %d", r[0], got, r[2])
		}
	}
	if charWidth(0xE000) != emWidth || charWidth(0x1F600) != emWidth || charWidth('中') != 1100 {
		t.Error("characters outside the table are not measured as a wide letter")
	}
	if !strings.Contains(string(Render("x", "y", Green)), `textLength="`) {
		t.Error("no textLength: browsers with another font could cut the text")
	}
}

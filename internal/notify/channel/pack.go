package channel

import (
	"strconv"
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Layout says how a text channel type writes alerts and how much one message holds, for
// PackTexts.
type Layout struct {
	// Card writes one alert in full; Line writes the alerts of one site as one summary line.
	Card func(a monitor.Alert) string
	Line func(alerts []monitor.Alert) string
	// Size measures a text as the type's limit counts it (Runes, or len for bytes).
	Size func(string) int
	// Cut shortens a text to a size, as Size measures it (Truncate, or TruncateBytes).
	Cut func(s string, size int) string
	// Budget is what the texts of one message may take together, separators included, after
	// the room the type keeps for its title; Sep goes between two texts.
	Budget int
	Sep    string
	// MaxTexts bounds the texts of one message (a Slack message's blocks); 0: no bound.
	MaxTexts int
	// MaxCards bounds the cards of one message, and CardMessages the messages of cards: the
	// rest of a storm is summed up a line per site, so a storm is a few messages, not a flood.
	MaxCards     int
	CardMessages int
	// LineSize bounds one summary line, so one site cannot take the room of many.
	LineSize int
}

// Part is one message of PackTexts: its texts and the alerts it carries (indexes).
type Part struct {
	Texts   []string
	Alerts  []int
	Summary bool // lines of a summary, not cards
}

// PackTexts turns alerts into as few messages as the layout allows. The alerts of a site stay
// together and in order (a down and its recovery arrive in one message), sites keep the order
// of their first alert, every site is named, and every text fits: too long, it is cut.
func PackTexts(alerts []monitor.Alert, l Layout) []Part {
	if len(alerts) == 0 {
		return nil
	}
	sites := SiteGroups(alerts)
	if l.CardMessages == 0 {
		return summaryParts(alerts, sites, l)
	}
	var parts []Part
	p := packer{l: l}
	for i, site := range sites {
		cards := make([]string, len(site))
		for j, a := range site {
			cards[j] = l.Cut(l.Card(alerts[a]), l.Budget)
		}
		if !p.fitsAll(cards, l.MaxCards) {
			parts = append(parts, p.close())
			if len(parts) == l.CardMessages {
				return append(parts, summaryParts(alerts, sites[i:], l)...)
			}
		}
		// A site with more cards than a message holds is cut into consecutive messages:
		// keeping it whole cannot be done, and its order is what matters to the reader.
		for j, card := range cards {
			if !p.fits(card, l.MaxCards) {
				parts = append(parts, p.close())
			}
			p.add(card, site[j])
		}
	}
	return append(parts, p.close())
}

// SiteGroups gathers the indexes of each site's alerts, sites in the order of their first.
func SiteGroups(alerts []monitor.Alert) [][]int {
	var order []int64
	bySite := make(map[int64][]int)
	for i, a := range alerts {
		if _, seen := bySite[a.SiteID]; !seen {
			order = append(order, a.SiteID)
		}
		bySite[a.SiteID] = append(bySite[a.SiteID], i)
	}
	groups := make([][]int, len(order))
	for i, site := range order {
		groups[i] = bySite[site]
	}
	return groups
}

func summaryParts(alerts []monitor.Alert, sites [][]int, l Layout) []Part {
	var parts []Part
	p := packer{l: l}
	for _, site := range sites {
		group := make([]monitor.Alert, len(site))
		for i, a := range site {
			group[i] = alerts[a]
		}
		line := l.Cut(l.Line(group), min(l.LineSize, l.Budget))
		if !p.fits(line, 0) {
			parts = append(parts, p.close())
		}
		p.add(line, site...)
	}
	parts = append(parts, p.close())
	for i := range parts {
		parts[i].Summary = true
	}
	return parts
}

// packer fills one message with texts.
type packer struct {
	l    Layout
	part Part
	size int
}

func (p *packer) fits(text string, maxTexts int) bool {
	n := len(p.part.Texts)
	if n == 0 {
		return true
	}
	limit := p.l.MaxTexts
	if maxTexts > 0 && (limit == 0 || maxTexts < limit) {
		limit = maxTexts
	}
	return (limit == 0 || n < limit) && p.size+p.l.Size(p.l.Sep)+p.l.Size(text) <= p.l.Budget
}

// fitsAll says whether the texts fit in the message together.
func (p *packer) fitsAll(texts []string, maxTexts int) bool {
	trial := *p
	trial.part.Texts = append([]string(nil), p.part.Texts...)
	for _, t := range texts {
		if !trial.fits(t, maxTexts) {
			return false
		}
		trial.add(t)
	}
	return true
}

func (p *packer) add(text string, alerts ...int) {
	if len(p.part.Texts) > 0 {
		p.size += p.l.Size(p.l.Sep)
	}
	p.part.Texts = append(p.part.Texts, text)
	p.part.Alerts = append(p.part.Alerts, alerts...)
	p.size += p.l.Size(text)
}

func (p *packer) close() Part {
	part := p.part
	p.part, p.size = Part{}, 0
	return part
}

// SummaryTitle reads like "37 alerts: 35 down, 2 recovered", with " (1/3)" when a summary takes
// several messages (n of parts).
func SummaryTitle(ks []monitor.AlertKind, n, parts int) string {
	counts := make(map[monitor.AlertKind]int)
	for _, k := range ks {
		counts[k]++
	}
	var words []string
	known := 0
	for _, k := range SummaryOrder() {
		if c := counts[k]; c > 0 {
			words = append(words, strconv.Itoa(c)+" "+Describe(k).Label)
			known += c
		}
	}
	if other := len(ks) - known; other > 0 {
		words = append(words, strconv.Itoa(other)+" other")
	}
	noun := "alerts"
	if len(ks) == 1 {
		noun = "alert"
	}
	title := strconv.Itoa(len(ks)) + " " + noun + ": " + strings.Join(words, ", ")
	if parts > 1 {
		title += " (" + strconv.Itoa(n) + "/" + strconv.Itoa(parts) + ")"
	}
	return title
}

// KindsOf lists the kinds of the alerts at the indexes.
func KindsOf(alerts []monitor.Alert, indexes []int) []monitor.AlertKind {
	ks := make([]monitor.AlertKind, len(indexes))
	for i, a := range indexes {
		ks[i] = alerts[a].Kind
	}
	return ks
}

// AlertsOf lists the alerts of notifications.
func AlertsOf(ns []monitor.Notification) []monitor.Alert {
	alerts := make([]monitor.Alert, len(ns))
	for i, n := range ns {
		alerts[i] = n.Alert
	}
	return alerts
}

// SiteLine is the usual summary line of one site's alerts, for text formats: its icon and
// name, then what happened, each alert after the first in a few words: "🔴 shop — timeout
// after 10s · 🟢 recovered after 5m". name writes the (cut) name in the format, esc escapes
// user text.
func SiteLine(alerts []monitor.Alert, name, esc func(string) string, reasonRunes int) string {
	first := alerts[0]
	line := Describe(first.Kind).Icon + " " + name(Truncate(Subject(first), 60)) + Happened(first, esc, reasonRunes)
	for _, a := range alerts[1:] {
		what := strings.TrimPrefix(Happened(a, esc, min(reasonRunes, 40)), " ")
		if a.Kind == monitor.AlertDown {
			what = "down " + what
		}
		line += " · " + Describe(a.Kind).Icon + " " + what
	}
	return line
}

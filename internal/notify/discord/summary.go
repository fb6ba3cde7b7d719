package discord

import (
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

const (
	// maxSummaryLineRunes keeps one site from taking the room of many in a summary, and bounds
	// how many summary messages a storm takes (see minSummaryLinesPerMessage).
	maxSummaryLineRunes = 140
	// summaryLinesRunes is what the lines of one summary message may take: the 6000 runes of
	// all the embeds of a message, less the title and the footer it carries once.
	summaryLinesRunes = MaxEmbedsTotalRunes - MaxTitleRunes - len(footerText)
	// minSummaryLinesPerMessage is how many site lines a summary message holds at least. A line
	// takes at most maxSummaryLineRunes and a newline; an embed's description (4096) ends with
	// less than a line unused, and so does the message: 5738/141 - 2 = 38.
	minSummaryLinesPerMessage = summaryLinesRunes/(maxSummaryLineRunes+1) - 2
)

// siteLine is one site's line in a summary and the alerts it tells of.
type siteLine struct {
	text   string
	alerts []int
}

// summaryBatches sums up the alerts of a storm that did not get cards of their own: a line per
// site, every site named, in as many messages as Discord's limits need (at most one per
// minSummaryLinesPerMessage sites). Sites keep the order of their first alert.
func summaryBatches(alerts []monitor.Alert, indexes []int) []Batch {
	var order []int64
	bySite := make(map[int64][]int)
	for _, i := range indexes {
		id := alerts[i].SiteID
		if _, seen := bySite[id]; !seen {
			order = append(order, id)
		}
		bySite[id] = append(bySite[id], i)
	}
	var packer summaryPacker
	for _, id := range order {
		packer.add(siteLine{text: siteSummaryLine(alerts, bySite[id]), alerts: bySite[id]})
	}
	parts := packer.finish()
	batches := make([]Batch, len(parts))
	for i, p := range parts {
		batches[i] = summaryMessage(alerts, p, i+1, len(parts))
	}
	return batches
}

// summaryPart is one summary message: the descriptions of its embeds and the alerts it holds.
type summaryPart struct {
	descriptions []string
	alerts       []int
}

// summaryPacker fills summary messages with site lines, embed after embed, within Discord's
// limits on a description and on all the embeds of a message.
type summaryPacker struct {
	parts []summaryPart
	part  summaryPart
	lines []string // of the embed being filled
	runes int      // of the embed being filled, newlines included
	used  int      // of the message being filled, newlines included
}

func (p *summaryPacker) add(l siteLine) {
	n := runes(l.text)
	if len(p.lines) > 0 && p.runes+1+n > MaxDescriptionRunes {
		p.closeEmbed()
	}
	if len(p.lines) > 0 {
		n++ // the newline before it
	}
	if p.used+n > summaryLinesRunes || len(p.lines) == 0 && len(p.part.descriptions) == MaxEmbedsPerMessage {
		p.closeMessage()
		n = runes(l.text)
	}
	p.lines = append(p.lines, l.text)
	p.runes += n
	p.used += n
	p.part.alerts = append(p.part.alerts, l.alerts...)
}

func (p *summaryPacker) closeEmbed() {
	if len(p.lines) > 0 {
		p.part.descriptions = append(p.part.descriptions, strings.Join(p.lines, "\n"))
	}
	p.lines, p.runes = nil, 0
}

func (p *summaryPacker) closeMessage() {
	p.closeEmbed()
	if len(p.part.descriptions) > 0 {
		p.parts = append(p.parts, p.part)
	}
	p.part, p.used = summaryPart{}, 0
}

func (p *summaryPacker) finish() []summaryPart {
	p.closeMessage()
	return p.parts
}

// summaryMessage is part n of a summary of parts: its first embed's title counts the alerts the
// message holds, and its last embed has the footer and the time of the latest of them.
func summaryMessage(alerts []monitor.Alert, p summaryPart, n, parts int) Batch {
	var latest time.Time
	counts := make(map[monitor.AlertKind]int)
	for _, i := range p.alerts {
		counts[alerts[i].Kind]++
		if alerts[i].At.After(latest) {
			latest = alerts[i].At
		}
	}
	// The color is the worst news of the message: green would hide an expiring certificate.
	color := severityColor(max(channel.Good, channel.Worst(alerts, p.alerts)))
	embeds := make([]Embed, len(p.descriptions))
	for i, d := range p.descriptions {
		embeds[i] = Embed{Description: d, Color: color}
	}
	title := summaryTitle(len(p.alerts), counts)
	if parts > 1 {
		title += " (" + strconv.Itoa(n) + "/" + strconv.Itoa(parts) + ")"
	}
	embeds[0].Title = truncate(title, MaxTitleRunes)
	last := &embeds[len(embeds)-1]
	last.Footer = &Footer{Text: footerText}
	if !latest.IsZero() {
		last.Timestamp = latest.UTC().Format(time.RFC3339)
	}
	return Batch{Message: newMessage(embeds...), Alerts: p.alerts}
}

// summaryTitle reads like "37 more alerts: 35 down, 1 slow, 1 recovered".
func summaryTitle(total int, counts map[monitor.AlertKind]int) string {
	var parts []string
	known := 0
	for _, k := range channel.SummaryOrder() {
		if n := counts[k]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+channel.Describe(k).Label)
			known += n
		}
	}
	if other := total - known; other > 0 {
		parts = append(parts, strconv.Itoa(other)+" other")
	}
	noun := "alerts"
	if total == 1 {
		noun = "alert"
	}
	return strconv.Itoa(total) + " more " + noun + ": " + strings.Join(parts, ", ")
}

package discord

import "github.com/tocsin/tocsin/internal/monitor"

// maxEmbedMessages bounds the messages of alert cards one Pack sends. In a storm (many sites
// down at once, or a backlog after Discord was unreachable) the rest is summed up a line per
// site, rather than flooding the channel and the webhook's rate limit with cards.
const maxEmbedMessages = 2

// Batch is one message and the alerts it carries, as indexes into Pack's input, so the
// caller can mark exactly those delivered when Discord accepts it.
type Batch struct {
	Message Message
	Alerts  []int
}

// Pack turns the alerts due for one webhook into as few messages as Discord allows. The
// alerts of a site stay together and in order (a down and its recovery arrive in one
// message); sites keep the order of their first alert. Every message passes Validate, and
// every site is named: by a card, or by a line of a summary.
//
// Alerts of S sites make at most maxEmbedMessages + ⌈S / minSummaryLinesPerMessage⌉ messages,
// that is 2 + ⌈S / 38⌉: 10 for 300 sites, 29 for 1,000 (lines of usual length fit twice as
// many to a message).
func Pack(alerts []monitor.Alert) []Batch {
	if len(alerts) == 0 {
		return nil
	}
	groups := siteGroups(alerts)
	var batches []Batch
	var current embedGroup
	for i, g := range groups {
		if len(current.alerts) > 0 && !current.fits(g) {
			batches = append(batches, current.batch())
			current = embedGroup{}
			if len(batches) == maxEmbedMessages {
				return append(batches, summaryBatches(alerts, indexesOf(groups[i:]))...)
			}
		}
		current.merge(g)
	}
	return append(batches, current.batch())
}

// embedGroup is alert cards that go out together, with what they count against the limits.
type embedGroup struct {
	alerts []int
	embeds []Embed
	runes  int
}

func (g *embedGroup) fits(other embedGroup) bool {
	return len(g.embeds)+len(other.embeds) <= MaxEmbedsPerMessage && g.runes+other.runes <= MaxEmbedsTotalRunes
}

func (g *embedGroup) merge(other embedGroup) {
	g.alerts = append(g.alerts, other.alerts...)
	g.embeds = append(g.embeds, other.embeds...)
	g.runes += other.runes
}

func (g *embedGroup) batch() Batch {
	return Batch{Message: newMessage(g.embeds...), Alerts: g.alerts}
}

// siteGroups gathers the cards of each site, sites in the order of their first alert. A site
// with more cards than one message holds is cut into consecutive parts: keeping it whole
// cannot be done, and its order is what matters to the reader.
func siteGroups(alerts []monitor.Alert) []embedGroup {
	var order []int64
	bySite := make(map[int64][]int)
	for i, a := range alerts {
		if _, seen := bySite[a.SiteID]; !seen {
			order = append(order, a.SiteID)
		}
		bySite[a.SiteID] = append(bySite[a.SiteID], i)
	}
	var groups []embedGroup
	for _, site := range order {
		groups = append(groups, partsThatFit(alerts, bySite[site])...)
	}
	return groups
}

// partsThatFit makes the cards of the given alerts, in as few parts as the limits allow.
func partsThatFit(alerts []monitor.Alert, indexes []int) []embedGroup {
	var parts []embedGroup
	var part embedGroup
	for _, i := range indexes {
		e := AlertEmbed(alerts[i])
		card := embedGroup{alerts: []int{i}, embeds: []Embed{e}, runes: embedRunes(e)}
		if len(part.alerts) > 0 && !part.fits(card) {
			parts = append(parts, part)
			part = embedGroup{}
		}
		part.merge(card)
	}
	return append(parts, part)
}

func indexesOf(groups []embedGroup) []int {
	var indexes []int
	for _, g := range groups {
		indexes = append(indexes, g.alerts...)
	}
	return indexes
}

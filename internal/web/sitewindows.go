package web

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// The site page's windows: the chart shows one (24 h by default, check by check; longer ones
// summed up per bucket), and the uptime figures are shown for each.

type window struct {
	Name   string // as in ?window=
	Label  string
	Span   time.Duration
	Bucket time.Duration // 0: every check
}

func windows() []window {
	return []window{
		{"24h", "24 h", 24 * time.Hour, 0},
		{"7d", "7 d", 7 * 24 * time.Hour, 10 * time.Minute},
		{"30d", "30 d", 30 * 24 * time.Hour, time.Hour},
		{"90d", "90 d", 90 * 24 * time.Hour, 3 * time.Hour},
	}
}

// maxChartChecks bounds the checks the 24 h chart draws one by one: a site checked every 10 s
// has 8,640 a day; the newest are drawn.
const maxChartChecks = 1500

const maxIncidents = 10

func parseWindow(v url.Values) (window, error) {
	name := v.Get("window")
	if name == "" {
		return windows()[0], nil
	}
	for _, w := range windows() {
		if w.Name == name {
			return w, nil
		}
	}
	return window{}, &badInput{"window", "window must be 24h, 7d, 30d or 90d"}
}

// windowLink is one of the chart's window choices.
type windowLink struct {
	Label   string
	Href    string
	Current bool
}

// uptimeView is a site's uptime over one window.
type uptimeView struct {
	Label     string
	Uptime    string
	Incidents int
	Down      string // how long it was down
}

type incidentRow struct {
	Started  moment
	Ended    moment
	Ongoing  bool
	Duration string
	Error    string
}

// siteTrend is what the page shows of the site's past beyond its latest checks.
type siteTrend struct {
	Window    window
	Windows   []windowLink
	Uptime    []uptimeView
	Incidents []incidentRow
}

// readChart reads the chart's data for the window: checks one by one for 24 h, buckets beyond.
// It also returns the checks it read (newest first), nil for a bucketed window.
func (h *Handler) readChart(ctx context.Context, site monitor.Site, w window) (chartData, []monitor.Check, error) {
	end := h.now().UTC()
	if w.Bucket == 0 {
		checks, err := h.store.History(ctx, site.OwnerID, site.ID, store.HistoryQuery{From: end.Add(-w.Span), Limit: maxChartChecks})
		if err != nil {
			return chartData{}, nil, err
		}
		return newChartData(checks), checks, nil
	}
	from := end.Add(-w.Span).Truncate(w.Bucket)
	buckets, err := h.store.CheckBuckets(ctx, site.OwnerID, []int64{site.ID}, from, end.Add(time.Second), w.Bucket)
	if err != nil {
		return chartData{}, nil, err
	}
	return bucketChart(buckets[site.ID], w), nil, nil
}

// bucketChart draws the mean response time per bucket, and a failure mark on buckets with a
// failed check; a bucket has no phases.
func bucketChart(buckets []store.CheckBucket, w window) chartData {
	n := len(buckets)
	d := chartData{T: make([]int64, n), Passed: make([]*float64, n), Failed: make([]*float64, n),
		DNS: make([]*float64, n), Connect: make([]*float64, n), TLS: make([]*float64, n),
		Server: make([]*float64, n), Transfer: make([]*float64, n)}
	checks, failed := 0, 0
	var slowest int64
	for i, b := range buckets {
		avg := b.AvgMS
		d.T[i] = b.At.Unix()
		d.Passed[i] = &avg
		if b.Failed > 0 {
			d.Failed[i] = &avg
		}
		checks += b.Checks
		failed += b.Failed
		slowest = max(slowest, b.MaxMS)
	}
	if checks == 0 {
		d.Summary = "No checks in the last " + w.Label + "."
		return d
	}
	d.Summary = fmt.Sprintf("The mean response time per %s over the last %s: %d checks, the slowest %d ms", humanDuration(w.Bucket), w.Label, checks, slowest)
	if failed > 0 {
		d.Summary += fmt.Sprintf("; %d failed", failed)
	}
	d.Summary += "."
	return d
}

// readTrend reads the site's uptime for every window and its recent incidents, from its
// status events.
func (h *Handler) readTrend(ctx context.Context, site monitor.Site, current window, path string) (siteTrend, error) {
	t := siteTrend{Window: current}
	for _, w := range windows() {
		href := path
		if w.Name != windows()[0].Name {
			href += "?window=" + w.Name
		}
		t.Windows = append(t.Windows, windowLink{Label: w.Label, Href: href, Current: w.Name == current.Name})
	}
	end := h.now().UTC()
	longest := windows()[len(windows())-1].Span
	events, err := h.store.EventsSince(ctx, site.OwnerID, []int64{site.ID}, end.Add(-longest))
	if err != nil {
		return t, err
	}
	hist := monitor.NewHistory(events[site.ID], nil)
	for _, w := range windows() {
		from := end.Add(-w.Span)
		if site.CreatedAt.After(from) {
			from = site.CreatedAt
		}
		f := hist.Figures(from, end)
		u := uptimeView{Label: w.Label, Uptime: uptimeText(f), Incidents: f.Incidents}
		if f.Down > 0 {
			u.Down = humanDuration(f.Down)
		}
		t.Uptime = append(t.Uptime, u)
	}
	incidents := slices.Clone(hist.Incidents)
	slices.Reverse(incidents)
	for _, inc := range incidents[:min(maxIncidents, len(incidents))] {
		row := incidentRow{Started: h.moment(inc.StartedAt), Ended: h.momentOf(inc.EndedAt), Ongoing: inc.Ongoing(),
			Duration: humanDuration(inc.Duration(end)), Error: inc.Error}
		t.Incidents = append(t.Incidents, row)
	}
	return t, nil
}

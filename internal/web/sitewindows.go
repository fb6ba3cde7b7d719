package web

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// The site page's windows: the chart shows one (24 h by default, check by check; longer ones
// summed up per bucket), and the uptime figures are shown for each.

type window struct {
	Name  string // as in ?window=
	Label string
	Span  time.Duration
	Step  store.StatsStep // "": every check
}

func windows() []window {
	return []window{
		{"24h", "24 h", 24 * time.Hour, ""},
		{"7d", "7 d", 7 * 24 * time.Hour, store.StepHour},
		{"30d", "30 d", 30 * 24 * time.Hour, store.StepHour},
		{"90d", "90 d", 90 * 24 * time.Hour, store.StepDay},
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

// readChart reads the chart's data for the window: checks one by one for 24 h, the hourly or
// daily rollups beyond. It also returns the checks it read (newest first), nil for a window
// of rollups.
func (h *Handler) readChart(ctx context.Context, site monitor.Site, w window) (chartData, []monitor.Check, error) {
	end := h.now().UTC()
	if w.Step == "" {
		checks, err := h.store.History(ctx, site.OwnerID, site.ID, store.HistoryQuery{From: end.Add(-w.Span), Limit: maxChartChecks})
		if err != nil {
			return chartData{}, nil, err
		}
		return newChartData(checks), checks, nil
	}
	points, err := h.store.Stats(ctx, site.OwnerID, site.ID, store.StatsQuery{From: end.Add(-w.Span), To: end, Step: w.Step})
	if err != nil {
		return chartData{}, nil, err
	}
	return rollupChart(points, w), nil, nil
}

// rollupChart draws the mean response time of the passing checks per hour or day, and a
// failure mark on periods with a failed check; a rollup has no phases.
func rollupChart(points []store.StatsPoint, w window) chartData {
	n := len(points)
	d := chartData{T: make([]int64, n), Passed: make([]*float64, n), Failed: make([]*float64, n),
		DNS: make([]*float64, n), Connect: make([]*float64, n), TLS: make([]*float64, n),
		Server: make([]*float64, n), Transfer: make([]*float64, n)}
	var (
		checks, failed int64
		slowest        time.Duration
	)
	for i, p := range points {
		d.T[i] = p.At.Unix()
		if p.Hist.Count() > 0 {
			d.Passed[i] = ms(p.Hist.Mean())
			slowest = max(slowest, p.Hist.Max())
		}
		if p.Failures > 0 {
			zero := 0.0
			d.Failed[i] = &zero
		}
		checks += p.Checks
		failed += p.Failures
	}
	if checks == 0 {
		d.Summary = "No checks in the last " + w.Label + "."
		return d
	}
	per := "hour"
	if w.Step == store.StepDay {
		per = "day"
	}
	d.Summary = fmt.Sprintf("The mean response time per %s over the last %s: %d checks", per, w.Label, checks)
	if slowest > 0 {
		d.Summary += fmt.Sprintf(", the slowest %d ms", slowest.Milliseconds())
	}
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
	var periods []monitor.Period
	for _, w := range windows() {
		periods = append(periods, monitor.Period{From: end.Add(-w.Span), To: end})
	}
	figures, err := h.store.SiteUptime(ctx, site.OwnerID, site.ID, periods)
	if err != nil {
		return t, err
	}
	for i, w := range windows() {
		f := figures[i]
		u := uptimeView{Label: w.Label, Uptime: uptimeText(f), Incidents: f.Incidents}
		if f.Down > 0 {
			u.Down = humanDuration(f.Down)
		}
		t.Uptime = append(t.Uptime, u)
	}
	incidents, err := h.store.Incidents(ctx, site.OwnerID, site.ID, store.HistoryQuery{Limit: maxIncidents})
	if err != nil {
		return t, err
	}
	for _, inc := range incidents {
		t.Incidents = append(t.Incidents, incidentRow{Started: h.moment(inc.StartedAt), Ended: h.momentOf(inc.EndedAt),
			Ongoing: inc.Ongoing(), Duration: humanDuration(inc.Duration(end)), Error: inc.Error})
	}
	return t, nil
}

package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const (
	// tableChecks is how many of them the table lists, with their phase timings.
	tableChecks = 25
	pageEvents  = 20
)

type siteFacts struct {
	ID           int64
	Name         string
	Target       string
	Badge        badge
	Since        moment
	LastChecked  moment
	NextCheck    moment
	Interval     string
	ResponseTime string
	StatusCode   string
	LastError    string
	Paused       bool
	Cert         *certFacts
	Latency      *latencyFacts
	// Maintenance names the maintenance windows covering the site now: its outage alerts
	// are held. Empty when none does.
	Maintenance string
}

type certFacts struct {
	Expires  moment
	DaysLeft int
	// Soon is within the first certificate alert's reach (14 days), or expired.
	Soon bool
}

type latencyFacts struct {
	Badge    badge
	Baseline string
}

type checkRow struct {
	At           moment
	Badge        badge
	StatusCode   string
	ResponseTime string
	Timings      *phases
	Error        string
}

// phases are a check's timings in milliseconds, one decimal.
type phases struct{ DNS, Connect, TLS, Server, Transfer string }

type eventRow struct {
	At       moment
	Latency  bool // a latency change rather than a status change
	From, To badge
	Reason   string
}

type sitePage struct {
	layout
	Site   siteFacts
	Chart  chartData
	Checks []checkRow // the most recent, newest first
	Events []eventRow
	// Done says what the action that led here did.
	Done  string
	Live  liveView
	Trend siteTrend
}

func (h *Handler) sitePage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "a site")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	site, err := h.store.Site(r.Context(), owner(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	win, err := parseWindow(r.URL.Query())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	chart, checks, err := h.readChart(r.Context(), site, win)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if checks == nil {
		// A long window's chart is summed up: the table still lists the latest checks.
		if checks, err = h.store.History(r.Context(), owner(r), id, store.HistoryQuery{Limit: tableChecks}); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	trend, err := h.readTrend(r.Context(), site, win, siteHref(site.ID))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	events, err := h.store.Events(r.Context(), owner(r), id, store.HistoryQuery{Limit: pageEvents})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	windows, err := h.store.ListMaintenance(r.Context(), owner(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The tab's title says how many sites are down here too (the digest the live streams share).
	digest, err := h.digests.get(r.Context(), h.store, owner(r), h.livePoll/2)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	title := site.Name
	if digest.Down > 0 {
		title = fmt.Sprintf("%s · %d down", site.Name, digest.Down)
	}
	p := sitePage{layout: h.layout(title, "overview"), Site: h.siteFacts(site), Chart: chart, Trend: trend,
		Done: doneMessage(r.URL.Query().Get("done")),
		Live: liveView{Stream: "/app/live?site=" + strconv.FormatInt(site.ID, 10), Key: siteKey(site, digest.Down)}}
	p.Site.Maintenance = strings.Join(monitor.NewMaintenanceCalendar(windows).Titles(site, h.now()), ", ")
	for _, c := range checks[:min(tableChecks, len(checks))] {
		p.Checks = append(p.Checks, h.checkRow(c))
	}
	for _, e := range events {
		p.Events = append(p.Events, h.eventRow(e))
	}
	h.render(w, http.StatusOK, "site", p)
}

func (h *Handler) siteFacts(s monitor.Site) siteFacts {
	f := siteFacts{ID: s.ID, Name: s.Name, Target: target(s), Badge: siteBadge(s),
		LastChecked: h.momentOf(s.LastChecked), Interval: every(s.CheckIntervalSeconds),
		ResponseTime: milliseconds(s.ResponseTimeMS), LastError: s.LastError, Paused: s.Paused}
	f.Since = h.moment(s.CreatedAt)
	if s.LastStatusChange != nil {
		f.Since = h.moment(*s.LastStatusChange)
	}
	if !s.Paused {
		f.NextCheck = h.moment(s.NextCheckAt)
		if !s.NextCheckAt.After(h.now()) {
			f.NextCheck.Rel = "due now"
		}
	}
	if s.StatusCode != 0 {
		f.StatusCode = strconv.Itoa(s.StatusCode)
	}
	if s.Kind == monitor.KindPush {
		f.Target = "push heartbeat to /push/" + s.PushToken
	}
	if exp := s.CertExpiresAt; exp != nil {
		// The days left are counted as the certificate alerts count them.
		_, days, _ := monitor.CertAlert(*exp, h.now(), 0)
		f.Cert = &certFacts{Expires: h.moment(*exp), DaysLeft: days, Soon: days <= slices.Max(monitor.CertExpiryThresholds())}
	}
	if len(s.Latency.Window) > 0 {
		b := latencyBadge(s.Latency.Level())
		baseline := s.Latency.BaselineMS()
		f.Latency = &latencyFacts{Badge: b, Baseline: milliseconds(&baseline)}
	}
	return f
}

func (h *Handler) checkRow(c monitor.Check) checkRow {
	rt := c.ResponseTimeMS()
	row := checkRow{At: h.moment(c.CheckedAt), Badge: statusBadge(c.Status), ResponseTime: milliseconds(&rt), Error: c.Error}
	if c.StatusCode != 0 {
		row.StatusCode = strconv.Itoa(c.StatusCode)
	}
	if t := c.Timings; t != nil {
		row.Timings = &phases{phase(t.DNS), phase(t.Connect), phase(t.TLS), phase(t.ServerProcessing), phase(t.Transfer)}
	}
	return row
}

func (h *Handler) eventRow(e monitor.Event) eventRow {
	row := eventRow{At: h.moment(e.At), Reason: e.Reason}
	if e.Kind == monitor.EventLatency {
		row.Latency, row.From, row.To = true, latencyBadge(monitor.LatencyLevel(e.From)), latencyBadge(monitor.LatencyLevel(e.To))
		return row
	}
	if e.Kind == monitor.EventFlapping {
		row.From, row.To = flapBadge(e.From), flapBadge(e.To)
		return row
	}
	row.From, row.To = statusBadge(monitor.Status(e.From)), statusBadge(monitor.Status(e.To))
	return row
}

// chartData feeds the response-time chart, oldest first, in uPlot's column layout: times in
// Unix seconds and one array per series, null where a check has no value.
type chartData struct {
	T        []int64    `json:"t"`
	Passed   []*float64 `json:"passed"` // response time of passing checks
	Failed   []*float64 `json:"failed"` // how long failing checks took
	DNS      []*float64 `json:"dns"`
	Connect  []*float64 `json:"connect"`
	TLS      []*float64 `json:"tls"`
	Server   []*float64 `json:"server"`
	Transfer []*float64 `json:"transfer"`
	// Summary says in words what the chart draws, for readers without JavaScript or sight.
	Summary string `json:"-"`
}

func newChartData(newestFirst []monitor.Check) chartData {
	n := len(newestFirst)
	d := chartData{T: make([]int64, n), Passed: make([]*float64, n), Failed: make([]*float64, n),
		DNS: make([]*float64, n), Connect: make([]*float64, n), TLS: make([]*float64, n),
		Server: make([]*float64, n), Transfer: make([]*float64, n)}
	var passed []int64
	for i, c := range newestFirst {
		j := n - 1 - i
		d.T[j] = c.CheckedAt.Unix()
		if c.Status == monitor.StatusUp {
			d.Passed[j] = ms(c.ResponseTime)
			passed = append(passed, c.ResponseTimeMS())
		} else {
			d.Failed[j] = ms(c.ResponseTime)
		}
		if t := c.Timings; t != nil {
			d.DNS[j], d.Connect[j], d.TLS[j] = ms(t.DNS), ms(t.Connect), ms(t.TLS)
			d.Server[j], d.Transfer[j] = ms(t.ServerProcessing), ms(t.Transfer)
		}
	}
	d.Summary = chartSummary(n, passed)
	return d
}

func ms(d time.Duration) *float64 {
	v := float64(d.Microseconds()) / 1000
	return &v
}

// chartSummary: "The last 200 checks: median 120 ms, fastest 80 ms, slowest 950 ms; 3 failed."
func chartSummary(checks int, passed []int64) string {
	if checks == 0 {
		return "No checks yet."
	}
	s := "The last " + strconv.Itoa(checks) + " checks"
	if checks == 1 {
		s = "The only check so far"
	}
	failed := checks - len(passed)
	if len(passed) > 0 {
		sorted := slices.Clone(passed)
		slices.Sort(sorted)
		median := sorted[len(sorted)/2]
		s += ": median " + milliseconds(&median) + ", fastest " + milliseconds(&sorted[0]) +
			", slowest " + milliseconds(&sorted[len(sorted)-1])
	}
	if failed > 0 {
		s += "; " + strconv.Itoa(failed) + " failed"
	}
	return s + "."
}

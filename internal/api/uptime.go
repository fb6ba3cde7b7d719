package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Uptime, incidents and response-time stats: how reliable a site was.

var defaultUptimeWindows = []string{"24h", "7d", "30d", "90d"}

const (
	maxUptimeWindow  = 3660 * 24 * time.Hour // ten years
	maxUptimeWindows = 10
)

// figuresView is a site's (or several sites') uptime over a window.
type figuresView struct {
	// Uptime is up ÷ (up + down), null when the window holds no monitored time.
	Uptime          *float64 `json:"uptime"`
	UpSeconds       float64  `json:"up_seconds"`
	DownSeconds     float64  `json:"down_seconds"`
	ExcludedSeconds float64  `json:"excluded_seconds"`
	// Incidents counts the incidents that began in the window.
	Incidents int `json:"incidents"`
	// MTTRSeconds is the mean duration of the incidents that ended in the window; null when none did.
	MTTRSeconds *float64 `json:"mttr_seconds"`
}

func seconds(d time.Duration) float64 { return d.Seconds() }

func viewFigures(f monitor.UptimeFigures) figuresView {
	v := figuresView{Uptime: f.Uptime, UpSeconds: seconds(f.Up), DownSeconds: seconds(f.Down),
		ExcludedSeconds: seconds(f.Excluded), Incidents: f.Incidents}
	if f.Resolved > 0 {
		m := seconds(f.MTTR)
		v.MTTRSeconds = &m
	}
	return v
}

type windowView struct {
	Window string    `json:"window"` // as asked: 24h, 7d, or "range" for from/to
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	figuresView
}

type siteUptimeView struct {
	SiteID  int64        `json:"site_id"`
	Windows []windowView `json:"windows"`
}

// parseWindow reads a window length: a whole number of hours (24h) or days (30d).
func parseWindow(field, raw string) (time.Duration, error) {
	bad := badField(field, field+" must be a whole number of hours or days, like 24h or 30d, at most 3660d")
	if len(raw) < 2 {
		return 0, bad
	}
	n, err := strconv.Atoi(raw[:len(raw)-1])
	if err != nil || n < 1 {
		return 0, bad
	}
	var d time.Duration
	switch raw[len(raw)-1] {
	case 'h':
		d = time.Duration(n) * time.Hour
	case 'd':
		d = time.Duration(n) * 24 * time.Hour
	default:
		return 0, bad
	}
	if d > maxUptimeWindow {
		return 0, bad
	}
	return d, nil
}

func (h *Handler) siteUptime(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	params := r.URL.Query()
	now := h.now().UTC()
	from, err := timeParam(params, "from")
	if err != nil {
		return err
	}
	to, err := timeParam(params, "to")
	if err != nil {
		return err
	}
	names := defaultUptimeWindows
	if raw := params.Get("windows"); raw != "" {
		names = strings.Split(raw, ",")
	} else if !from.IsZero() || !to.IsZero() {
		names = nil
	}
	if len(names) > maxUptimeWindows {
		return badField("windows", "at most 10 windows")
	}
	var (
		windows []monitor.Period
		views   []windowView
	)
	for _, name := range names {
		d, err := parseWindow("windows", strings.TrimSpace(name))
		if err != nil {
			return err
		}
		windows = append(windows, monitor.Period{From: now.Add(-d), To: now})
		views = append(views, windowView{Window: strings.TrimSpace(name)})
	}
	if !from.IsZero() || !to.IsZero() {
		if from.IsZero() {
			return badField("from", "from is needed with to")
		}
		if to.IsZero() || to.After(now) {
			to = now
		}
		if !from.Before(to) {
			return badField("from", "from must be before to (and before now)")
		}
		windows = append(windows, monitor.Period{From: from.UTC(), To: to.UTC()})
		views = append(views, windowView{Window: "range"})
	}
	figures, err := h.store.SiteUptime(r.Context(), owner(r), id, windows)
	if err != nil {
		return err
	}
	for i, f := range figures {
		views[i].From, views[i].To, views[i].figuresView = windows[i].From, windows[i].To, viewFigures(f)
	}
	return reply(w, http.StatusOK, siteUptimeView{SiteID: id, Windows: views})
}

type fleetSiteView struct {
	SiteID int64  `json:"site_id"`
	Name   string `json:"name"`
	figuresView
}

type fleetView struct {
	Window string `json:"window"`
	// From is where the window began: now minus the window, moved back to the start of its
	// UTC hour (the sites' figures are counted in whole hours, up to now).
	From  time.Time       `json:"from"`
	To    time.Time       `json:"to"`
	Total figuresView     `json:"total"` // Σup ÷ Σ(up + down) over every site
	Sites []fleetSiteView `json:"sites"`
}

func (h *Handler) fleetUptime(w http.ResponseWriter, r *http.Request) error {
	name := r.URL.Query().Get("window")
	if name == "" {
		name = "30d"
	}
	d, err := parseWindow("window", name)
	if err != nil {
		return err
	}
	now := h.now().UTC()
	sites, err := h.store.FleetUptime(r.Context(), owner(r), now.Add(-d), now)
	if err != nil {
		return err
	}
	v := fleetView{Window: name, From: store.HourStart(store.HourOf(now.Add(-d))), To: now, Sites: make([]fleetSiteView, len(sites))}
	all := make([]monitor.UptimeFigures, len(sites))
	for i, s := range sites {
		v.Sites[i] = fleetSiteView{SiteID: s.SiteID, Name: s.Name, figuresView: viewFigures(s.UptimeFigures)}
		all[i] = s.UptimeFigures
		if s.Since.Before(v.From) {
			v.From = s.Since
		}
	}
	v.Total = viewFigures(monitor.SumFigures(all...))
	return reply(w, http.StatusOK, v)
}

// incidentView is one down period of a site.
type incidentView struct {
	StartedAt       time.Time  `json:"started_at"`
	EndedAt         *time.Time `json:"ended_at"` // null while ongoing
	DurationSeconds float64    `json:"duration_seconds"`
	Error           string     `json:"error"` // what the first failing check said
	StatusCode      *int       `json:"status_code"`
	FailedChecks    int        `json:"failed_checks"`
}

type incidentsPage struct {
	Incidents  []incidentView `json:"incidents"`
	NextBefore *time.Time     `json:"next_before"`
}

func (h *Handler) siteIncidents(w http.ResponseWriter, r *http.Request) error {
	id, q, err := historyRequest(r)
	if err != nil {
		return err
	}
	incidents, err := h.store.Incidents(r.Context(), owner(r), id, q)
	if err != nil {
		return err
	}
	now := h.now()
	page := incidentsPage{Incidents: make([]incidentView, len(incidents))}
	for i, inc := range incidents {
		v := incidentView{StartedAt: inc.StartedAt, EndedAt: inc.EndedAt, DurationSeconds: seconds(inc.Duration(now)),
			Error: inc.Error, FailedChecks: inc.FailedChecks}
		if inc.StatusCode != 0 {
			code := inc.StatusCode
			v.StatusCode = &code
		}
		page.Incidents[i] = v
	}
	if len(incidents) == q.Limit {
		page.NextBefore = &incidents[len(incidents)-1].StartedAt
	}
	return reply(w, http.StatusOK, page)
}

// statsPointView is a site's checks over one UTC hour or day. The response times are those of
// the checks that passed, in milliseconds; the quantiles come from a histogram and are within
// 4.8 % of the true value.
type statsPointView struct {
	At          time.Time `json:"at"`
	Checks      int64     `json:"checks"`
	Failures    int64     `json:"failures"`
	MinMS       *float64  `json:"min_ms"`
	MaxMS       *float64  `json:"max_ms"`
	MeanMS      *float64  `json:"mean_ms"`
	P50MS       *float64  `json:"p50_ms"`
	P95MS       *float64  `json:"p95_ms"`
	P99MS       *float64  `json:"p99_ms"`
	UpSeconds   float64   `json:"up_seconds"`
	DownSeconds float64   `json:"down_seconds"`
	Uptime      *float64  `json:"uptime"`
}

type statsView struct {
	Step   string           `json:"step"`
	From   time.Time        `json:"from"`
	To     time.Time        `json:"to"`
	Points []statsPointView `json:"points"`
}

const (
	maxStatsHours = 93 * 24
	maxStatsDays  = 3660
)

func (h *Handler) siteStats(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	params := r.URL.Query()
	q := store.StatsQuery{Step: store.StatsStep(params.Get("step"))}
	unit, most := time.Hour, maxStatsHours
	switch q.Step {
	case "", store.StepHour:
		q.Step = store.StepHour
	case store.StepDay:
		unit, most = 24*time.Hour, maxStatsDays
	default:
		return badField("step", "step must be hour or day")
	}
	if q.From, err = timeParam(params, "from"); err != nil {
		return err
	}
	if q.To, err = timeParam(params, "to"); err != nil {
		return err
	}
	if q.To.IsZero() {
		q.To = h.now()
	}
	if q.From.IsZero() {
		q.From = q.To.Add(-24 * unit)
		if q.Step == store.StepDay {
			q.From = q.To.Add(-30 * unit)
		}
	}
	q.From, q.To = q.From.UTC().Truncate(unit), q.To.UTC()
	if !q.From.Before(q.To) {
		return badField("from", "from must be before to")
	}
	if q.To.Sub(q.From) > time.Duration(most)*unit {
		return badField("from", "at most "+strconv.Itoa(most)+" points: 93 days by hour, 3660 days by day")
	}
	points, err := h.store.Stats(r.Context(), owner(r), id, q)
	if err != nil {
		return err
	}
	v := statsView{Step: string(q.Step), From: q.From, To: q.To, Points: make([]statsPointView, len(points))}
	for i, p := range points {
		v.Points[i] = viewStatsPoint(p)
	}
	return reply(w, http.StatusOK, v)
}

func viewStatsPoint(p store.StatsPoint) statsPointView {
	v := statsPointView{At: p.At, Checks: p.Checks, Failures: p.Failures, UpSeconds: seconds(p.Up), DownSeconds: seconds(p.Down)}
	if total := p.Up + p.Down; total > 0 {
		u := float64(p.Up) / float64(total)
		v.Uptime = &u
	}
	if p.Hist.Count() > 0 {
		ms := func(d time.Duration) *float64 { m := milliseconds(d); return &m }
		v.MinMS, v.MaxMS, v.MeanMS = ms(p.Hist.Min()), ms(p.Hist.Max()), ms(p.Hist.Mean())
		v.P50MS, v.P95MS, v.P99MS = ms(p.Hist.Quantile(0.5)), ms(p.Hist.Quantile(0.95)), ms(p.Hist.Quantile(0.99))
	}
	return v
}

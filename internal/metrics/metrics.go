// Package metrics exposes Tocsin to Prometheus: what the scheduler, the dispatcher and the API
// do in this process (they report to it through their Observer interfaces, never importing
// Prometheus), and, read from the database at each scrape, every site's state, the schedule's
// backlog and the alert outbox, so that any one of several processes sharing a database can be
// scraped for them. Everything lives on one registry that main builds; nothing is global.
package metrics

import (
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Metrics is the registry and the instruments the packages report to. It implements
// scheduler.Observer, notify.Observer and api.Observer.
type Metrics struct {
	reg *prometheus.Registry
	log *slog.Logger

	checks          *prometheus.CounterVec
	checkDuration   *prometheus.HistogramVec
	lateness        prometheus.Histogram
	claimDuration   prometheus.Histogram
	claimedSites    prometheus.Counter
	writeDuration   *prometheus.HistogramVec
	channel         *prometheus.CounterVec
	channelDuration *prometheus.HistogramVec
	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
}

// New builds the registry: this process's instruments, the Go runtime's and the process's
// collectors, and the database collector over st.
func New(st Store, now func() time.Time, version string, log *slog.Logger) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), log: log}
	f := factory{m.reg}
	m.checks = f.counterVec("tocsin_checks_total", "Checks run, by kind of site and result (up or down).", "type", "result")
	m.checkDuration = f.histogramVec("tocsin_check_duration_seconds", "How long each check took, by kind of site.",
		[]float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}, "type")
	m.lateness = f.histogram("tocsin_scheduler_lateness_seconds", "How late a scheduled check started after the time it was due.",
		[]float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300})
	m.claimDuration = f.histogram("tocsin_scheduler_claim_duration_seconds", "How long one claim of due sites took.", dbBuckets)
	m.claimedSites = f.counter("tocsin_scheduler_claimed_sites_total", "Sites claimed for a scheduled check.")
	m.writeDuration = f.histogramVec("tocsin_scheduler_write_duration_seconds",
		"How long one transaction recording check results took, by result (ok or error).", dbBuckets, "result")
	m.channel = f.counterVec("tocsin_channel_responses_total",
		"The answers of alert channels to alert messages, by channel type and HTTP status or SMTP reply code (none: no answer).", "type", "code")
	m.channelDuration = f.histogramVec("tocsin_channel_request_duration_seconds", "How long alert channels took to answer an alert message, by channel type.",
		[]float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30}, "type")
	m.requests = f.counterVec("tocsin_http_requests_total", "API requests answered, by route and HTTP status.", "route", "code")
	m.requestDuration = f.histogramVec("tocsin_http_request_duration_seconds", "How long API requests took, by route.",
		prometheus.DefBuckets, "route")

	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "tocsin_build_info", Help: "Always 1; its labels say which Tocsin runs."},
		[]string{"version", "goversion"})
	build.WithLabelValues(version, runtime.Version()).Set(1)
	m.reg.MustRegister(build, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newDatabaseCollector(st, now, log))
	return m
}

// dbBuckets suit one database statement or transaction.
var dbBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}

// Handler serves the registry in Prometheus's text format. When the database cannot be read,
// what could be read is served, tocsin_database_up says 0, and the log says why.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.reg, // promhttp counts its own scrapes and errors here
	})
}

// CheckDone implements scheduler.Observer.
func (m *Metrics) CheckDone(kind monitor.Kind, status monitor.Status, d time.Duration) {
	k := kindLabel(kind)
	m.checks.WithLabelValues(k, string(status)).Inc()
	m.checkDuration.WithLabelValues(k).Observe(d.Seconds())
}

// Lateness implements scheduler.Observer.
func (m *Metrics) Lateness(d time.Duration) { m.lateness.Observe(max(d, 0).Seconds()) }

// Claimed implements scheduler.Observer.
func (m *Metrics) Claimed(sites int, d time.Duration) {
	m.claimDuration.Observe(d.Seconds())
	m.claimedSites.Add(float64(sites))
}

// Wrote implements scheduler.Observer.
func (m *Metrics) Wrote(_ int, d time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.writeDuration.WithLabelValues(result).Observe(d.Seconds())
}

// ChannelAnswered implements notify.Observer.
func (m *Metrics) ChannelAnswered(t monitor.ChannelType, status int, d time.Duration) {
	code := "none"
	if status != 0 {
		code = strconv.Itoa(status)
	}
	m.channel.WithLabelValues(string(t), code).Inc()
	m.channelDuration.WithLabelValues(string(t)).Observe(d.Seconds())
}

// Request implements api.Observer.
func (m *Metrics) Request(pattern string, status int, d time.Duration) {
	if pattern == "" {
		pattern = "unmatched" // a path no route takes: never the path itself, which anyone can vary
	}
	m.requests.WithLabelValues(pattern, strconv.Itoa(status)).Inc()
	m.requestDuration.WithLabelValues(pattern).Observe(d.Seconds())
}

func kindLabel(k monitor.Kind) string {
	if k == "" {
		return string(monitor.KindHTTP)
	}
	return string(k)
}

// factory registers what it makes.
type factory struct{ reg *prometheus.Registry }

func (f factory) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	f.reg.MustRegister(c)
	return c
}

func (f factory) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f factory) histogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	f.reg.MustRegister(h)
	return h
}

func (f factory) histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	f.reg.MustRegister(h)
	return h
}

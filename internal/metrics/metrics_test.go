package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// scrape serves m's handler once and parses the answer as Prometheus does.
func scrape(t testing.TB, m *Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("the scrape does not parse: %v", err)
	}
	return families
}

// value is the value of the family's series whose labels include want; ok is false when there
// is no such series.
func value(families map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f := families[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.Metric {
		if hasLabels(m, want) {
			switch {
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount()), true
			}
		}
	}
	return 0, false
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	found := 0
	for _, l := range m.Label {
		if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
			found++
		}
	}
	return found == len(want)
}

func TestSitesAreReadFromTheDatabaseAtEachScrape(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			sites, err := st.CreateSites(ctx, []monitor.Site{
				site(1, "shop", monitor.KindHTTP, false), site(2, "db", monitor.KindTCP, false), site(1, "old", monitor.KindHTTP, true),
				site(1, "new", monitor.KindHTTP, false),
			})
			if err != nil {
				t.Fatal(err)
			}
			expiry := t0.Add(40 * 24 * time.Hour)
			record(t, st, sites[0].ID, monitor.Result{Status: monitor.StatusUp, StatusCode: 200, ResponseTime: 250 * time.Millisecond, CertExpiresAt: &expiry})
			record(t, st, sites[1].ID, monitor.Result{Status: monitor.StatusDown, ResponseTime: time.Second, Error: "connection refused"})

			m := New(st, func() time.Time { return t0.Add(time.Hour) }, "v1", quiet())
			got := scrape(t, m)
			shop := map[string]string{"id": itoa(sites[0].ID), "name": "shop", "type": "http"}
			db := map[string]string{"id": itoa(sites[1].ID), "name": "db", "type": "tcp"}
			checks := []struct {
				name   string
				labels map[string]string
				want   float64
			}{
				{"tocsin_site_up", shop, 1},
				{"tocsin_site_up", db, 0},
				{"tocsin_site_response_seconds", shop, 0.25},
				{"tocsin_site_response_seconds", db, 1},
				{"tocsin_site_cert_expiry_timestamp_seconds", shop, float64(expiry.Unix())},
				{"tocsin_sites", map[string]string{"status": "up"}, 1},
				{"tocsin_sites", map[string]string{"status": "down"}, 1},
				{"tocsin_sites", map[string]string{"status": "pending"}, 1},
				{"tocsin_sites", map[string]string{"status": "paused"}, 1},
				{"tocsin_sites_due", nil, 3},
				{"tocsin_alert_outbox", map[string]string{"state": "pending"}, 0},
				{"tocsin_database_up", nil, 1},
				{"tocsin_build_info", map[string]string{"version": "v1"}, 1},
			}
			for _, c := range checks {
				if v, ok := value(got, c.name, c.labels); !ok || v != c.want {
					t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, v, ok, c.want)
				}
			}
			for _, name := range []string{"old", "new"} {
				if _, ok := value(got, "tocsin_site_up", map[string]string{"name": name}); ok {
					t.Errorf("tocsin_site_up has %q, which is paused or not yet checked", name)
				}
			}
			for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
				if got[name] == nil {
					t.Errorf("no %s: the Go and process collectors are missing", name)
				}
			}
		})
	}
}

func TestProcessFiguresMoveWithWhatTheyObserve(t *testing.T) {
	m := New(storetest.OpenSQLite(t), time.Now, "dev", quiet())
	m.CheckDone(monitor.KindHTTP, monitor.StatusUp, 20*time.Millisecond)
	m.CheckDone(monitor.KindHTTP, monitor.StatusDown, 3*time.Second)
	m.CheckDone("", monitor.StatusUp, time.Millisecond)
	m.Lateness(1500 * time.Millisecond)
	m.Claimed(7, 2*time.Millisecond)
	m.Wrote(7, 5*time.Millisecond, nil)
	m.Wrote(7, time.Second, errors.New("database is gone"))
	m.ChannelAnswered(monitor.ChannelDiscord, 204, 100*time.Millisecond)
	m.ChannelAnswered(monitor.ChannelDiscord, 0, 30*time.Second)
	m.ChannelAnswered(monitor.ChannelEmail, 250, time.Second)
	m.Request("GET /sites/{id}", 200, time.Millisecond)
	m.Request("", 404, time.Millisecond)

	got := scrape(t, m)
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"tocsin_checks_total", map[string]string{"type": "http", "result": "up"}, 2},
		{"tocsin_checks_total", map[string]string{"type": "http", "result": "down"}, 1},
		{"tocsin_check_duration_seconds", map[string]string{"type": "http"}, 3},
		{"tocsin_scheduler_lateness_seconds", nil, 1},
		{"tocsin_scheduler_claim_duration_seconds", nil, 1},
		{"tocsin_scheduler_claimed_sites_total", nil, 7},
		{"tocsin_scheduler_write_duration_seconds", map[string]string{"result": "ok"}, 1},
		{"tocsin_scheduler_write_duration_seconds", map[string]string{"result": "error"}, 1},
		{"tocsin_channel_responses_total", map[string]string{"type": "discord", "code": "204"}, 1},
		{"tocsin_channel_responses_total", map[string]string{"type": "discord", "code": "none"}, 1},
		{"tocsin_channel_responses_total", map[string]string{"type": "email", "code": "250"}, 1},
		{"tocsin_channel_request_duration_seconds", map[string]string{"type": "discord"}, 2},
		{"tocsin_channel_request_duration_seconds", map[string]string{"type": "email"}, 1},
		{"tocsin_http_requests_total", map[string]string{"route": "GET /sites/{id}", "code": "200"}, 1},
		{"tocsin_http_requests_total", map[string]string{"route": "unmatched", "code": "404"}, 1},
	}
	for _, c := range checks {
		if v, ok := value(got, c.name, c.labels); !ok || v != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, v, ok, c.want)
		}
	}
}

type failingStore struct{}

func (failingStore) MetricsSnapshot(context.Context, time.Time) (store.MetricsSnapshot, error) {
	return store.MetricsSnapshot{}, errors.New("connection refused")
}

func TestADatabaseOutageIsShownNotHidden(t *testing.T) {
	var log strings.Builder
	m := New(failingStore{}, time.Now, "dev", slog.New(slog.NewTextHandler(&log, nil)))
	m.CheckDone(monitor.KindTCP, monitor.StatusUp, time.Millisecond)
	got := scrape(t, m)
	if v, ok := value(got, "tocsin_database_up", nil); !ok || v != 0 {
		t.Errorf("tocsin_database_up = %v %v, want 0", v, ok)
	}
	if _, ok := value(got, "tocsin_checks_total", map[string]string{"type": "tcp"}); !ok {
		t.Errorf("the process's own figures are missing while the database is down")
	}
	if !strings.Contains(log.String(), "connection refused") {
		t.Errorf("the log does not say why: %s", log.String())
	}
}

func site(owner int64, name string, kind monitor.Kind, paused bool) monitor.Site {
	url := "https://" + name + ".example"
	if kind == monitor.KindTCP {
		url = name + ".example:5432"
	}
	return monitor.Site{OwnerID: owner, Kind: kind, Name: name, URL: url, CheckIntervalSeconds: 60, TimeoutSeconds: 5,
		ExpectedStatusCode: 200, FailureThreshold: 1, Paused: paused, NextCheckAt: t0, CreatedAt: t0}
}

func record(t *testing.T, st store.Store, id int64, r monitor.Result) {
	t.Helper()
	r.CheckedAt = t0
	if _, err := st.RecordChecks(context.Background(), []store.CheckResult{{SiteID: id, Result: r}}); err != nil {
		t.Fatal(err)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

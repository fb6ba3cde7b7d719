package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

func TestSitePageShowsStatusChecksAndChanges(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		s := f.add(site{name: "shop", checks: []monitor.Status{up, up, down}})
		got := f.get("/app/sites/" + itoa(s.ID))
		if got.status != http.StatusOK {
			t.Fatalf("%d\n%s", got.status, got.body)
		}
		for _, want := range []string{
			"<title>shop · 1 down · Tocsin</title>", // the title counts the sites down
			`<div class="site-head tone-down"`,
			`<strong>Last error</strong> <span>expected status 200, got 503</span>`,
			`HTTP 503`,
			"every 1 min",
			// the phases of a check, in milliseconds
			`<td class="num">1.5</td><td class="num">10.0</td><td class="num">20.0</td><td class="num">80.0</td><td class="num">0.5</td>`,
			// the status changes: pending → up, then up → down, with the reason
			`<span class="badge tone-up"><span class="shape" aria-hidden="true"></span>Up</span> <span aria-label="to">→</span> <span class="badge tone-down">`,
			`<span class="event-reason">expected status 200, got 503</span>`,
			"The last 3 checks: median 120 ms, fastest 120 ms, slowest 120 ms; 1 failed.",
		} {
			if !strings.Contains(got.body, want) {
				t.Errorf("the site page lacks %s", want)
			}
		}
		if n := strings.Count(got.body, `<td class="nowrap"><time`); n != 3 {
			t.Errorf("%d checks listed, want 3", n)
		}
	})
}

func TestSitePageChartDataIsOldestFirstJSON(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	s := f.add(site{name: "shop", checks: []monitor.Status{up, down, up}})
	body := f.get("/app/sites/" + itoa(s.ID)).body
	m := regexp.MustCompile(`<script type="application/json" id="chart-data">([^<]*)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no chart data in\n%s", body)
	}
	var d struct {
		T      []int64    `json:"t"`
		Passed []*float64 `json:"passed"`
		Failed []*float64 `json:"failed"`
		Server []*float64 `json:"server"`
	}
	if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
		t.Fatalf("chart data is not JSON: %v\n%s", err, m[1])
	}
	if len(d.T) != 3 || d.T[0] != now.Add(-3*time.Minute).Unix() || d.T[2] != now.Add(-time.Minute).Unix() {
		t.Errorf("times %v, want the three checks oldest first", d.T)
	}
	if d.Passed[0] == nil || d.Passed[1] != nil || d.Failed[1] == nil || *d.Failed[1] != 120 || *d.Server[2] != 80 {
		t.Errorf("series do not match the checks: %+v", d)
	}
}

func TestSitePageShowsCertificateAndLatency(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	s := f.add(site{name: "tls"})
	expires := now.Add(10*24*time.Hour + time.Hour)
	var results []monitor.Result
	for i := range monitor.LatencyMinSamples {
		r := check(up, now.Add(time.Duration(i-20)*time.Minute))
		r.CertExpiresAt = &expires
		results = append(results, r)
	}
	f.record(s.ID, results...)
	body := f.get("/app/sites/" + itoa(s.ID)).body
	for _, want := range []string{
		`<dd class="warn">expires <time datetime="2026-12-03T11:00:00Z"`, // within 14 days: flagged
		"in 10 d 1 h",
		`<span class="badge tone-up"><span class="shape" aria-hidden="true"></span>Normal</span> <span class="muted">usually 120 ms</span>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the site page lacks %s", want)
		}
	}
}

func TestSitePageIsNotFoundForOthersAndUnknownSites(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		theirs := f.add(site{name: "theirs", owner: 42})
		for _, path := range []string{"/app/sites/" + itoa(theirs.ID), "/app/sites/999999"} {
			got := f.get(path)
			if got.status != http.StatusNotFound || strings.Contains(got.body, "theirs") {
				t.Errorf("GET %s: %d\n%s", path, got.status, got.body)
			}
		}
	})
}

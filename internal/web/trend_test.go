package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
)

func TestOverviewRowsHaveSparklineAndUptime(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		// Up for two minutes, then down for one (the minute up to now): 2/3 up.
		s := f.add(site{name: "shop", checks: []monitor.Status{up, up, down}})
		got := f.get("/")
		row := got.body[strings.Index(got.body, `id="site-`+itoa(s.ID)+`"`):]
		row = row[:strings.Index(row, "</tr>")]
		for _, want := range []string{`<svg class="spark"`, `aria-label="Last 24 h: 3 checks`, `1 failed"`, `class="spark-fail"`, "66.6 %"} {
			if !strings.Contains(row, want) {
				t.Errorf("the row lacks %s:\n%s", want, row)
			}
		}
	})
}

func TestSitePageWindowsUptimeAndIncidents(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		s := f.add(site{name: "shop", checks: []monitor.Status{up, up, down}})
		path := "/app/sites/" + itoa(s.ID)
		got := f.get(path)
		for _, want := range []string{
			`<a href="` + path + `?window=7d">7 d</a>`, `<a href="` + path + `" aria-current="page">24 h</a>`,
			`<dt>24 h</dt><dd><span class="big">66.6 %</span> <span class="muted small">· 1 incident</span> <span class="muted small">· down 1 min</span>`,
			`<dt>90 d</dt><dd><span class="big">66.6 %</span>`,
			`<span class="muted">ongoing</span>`, // the incident
			"expected status 200, got 503",
		} {
			if !strings.Contains(got.body, want) {
				t.Errorf("the site page lacks %s", want)
			}
		}
		week := f.get(path + "?window=7d")
		if week.status != http.StatusOK || !strings.Contains(week.body, "The mean response time per hour over the last 7 d: 3 checks, the slowest 120 ms; 1 failed.") ||
			!strings.Contains(week.body, `<a href="`+path+`?window=7d" aria-current="page">`) {
			t.Errorf("the 7 d window: %d", week.status)
		}
		// The latest checks are listed whatever the window.
		if n := strings.Count(week.body, `<td class="nowrap"><time`); n != 3 {
			t.Errorf("7 d window: %d checks listed, want 3", n)
		}
		if bad := f.get(path + "?window=1y"); bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "window: ") {
			t.Errorf("a window that is not offered: %d", bad.status)
		}
	})
}

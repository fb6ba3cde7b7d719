package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/benchfarm"
	"github.com/tocsin/tocsin/internal/notify/discordtest"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// Three processes on one PostgreSQL database share its sites: each interval every site is
// checked once, by one of them. When one is killed with -9, the others check its sites once
// its leases run out (a check's timeout, the claim's 30 s margin and the look-ahead), and every
// alert still reaches Discord: at most one repeat, when the kill fell between Discord's answer
// and the delivery record.
func TestThreeProcessesShareSitesAndSurviveAKill(t *testing.T) {
	t.Parallel()
	shareAndKill(t, 30, time.Second, 10)
}

// BenchmarkThreeProcessesTenThousandSites is the test above at 10,000 sites every 10 s, five of
// which go down at the kill (more would be a storm, told in summary lines rather than one card
// each, which the test's count of cards would not see). About three minutes; the processes are
// the test binary, without the race detector unless -race:
//
//	TOCSIN_TEST_DATABASE_URL=postgres://… go test -run '^$' -bench ThreeProcesses -benchtime 1x ./cmd/tocsin/
func BenchmarkThreeProcessesTenThousandSites(b *testing.B) {
	for range b.N {
		f := shareAndKill(b, 10000, 10*time.Second, 5)
		b.ReportMetric(f.checksPerSecond, "checks/s")
		b.ReportMetric(float64(f.shared.Missed), "missed-3up")
		b.ReportMetric(float64(f.shared.Doubled), "doubled-3up")
		b.ReportMetric(benchfarm.Ms(f.shared.At(0.99)), "p99-late-ms-3up")
		b.ReportMetric(f.takenOver.Seconds(), "s-until-all-checked-after-kill")
		b.ReportMetric(float64(f.doubled), "doubled-overall")
		b.ReportMetric(float64(f.repeatedAlerts), "alerts-repeated")
	}
}

// shareFigures is what shareAndKill saw.
type shareFigures struct {
	shared          benchfarm.Gaps // five intervals with all three processes up
	checksPerSecond float64
	takenOver       time.Duration // from the kill until every site was checked again
	doubled         int           // checks under half an interval after the one before, from start to end
	repeatedAlerts  int           // down alerts that reached Discord twice
}

// shareAndKill runs the scenario of TestThreeProcessesShareSitesAndSurviveAKill with sites
// sites checked every interval, downSites of which go down as the first process is killed.
func shareAndKill(tb testing.TB, sites int, interval time.Duration, downSites int) shareFigures {
	dbURL := storetest.PostgresURL(tb)
	farm, err := benchfarm.Start(sites)
	if err != nil {
		tb.Fatal(err)
	}
	defer farm.Close()
	fake := discordtest.New(tb)
	env := []string{"DATABASE_URL=" + dbURL, "TOCSIN_DISCORD_ALLOWED_HOSTS=" + fake.Host(), "TOCSIN_AUTH=off"}

	first := startProcess(tb, env...)
	if got := call(tb, "POST", first.url+"/webhook", fmt.Sprintf(`{"webhook_url": %q}`, fake.WebhookURL("7")), nil); got != 200 {
		tb.Fatalf("POST /webhook: %d\n%s", got, first.log)
	}
	batch := make([]map[string]any, sites)
	for i := range batch {
		batch[i] = map[string]any{"name": fmt.Sprintf("site %d", i), "url": farm.URL(i),
			"check_interval_seconds": int(interval / time.Second), "timeout_seconds": 1}
	}
	body, _ := json.Marshal(map[string]any{"sites": batch})
	if got := call(tb, "POST", first.url+"/sites/batch", string(body), nil); got != 201 {
		tb.Fatalf("POST /sites/batch: %d\n%s", got, first.log)
	}
	others := []*process{startProcess(tb, env...), startProcess(tb, env...)}

	allCheckedSince := func(since time.Time) func() bool {
		return func() bool {
			for i := range sites {
				if !farm.LastRequest(i).After(since) {
					return false
				}
			}
			return true
		}
	}
	var f shareFigures
	allUp := time.Now()
	waitLonger(tb, time.Minute+2*interval, "every site checked with three processes up", allCheckedSince(allUp.Add(interval)))
	from := time.Now()
	time.Sleep(5 * interval)
	// Exactly once: no site checked twice in an interval, every site checked. (Missed slots are
	// the machine's speed, not sharing: a loaded machine running race-instrumented processes
	// misses some, so they are not judged here; tocsin bench measures them.)
	f.shared = farm.Gaps(interval, from, time.Now())
	f.checksPerSecond = float64(f.shared.Requests) / (5 * interval).Seconds()
	if f.shared.Doubled != 0 || f.shared.Requests < sites {
		tb.Errorf("three processes up: %d requests, %d missed, %d doubled; want about %d, none doubled",
			f.shared.Requests, f.shared.Missed, f.shared.Doubled, 5*sites)
	}

	for i := range downSites {
		farm.SetDown(i, true)
	}
	first.kill()
	killed := time.Now()
	waitLonger(tb, time.Minute+2*interval, "every site checked by the two processes left", allCheckedSince(killed.Add(interval)))
	f.takenOver = time.Since(killed)
	if f.doubled = farm.Gaps(interval, allUp, time.Now()).Doubled; f.doubled != 0 {
		tb.Errorf("%d checks came less than half an interval after the one before", f.doubled)
	}

	downAlerts := func() map[int]int {
		got := map[int]int{}
		for _, m := range fake.Messages() {
			for _, e := range m.Embeds {
				for i := range downSites {
					if strings.Contains(e.Title, fmt.Sprintf("site %d is down", i)) {
						got[i]++
					}
				}
			}
		}
		return got
	}
	waitLonger(tb, time.Minute+2*interval, "every down alert at Discord", func() bool { return len(downAlerts()) == downSites })
	for i, n := range downAlerts() {
		if n > 1 {
			f.repeatedAlerts++
		}
		if n > 2 {
			tb.Errorf("site %d's down alert reached Discord %d times, want once (twice at most, if the kill fell mid-delivery)", i, n)
		}
	}
	for _, p := range others {
		if strings.Contains(p.log.String(), "level=ERROR") {
			tb.Errorf("a process left running logged an error:\n%s", p.log)
		}
	}
	return f
}

// waitLonger is waitUntil with a bound that outlasts a lease.
func waitLonger(tb testing.TB, bound time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(bound)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %s waiting for %s", bound, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

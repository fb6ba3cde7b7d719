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
	const sites, interval, downSites = 30, time.Second, 10
	dbURL := storetest.PostgresURL(t)
	farm, err := benchfarm.Start(sites)
	if err != nil {
		t.Fatal(err)
	}
	defer farm.Close()
	fake := discordtest.New(t)
	env := []string{"DATABASE_URL=" + dbURL, "TOCSIN_DISCORD_ALLOWED_HOSTS=" + fake.Host(), "TOCSIN_AUTH=off"}

	first := startProcess(t, env...)
	if got := call(t, "POST", first.url+"/webhook", fmt.Sprintf(`{"webhook_url": %q}`, fake.WebhookURL("7")), nil); got != 200 {
		t.Fatalf("POST /webhook: %d\n%s", got, first.log)
	}
	batch := make([]map[string]any, sites)
	for i := range batch {
		batch[i] = map[string]any{"name": fmt.Sprintf("site %d", i), "url": farm.URL(i),
			"check_interval_seconds": int(interval / time.Second), "timeout_seconds": 1}
	}
	body, _ := json.Marshal(map[string]any{"sites": batch})
	if got := call(t, "POST", first.url+"/sites/batch", string(body), nil); got != 201 {
		t.Fatalf("POST /sites/batch: %d\n%s", got, first.log)
	}
	others := []*process{startProcess(t, env...), startProcess(t, env...)}

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
	allUp := time.Now()
	waitLonger(t, time.Minute, "every site checked with three processes up", allCheckedSince(allUp.Add(interval)))
	from := time.Now()
	time.Sleep(5 * interval)
	// Exactly once: no site checked twice in an interval, every site checked. (Missed slots are
	// the machine's speed, not sharing: a loaded machine running race-instrumented processes
	// misses some, so they are not judged here; tocsin bench measures them.)
	if g := farm.Gaps(interval, from, time.Now()); g.Doubled != 0 || g.Requests < sites {
		t.Errorf("three processes up: %d requests, %d missed, %d doubled; want about %d, none doubled",
			g.Requests, g.Missed, g.Doubled, 5*sites)
	}

	for i := range downSites {
		farm.SetDown(i, true)
	}
	first.kill()
	killed := time.Now()
	waitLonger(t, time.Minute, "every site checked by the two processes left", allCheckedSince(killed.Add(interval)))
	if g := farm.Gaps(interval, allUp, time.Now()); g.Doubled != 0 {
		t.Errorf("%d checks came less than half an interval after the one before", g.Doubled)
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
	waitLonger(t, time.Minute, "every down alert at Discord", func() bool { return len(downAlerts()) == downSites })
	for i, n := range downAlerts() {
		if n > 2 {
			t.Errorf("site %d's down alert reached Discord %d times, want once (twice at most, if the kill fell mid-delivery)", i, n)
		}
	}
	for _, p := range others {
		if strings.Contains(p.log.String(), "level=ERROR") {
			t.Errorf("a process left running logged an error:\n%s", p.log)
		}
	}
}

// waitLonger is waitUntil with a bound that outlasts a lease.
func waitLonger(t *testing.T, bound time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", bound, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

func testSiteSettingsRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	redirects := 3
	site := newSite(1, "full", 60, t0)
	site.Kind = monitor.KindHTTP
	site.RetryIntervalSeconds = 15
	site.HTTP = monitor.HTTPOptions{Method: "POST", Headers: map[string]string{"X-Api-Key": "k", "Accept": "application/json"},
		Body: `{"q":1}`, AcceptedStatusCodes: []monitor.StatusRange{{From: 200, To: 299}, {From: 304, To: 304}}, MaxRedirects: &redirects,
		IgnoreTLSErrors: true, BasicAuth: &monitor.BasicAuth{Username: "u", Password: "p"}, Keyword: "ok", KeywordAbsent: true,
		JSONSchema: `{"type":"object"}`, MaxResponseTimeMS: 900}
	created := mustCreate(t, s, site)
	got := mustGet(t, s, 1, created.ID)
	if !reflect.DeepEqual(got.HTTP, site.HTTP) || got.Kind != monitor.KindHTTP || got.RetryIntervalSeconds != 15 {
		t.Errorf("settings did not round-trip:\n got %+v\nwant %+v", got.HTTP, site.HTTP)
	}

	dns := newSite(1, "dns", 60, t0)
	dns.Kind, dns.URL, dns.DNS = monitor.KindDNS, "example.com", monitor.DNSOptions{ExpectedAddress: "10.0.0.1", Server: "127.0.0.1:53"}
	if got := mustGet(t, s, 1, mustCreate(t, s, dns).ID); got.DNS != dns.DNS || got.Kind != monitor.KindDNS || !got.HTTP.Empty() {
		t.Errorf("dns site: %+v", got)
	}

	push := newSite(1, "push", 300, t0)
	push.Kind, push.URL, push.PushToken, push.GraceSeconds = monitor.KindPush, "", "tok-1", 60
	p := mustCreate(t, s, push)
	if got, err := s.SiteByPushToken(ctx, "tok-1"); err != nil || got.ID != p.ID || got.GraceSeconds != 60 {
		t.Errorf("by push token: %+v %v", got, err)
	}
	if _, err := s.SiteByPushToken(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown token: %v", err)
	}
	created.HTTP.Keyword = "changed"
	if upd, err := s.UpdateSite(ctx, created, false); err != nil || upd.HTTP.Keyword != "changed" {
		t.Errorf("update options: %+v %v", upd.HTTP, err)
	}
}

func testChecksKeepTheirTimings(t *testing.T, s store.Store) {
	site := mustCreate(t, s, newSite(1, "a", 60, t0))
	r := result(monitor.StatusUp, t0)
	r.Timings = &monitor.Timings{DNS: 1500 * time.Microsecond, Connect: 2 * time.Millisecond, TLS: 3 * time.Millisecond,
		ServerProcessing: 30 * time.Millisecond, Transfer: 250 * time.Microsecond}
	mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: r}, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusUp, t0.Add(time.Minute))})
	hist, err := s.History(context.Background(), 1, site.ID, store.HistoryQuery{Limit: 10})
	if err != nil || len(hist) != 2 {
		t.Fatal(hist, err)
	}
	if hist[0].Timings != nil || hist[1].Timings == nil || *hist[1].Timings != *r.Timings {
		t.Errorf("timings: %+v and %+v, want none and %+v", hist[0].Timings, hist[1].Timings, r.Timings)
	}
}

func testCertificateAlertsOncePerThreshold(t *testing.T, s store.Store) {
	mustSaveWebhook(t, s, newWebhook(1, "w", true))
	site := mustCreate(t, s, newSite(1, "tls", 3600, t0))
	expires := t0.Add(20 * 24 * time.Hour)
	var kinds []string
	for day := range 20 {
		r := result(monitor.StatusUp, t0.Add(time.Duration(day)*24*time.Hour+time.Hour))
		r.CertExpiresAt = &expires
		for _, rec := range mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: r}) {
			for _, q := range rec.Alerts {
				kinds = append(kinds, fmt.Sprintf("%s:%d", q.Alert.Kind, q.Alert.CertDaysLeft))
			}
		}
	}
	if want := "[cert_expiring:14 cert_expiring:7 cert_expiring:1]"; fmt.Sprint(kinds) != want {
		t.Errorf("certificate alerts %v, want %s", kinds, want)
	}
	got := mustGet(t, s, 1, site.ID)
	if got.CertExpiresAt == nil || !got.CertExpiresAt.Equal(expires) || got.CertAlertedDays != 1 {
		t.Errorf("stored certificate state: %v %d", got.CertExpiresAt, got.CertAlertedDays)
	}
	if n := len(notifications(t, s, 1)); n != 3 { // a first check that is up raises nothing
		t.Errorf("%d notifications, want the 3 certificate alerts", n)
	}
}

func testLatencyWatchIsKeptAcrossBatches(t *testing.T, s store.Store) {
	mustSaveWebhook(t, s, newWebhook(1, "w", true))
	site := mustCreate(t, s, newSite(1, "slow", 60, t0))
	var changes []string
	for i := range 40 {
		r := result(monitor.StatusUp, t0.Add(time.Duration(i)*time.Minute))
		r.ResponseTime = 100 * time.Millisecond
		if i >= 25 {
			r.ResponseTime = 900 * time.Millisecond // a sustained slowdown
		}
		for _, rec := range mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: r}) {
			if rec.Latency != nil {
				changes = append(changes, fmt.Sprintf("%s@%d", rec.Latency.To, i))
			}
		}
	}
	if len(changes) == 0 || changes[0] != "degraded@27" {
		t.Fatalf("latency changes %v, want degraded after three slow checks (at 27)", changes)
	}
	evs, _ := s.Events(context.Background(), 1, site.ID, store.HistoryQuery{Limit: 100})
	found := false
	for _, e := range evs {
		found = found || e.Kind == monitor.EventLatency && e.To == "degraded"
	}
	if !found {
		t.Errorf("no latency event stored: %+v", evs)
	}
	kinds := map[monitor.AlertKind]int{}
	for _, n := range notifications(t, s, 1) {
		kinds[n.Alert.Kind]++
	}
	if kinds[monitor.AlertLatencyDegraded] != 1 {
		t.Errorf("latency alerts %v", kinds)
	}
	if got := mustGet(t, s, 1, site.ID); len(got.Latency.Window) != monitor.LatencyWindow {
		t.Errorf("stored window of %d", len(got.Latency.Window))
	}
}

func testRetryIntervalConfirmsFailuresSooner(t *testing.T, s store.Store) {
	site := newSite(1, "flaky", 300, t0)
	site.FailureThreshold, site.RetryIntervalSeconds = 3, 20
	created := mustCreate(t, s, site)
	mustRecord(t, s, store.CheckResult{SiteID: created.ID, Result: result(monitor.StatusUp, t0)})
	claimed := claim(t, s, "w", t0, 10) // next check moves to t0+300s
	if len(claimed) != 1 {
		t.Fatal("not claimed")
	}
	mustRecord(t, s, store.CheckResult{SiteID: created.ID, Result: result(monitor.StatusDown, t0.Add(time.Second)), Claimed: true})
	if got := mustGet(t, s, 1, created.ID).NextCheckAt; !got.Equal(t0.Add(21 * time.Second)) {
		t.Errorf("after a first failure the next check is at %v, want the retry interval later (%v)", got, t0.Add(21*time.Second))
	}
	// The scheduler claims it at the retry time and the failure repeats: retried again.
	claim(t, s, "w", t0.Add(21*time.Second), 10)
	mustRecord(t, s, store.CheckResult{SiteID: created.ID, Result: result(monitor.StatusDown, t0.Add(22*time.Second)), Claimed: true})
	if got := mustGet(t, s, 1, created.ID).NextCheckAt; !got.Equal(t0.Add(42 * time.Second)) {
		t.Errorf("after a second failure: next %v, want %v", got, t0.Add(42*time.Second))
	}
	// The third failure makes it down: back to its interval.
	claim(t, s, "w", t0.Add(42*time.Second), 10)
	mustRecord(t, s, store.CheckResult{SiteID: created.ID, Result: result(monitor.StatusDown, t0.Add(43*time.Second)), Claimed: true})
	if got := mustGet(t, s, 1, created.ID); got.Status != monitor.StatusDown || !got.NextCheckAt.Equal(t0.Add(342*time.Second)) {
		t.Errorf("once down: %s next %v, want the interval again (%v)", got.Status, got.NextCheckAt, t0.Add(342*time.Second))
	}
}

func testPingMovesAPushSitesDeadline(t *testing.T, s store.Store) {
	site := newSite(1, "cron", 300, t0.Add(6*time.Minute))
	site.Kind, site.URL, site.PushToken, site.GraceSeconds = monitor.KindPush, "", "tok", 60
	created := mustCreate(t, s, site)
	at := t0.Add(2 * time.Minute)
	mustRecord(t, s, store.CheckResult{SiteID: created.ID, Result: monitor.Result{CheckedAt: at, Status: monitor.StatusUp}, Ping: true})
	got := mustGet(t, s, 1, created.ID)
	if got.Status != monitor.StatusUp || got.LastPingAt == nil || !got.LastPingAt.Equal(at) || !got.NextCheckAt.Equal(at.Add(6*time.Minute)) {
		t.Errorf("after a ping: %s last ping %v next %v", got.Status, got.LastPingAt, got.NextCheckAt)
	}
}

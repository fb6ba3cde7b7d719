package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// recordSeries records one check a minute from at ("u" up, "d" down), each in its own batch,
// or all in one batch when together; it returns the time after the last.
func recordSeries(t *testing.T, s store.Store, siteID int64, at time.Time, checks string, together bool) time.Time {
	t.Helper()
	var batch []store.CheckResult
	for _, c := range checks {
		status := monitor.StatusUp
		if c == 'd' {
			status = monitor.StatusDown
		}
		r := store.CheckResult{SiteID: siteID, Result: result(status, at)}
		at = at.Add(time.Minute)
		if together {
			batch = append(batch, r)
			continue
		}
		mustRecord(t, s, r)
	}
	if together {
		mustRecord(t, s, batch...)
	}
	return at
}

// testFlappingIsKeptWithTheSite: the watch's memory, and its events, survive between batches.
func testFlappingIsKeptWithTheSite(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := mustCreate(t, s, newSite(1, "x", 60, t0))
	at := recordSeries(t, s, site.ID, t0, "u", false)
	at = recordSeries(t, s, site.ID, at, "dudud", false)
	if got := mustGet(t, s, 1, site.ID).Flap; got.Flapping || got.Changes != 0b11111 {
		t.Fatalf("after five changes: %+v", got)
	}
	at = recordSeries(t, s, site.ID, at, "u", false) // the sixth, from down: the down alert is open
	got := mustGet(t, s, 1, site.ID)
	if !got.Flap.Flapping || got.Flap.Count() != 6 || got.Flap.DownSince == nil || !got.Flap.DownSince.Equal(t0.Add(5*time.Minute)) ||
		got.Status != monitor.StatusUp {
		t.Fatalf("after six changes: %s %+v, want up, flapping, down since the fifth check", got.Status, got.Flap)
	}
	if list, _ := s.ListSites(ctx, 1, store.SiteFilter{}); len(list) != 1 || !list[0].Flap.Flapping {
		t.Errorf("listed without its flapping: %+v", list)
	}
	recordSeries(t, s, site.ID, at, strings.Repeat("u", 20), false)
	got = mustGet(t, s, 1, site.ID)
	if got.Flap.Flapping || got.Flap.DownSince != nil || got.Flap.Count() > 2 {
		t.Errorf("after twenty steady checks: %+v, want settled", got.Flap)
	}
	events, err := s.Events(ctx, 1, site.ID, store.HistoryQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var flaps []string
	for _, ev := range events {
		if ev.Kind == monitor.EventFlapping {
			flaps = append(flaps, fmt.Sprintf("%s>%s: %s", ev.From, ev.To, ev.Reason))
		}
	}
	want := []string{"flapping>stable: settled up: 2 status changes in the last 21 checks",
		"stable>flapping: 6 status changes in the last 21 checks"}
	if fmt.Sprint(flaps) != fmt.Sprint(want) {
		t.Errorf("flapping events %q, want %q", flaps, want)
	}
	if n := len(events) - len(flaps); n != 7 {
		t.Errorf("%d status events, want 7: flapping does not hide a change", n)
	}
}

// testSettleRecoversWhereTheDownWent: a flapping that begins while a down alert is open goes
// where that down went, and so does its settle, which is the down's recovery, whatever the
// site alerts now. Within one batch as across batches.
func testSettleRecoversWhereTheDownWent(t *testing.T, s store.Store) {
	for _, together := range []bool{false, true} {
		t.Run(fmt.Sprintf("one batch %v", together), func(t *testing.T) {
			ctx := context.Background()
			a := mustSaveWebhook(t, s, newWebhook(1, fmt.Sprintf("a%v", together), false))
			b := mustSaveWebhook(t, s, newWebhook(1, fmt.Sprintf("b%v", together), false))
			site := newSite(1, fmt.Sprintf("x%v", together), 60, t0)
			site.WebhookIDs = []int64{a.ID}
			created := mustCreate(t, s, site)
			before := len(notifications(t, s, 1))
			at := recordSeries(t, s, created.ID, t0, "udud", together)
			at = recordSeries(t, s, created.ID, at, "ud", together) // five changes; down, alerted to a
			created.WebhookIDs = []int64{b.ID}
			if _, err := s.UpdateSite(ctx, created, false); err != nil {
				t.Fatal(err)
			}
			// The sixth change starts the flapping; it goes on, then the site settles up.
			at = recordSeries(t, s, created.ID, at, "ududu"+strings.Repeat("u", 21), together)
			ns := notifications(t, s, 1)
			want := fmt.Sprintf("[down@%[1]d recovered@%[1]d down@%[1]d recovered@%[1]d down@%[1]d flapping@%[1]d settled@%[1]d]", a.ID)
			if got := kinds(ns[:len(ns)-before]); got != want {
				t.Errorf("notifications %s, want %s", got, want)
			}
			if settled := ns[0].Alert; settled.SiteStatus != monitor.StatusUp || settled.DownSince == nil || !settled.DownSince.Equal(t0.Add(5*time.Minute)) {
				t.Errorf("settled alert %+v: the recovery of the down of the sixth check", settled)
			}
			// The next outage goes to b, where the site alerts now.
			recordSeries(t, s, created.ID, at, "du", together)
			ns = notifications(t, s, 1)
			if got, want := kinds(ns[:2]), fmt.Sprintf("[down@%[1]d recovered@%[1]d]", b.ID); got != want {
				t.Errorf("next outage: %s, want %s", got, want)
			}
		})
	}
}

// testSettleInDownOpensAnOutage: a flapping that begins while up answers no down; when it
// settles down, the settle is routed like a down, to where the site alerts now, and the
// recovery follows it there.
func testSettleInDownOpensAnOutage(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustSaveWebhook(t, s, newWebhook(1, "a", false))
	b := mustSaveWebhook(t, s, newWebhook(1, "b", false))
	site := newSite(1, "x", 60, t0)
	site.WebhookIDs = []int64{a.ID}
	created := mustCreate(t, s, site)
	at := recordSeries(t, s, created.ID, t0, "dududud", false) // the first is no change; the sixth, to down, starts it
	if got := mustGet(t, s, 1, created.ID); !got.Flap.Flapping || got.Flap.DownSince != nil || got.Status != monitor.StatusDown {
		t.Fatalf("site %s %+v, want down and flapping, with no down alert open", got.Status, got.Flap)
	}
	created.WebhookIDs = []int64{b.ID}
	if _, err := s.UpdateSite(ctx, created, false); err != nil {
		t.Fatal(err)
	}
	recordSeries(t, s, created.ID, at, strings.Repeat("d", 21)+"u", false)
	ns := notifications(t, s, 1)
	want := fmt.Sprintf("[down@%[1]d recovered@%[1]d down@%[1]d recovered@%[1]d down@%[1]d recovered@%[1]d flapping@%[1]d settled@%[2]d recovered@%[2]d]", a.ID, b.ID)
	if got := kinds(ns); got != want {
		t.Errorf("notifications %s, want %s", got, want)
	}
	if settled := ns[1].Alert; settled.Kind != monitor.AlertSettled || settled.SiteStatus != monitor.StatusDown || settled.DownSince != nil {
		t.Errorf("settled alert %+v", settled)
	}
}

// testHeldChecksChangeNothing: a check held while Tocsin could not reach the network is
// history only: its site keeps its status and counts, no event, no alert; its claim ends.
func testHeldChecksChangeNothing(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustSaveWebhook(t, s, newWebhook(1, "w", true))
	site := mustCreate(t, s, newSite(1, "x", 60, t0))
	mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusUp, t0)})
	claimed := claim(t, s, "w1", t0.Add(time.Minute), 10)
	if len(claimed) != 1 {
		t.Fatalf("claimed %d sites", len(claimed))
	}
	held := monitor.Result{CheckedAt: t0.Add(time.Minute), Status: monitor.StatusDown, Error: "connection refused", NoAnswer: true}
	recs := mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: held, Claimed: true, Held: true})
	if len(recs) != 1 || !recs[0].Check.Held || recs[0].Event != nil || len(recs[0].Alerts) != 0 || recs[0].State.Status != monitor.StatusUp {
		t.Fatalf("recorded %+v", recs)
	}
	got := mustGet(t, s, 1, site.ID)
	if got.Status != monitor.StatusUp || got.ConsecutiveFailures != 0 || got.ConsecutiveSuccesses != 1 ||
		!got.LastStatusChange.Equal(t0) || got.LastChecked == nil || !got.LastChecked.Equal(held.CheckedAt) || got.LastError != "connection refused" {
		t.Errorf("site after a held check: %+v", got)
	}
	if again := claim(t, s, "w2", t0.Add(2*time.Minute), 10); len(again) != 1 {
		t.Errorf("the held check did not end its claim")
	}
	// A failure that is not held, in the same batch after a held one, starts from the kept state.
	mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: held, Held: true},
		store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, t0.Add(3*time.Minute))})
	history, err := s.History(ctx, 1, site.ID, store.HistoryQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var marks []bool
	for _, c := range history {
		marks = append(marks, c.Held)
	}
	if fmt.Sprint(marks) != "[false true true false]" {
		t.Errorf("held marks, newest first: %v", marks)
	}
	events, _ := s.Events(ctx, 1, site.ID, store.HistoryQuery{Limit: 10})
	if got := mustGet(t, s, 1, site.ID); got.Status != monitor.StatusDown || got.ConsecutiveFailures != 1 || len(events) != 2 {
		t.Errorf("after a real failure: %s, %d failures, %d events", got.Status, got.ConsecutiveFailures, len(events))
	}
	if got := kinds(notifications(t, s, 1)); !strings.HasPrefix(got, "[down@") || strings.Count(got, "@") != 1 {
		t.Errorf("notifications %s, want only the real failure's down", got)
	}
}

// testAccountAlertsNeedNoSite: an alert about the account goes to its default webhook, or to
// the webhooks named, with no site, and is listed and sent like any other.
func testAccountAlertsNeedNoSite(t *testing.T, s store.Store) {
	ctx := context.Background()
	down := monitor.Alert{Kind: monitor.AlertNetworkDown, At: t0, Error: "no canary answered"}
	if to, err := s.QueueAccountAlert(ctx, 1, nil, down); err != nil || len(to) != 0 {
		t.Fatalf("without a default webhook: %v %v", to, err)
	}
	w := mustSaveWebhook(t, s, newWebhook(1, "w", true))
	other := mustSaveWebhook(t, s, newWebhook(2, "other", true))
	to, err := s.QueueAccountAlert(ctx, 1, nil, down)
	if err != nil || fmt.Sprint(to) != fmt.Sprint([]int64{w.ID}) {
		t.Fatalf("queued to %v (%v), want the default %d", to, err, w.ID)
	}
	up := monitor.Alert{Kind: monitor.AlertNetworkUp, At: t0.Add(time.Minute), DownSince: &down.At}
	if to, err := s.QueueAccountAlert(ctx, 1, []int64{w.ID, other.ID}, up); err != nil || fmt.Sprint(to) != fmt.Sprint([]int64{w.ID}) {
		t.Fatalf("queued to %v (%v): only the owner's webhooks", to, err)
	}
	pending, err := s.PendingNotifications(ctx, w.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 2 || pending[0].SiteID != 0 || pending[0].EventID != nil || pending[0].Alert.Kind != monitor.AlertNetworkDown ||
		pending[1].Alert.Kind != monitor.AlertNetworkUp || pending[1].Alert.DownSince == nil {
		t.Fatalf("pending %+v", pending)
	}
	if got := kinds(notifications(t, s, 1)); got != fmt.Sprintf("[network_down@%[1]d network_up@%[1]d]", w.ID) {
		t.Errorf("listed %s", got)
	}
	if ns := notifications(t, s, 2); len(ns) != 0 {
		t.Errorf("another account got %s", kinds(ns))
	}
	if err := s.RecordDelivery(ctx, store.Delivery{WebhookID: w.ID, IDs: rowIDs(pending), Outcome: store.Delivered, At: t0}); err != nil {
		t.Fatal(err)
	}
}

// testSettleInDownKeepsTheOutageWhereItWent: a flapping that begins while a down alert is
// open and settles down leaves that outage open where it was announced: the settle, and the
// recovery after it, go there, whatever the site alerts now.
func testSettleInDownKeepsTheOutageWhereItWent(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustSaveWebhook(t, s, newWebhook(1, "a", false))
	b := mustSaveWebhook(t, s, newWebhook(1, "b", false))
	site := newSite(1, "x", 60, t0)
	site.WebhookIDs = []int64{a.ID}
	created := mustCreate(t, s, site)
	at := recordSeries(t, s, created.ID, t0, "ududud", false) // five changes, down: its down alerted to a
	created.WebhookIDs = []int64{b.ID}
	if _, err := s.UpdateSite(ctx, created, false); err != nil {
		t.Fatal(err)
	}
	recordSeries(t, s, created.ID, at, "ud"+strings.Repeat("d", 21)+"u", false) // flapping from down, settles down, recovers
	want := fmt.Sprintf("[down@%[1]d recovered@%[1]d down@%[1]d recovered@%[1]d down@%[1]d flapping@%[1]d settled@%[1]d recovered@%[1]d]", a.ID)
	if got := kinds(notifications(t, s, 1)); got != want {
		t.Errorf("notifications %s, want %s", got, want)
	}
}

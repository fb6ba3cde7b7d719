package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// testDeletingAWebhookKeepsItsHistory: what was delivered, failed or given up stays readable,
// marked as sent to a deleted webhook; only what was still waiting is dropped.
func testDeletingAWebhookKeepsItsHistory(t *testing.T, s store.Store) {
	ctx := context.Background()
	w := mustSaveWebhook(t, s, newWebhook(1, "w", true))
	queueDown(t, s, w, 4, t0)
	rows, _ := s.PendingNotifications(ctx, w.ID, 10)
	ids := rowIDs(rows)
	for _, d := range []store.Delivery{
		{IDs: ids[0:1], Outcome: store.Delivered, At: t0},
		{IDs: ids[1:2], Outcome: store.Failed, At: t0, Error: "400"},
		{IDs: ids[2:3], Outcome: store.Retry, At: t0, Error: "500", NextAttempt: t0, GiveUpBefore: t0.Add(time.Second)},
	} {
		d.WebhookID = w.ID
		if err := s.RecordDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteWebhook(ctx, 1, w.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range notifications(t, s, 1) {
		got = append(got, string(n.State))
		if n.WebhookID != w.ID || n.WebhookDeletedAt == nil || !n.WebhookDeletedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("row %d: webhook %d deleted at %v, want %d deleted at %v", n.ID, n.WebhookID, n.WebhookDeletedAt, w.ID, t0.Add(time.Hour))
		}
	}
	if want := "[given_up failed delivered]"; fmt.Sprint(got) != want {
		t.Errorf("after deleting the webhook: %v, want %s", got, want)
	}
	if _, err := s.Webhook(ctx, 1, w.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted webhook is still found: %v", err)
	}
	if _, err := s.DefaultWebhook(ctx, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted webhook is still the default: %v", err)
	}
	if list, _ := s.ListWebhooks(ctx, 1); len(list) != 0 {
		t.Errorf("a deleted webhook is still listed: %+v", list)
	}
	if err := s.DeleteWebhook(ctx, 1, w.ID, t0.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	// The same URL again is a new webhook; the old rows stay with the old one.
	again := mustSaveWebhook(t, s, newWebhook(1, "w", true))
	if again.ID == w.ID || !again.Default || again.State != monitor.WebhookActive {
		t.Errorf("setting the URL again: %+v, want a new active default webhook (old id %d)", again, w.ID)
	}
	queueDown(t, s, again, 1, t0.Add(2*time.Hour))
	if got := claimWebhooks(t, s, "d", t0.Add(3*time.Hour)); fmt.Sprint(got) != fmt.Sprint([]int64{again.ID}) {
		t.Errorf("claimed %v, want only the new webhook %d", got, again.ID)
	}
	if n := len(notifications(t, s, 1)); n != 4 {
		t.Errorf("%d notifications, want the 3 kept and 1 new", n)
	}
}

// testRecoveryGoesWhereTheDownWent: a recovery, and a reminder, answer a down alert, so they go
// to the webhooks the down alert went to, whatever the site alerts now.
func testRecoveryGoesWhereTheDownWent(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustSaveWebhook(t, s, newWebhook(1, "a", false))
	b := mustSaveWebhook(t, s, newWebhook(1, "b", false))
	site := newSite(1, "x", 60, t0)
	site.WebhookIDs, site.ResendIntervalMinutes = []int64{a.ID}, 1
	created := mustCreate(t, s, site)
	mustRecord(t, s, store.CheckResult{SiteID: created.ID, Result: result(monitor.StatusDown, t0)})
	created.WebhookIDs = []int64{b.ID}
	if _, err := s.UpdateSite(ctx, created, false); err != nil {
		t.Fatal(err)
	}
	mustRecord(t, s, store.CheckResult{SiteID: created.ID, Result: result(monitor.StatusDown, t0.Add(time.Minute))})
	mustRecord(t, s, store.CheckResult{SiteID: created.ID, Result: result(monitor.StatusUp, t0.Add(2*time.Minute))})
	want := fmt.Sprint([]string{fmt.Sprintf("down@%d", a.ID), fmt.Sprintf("still_down@%d", a.ID), fmt.Sprintf("recovered@%d", a.ID)})
	if got := kinds(notifications(t, s, 1)); got != want {
		t.Errorf("notifications %s, want %s", got, want)
	}
	// The next outage goes to b, and so does its recovery, even within one batch.
	mustRecord(t, s, store.CheckResult{SiteID: created.ID, Result: result(monitor.StatusDown, t0.Add(3*time.Minute))},
		store.CheckResult{SiteID: created.ID, Result: result(monitor.StatusUp, t0.Add(4*time.Minute))})
	ns := notifications(t, s, 1)
	if got, want := kinds(ns[:2]), fmt.Sprint([]string{fmt.Sprintf("down@%d", b.ID), fmt.Sprintf("recovered@%d", b.ID)}); got != want {
		t.Errorf("second outage: %s, want %s", got, want)
	}
}

// testDownWithNowhereToGoIsReported: a down alert that finds no webhook is reported (the
// scheduler logs it), the site says it alerts nowhere, and a webhook set later does not get a
// recovery for an outage it never heard of.
func testDownWithNowhereToGoIsReported(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := mustCreate(t, s, newSite(1, "x", 60, t0))
	if site.Alerting != monitor.AlertingNoWebhook || mustGet(t, s, 1, site.ID).Alerting != monitor.AlertingNoWebhook {
		t.Errorf("a site of an owner without webhooks alerts %q, want %q", mustGet(t, s, 1, site.ID).Alerting, monitor.AlertingNoWebhook)
	}
	rec := mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, t0)})
	if fmt.Sprint(rec[0].Unrouted) != fmt.Sprint([]monitor.AlertKind{monitor.AlertDown}) {
		t.Errorf("unrouted %v, want the down alert", rec[0].Unrouted)
	}
	w := mustSaveWebhook(t, s, newWebhook(1, "later", true))
	if got := mustGet(t, s, 1, site.ID).Alerting; got != "" {
		t.Errorf("with a default webhook the site alerts %q", got)
	}
	if list, _ := s.ListSites(ctx, 1, store.SiteFilter{}); len(list) != 1 || list[0].Alerting != "" {
		t.Errorf("listed: %+v", list)
	}
	rec = mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusUp, t0.Add(time.Minute))})
	if len(rec[0].Alerts) != 1 || len(rec[0].Unrouted) != 0 {
		t.Errorf("recovery: alerts %+v unrouted %v, want one alert, not reported", rec[0].Alerts, rec[0].Unrouted)
	}
	if ns := notifications(t, s, 1); len(ns) != 0 {
		t.Errorf("webhook %d got %s for an outage it never heard of", w.ID, kinds(ns))
	}
	// The next outage is routed.
	rec = mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, t0.Add(2*time.Minute))})
	if len(rec[0].Unrouted) != 0 || len(notifications(t, s, 1)) != 1 {
		t.Errorf("routed down: unrouted %v, %d notifications", rec[0].Unrouted, len(notifications(t, s, 1)))
	}
}

package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

func newWebhook(owner int64, name string, isDefault bool) monitor.Webhook {
	return monitor.Webhook{OwnerID: owner, URL: "https://discord.com/api/v10/webhooks/1/" + name, Name: name,
		ChannelID: "c-" + name, GuildID: "g", Default: isDefault, CreatedAt: t0}
}

func mustSaveWebhook(t *testing.T, s store.Store, w monitor.Webhook) monitor.Webhook {
	t.Helper()
	saved, err := s.SaveWebhook(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func notifications(t *testing.T, s store.Store, owner int64) []monitor.Notification {
	t.Helper()
	ns, err := s.ListNotifications(context.Background(), owner, store.NotificationQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func kinds(ns []monitor.Notification) string {
	var out []string
	for i := len(ns) - 1; i >= 0; i-- { // oldest first reads better
		out = append(out, fmt.Sprintf("%s@%d", ns[i].Alert.Kind, ns[i].WebhookID))
	}
	return fmt.Sprint(out)
}

func testWebhooksUpsertByURLAndKeepOneDefault(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustSaveWebhook(t, s, newWebhook(1, "a", true))
	if a.ID == 0 || !a.Default || a.State != monitor.WebhookActive || a.ChannelID != "c-a" || !a.CreatedAt.Equal(t0) {
		t.Fatalf("saved %+v", a)
	}
	b := mustSaveWebhook(t, s, newWebhook(1, "b", true))
	if def, err := s.DefaultWebhook(ctx, 1); err != nil || def.ID != b.ID {
		t.Fatalf("default after setting b: %+v %v", def, err)
	}
	if got, _ := s.Webhook(ctx, 1, a.ID); got.Default {
		t.Errorf("a is still default beside b")
	}
	again := newWebhook(1, "b", false)
	again.Name = "renamed"
	if got := mustSaveWebhook(t, s, again); got.ID != b.ID || got.Name != "renamed" || !got.Default {
		t.Errorf("re-saving b by its URL: %+v", got)
	}
	list, err := s.ListWebhooks(ctx, 1)
	if err != nil || len(list) != 2 || list[0].ID != a.ID {
		t.Errorf("list %+v %v", list, err)
	}
	if _, err := s.DefaultWebhook(ctx, 2); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("default of an owner without webhooks: %v", err)
	}
}

func testWebhooksBelongToTheirOwner(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustSaveWebhook(t, s, newWebhook(1, "a", true))
	if _, err := s.Webhook(ctx, 2, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other owner read: %v", err)
	}
	if err := s.DeleteWebhook(ctx, 2, a.ID, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other owner delete: %v", err)
	}
	if list, _ := s.ListWebhooks(ctx, 2); len(list) != 0 {
		t.Errorf("other owner list: %v", list)
	}
	// The same URL may be set by two owners, each for themselves.
	other := mustSaveWebhook(t, s, newWebhook(2, "a", true))
	if other.ID == a.ID {
		t.Errorf("owner 2 took owner 1's webhook row")
	}
	if err := s.DeleteWebhook(ctx, 1, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Webhook(ctx, 1, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted webhook: %v", err)
	}
}

func testSiteWebhookLinksRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustSaveWebhook(t, s, newWebhook(1, "a", false))
	b := mustSaveWebhook(t, s, newWebhook(1, "b", false))
	site := newSite(1, "x", 60, t0)
	site.WebhookIDs = []int64{b.ID, a.ID}
	created := mustCreate(t, s, site)
	want := fmt.Sprint([]int64{a.ID, b.ID})
	if got := mustGet(t, s, 1, created.ID).WebhookIDs; fmt.Sprint(got) != want {
		t.Errorf("get: %v, want %v", got, want)
	}
	list, _ := s.ListSites(ctx, 1, store.SiteFilter{})
	if fmt.Sprint(list[0].WebhookIDs) != want {
		t.Errorf("list: %v", list[0].WebhookIDs)
	}
	created.WebhookIDs = []int64{a.ID}
	if _, err := s.UpdateSite(ctx, created, false); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteWebhook(ctx, 1, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, s, 1, created.ID).WebhookIDs; len(got) != 0 {
		t.Errorf("after update and deleting the webhook: %v", got)
	}
}

func testAlertsAreQueuedWithTheStatusChange(t *testing.T, s store.Store) {
	def := mustSaveWebhook(t, s, newWebhook(1, "default", true))
	site := mustCreate(t, s, newSite(1, "a", 60, t0))
	quiet := mustCreate(t, s, newSite(2, "nobody-listens", 60, t0)) // owner 2 has no webhook
	steps := []monitor.Status{monitor.StatusUp, monitor.StatusDown, monitor.StatusDown, monitor.StatusUp, monitor.StatusUp}
	for i, st := range steps {
		at := t0.Add(time.Duration(i) * time.Minute)
		mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(st, at)}, store.CheckResult{SiteID: quiet.ID, Result: result(monitor.StatusDown, at)})
	}
	ns := notifications(t, s, 1)
	if got, want := kinds(ns), fmt.Sprint([]string{fmt.Sprintf("down@%d", def.ID), fmt.Sprintf("recovered@%d", def.ID)}); got != want {
		t.Fatalf("notifications %s, want %s", got, want)
	}
	down, recovered := ns[1], ns[0]
	if down.State != monitor.NotificationPending || down.Attempts != 0 || down.EventID == nil || down.SiteID != site.ID ||
		!down.NextAttemptAt.Equal(t0.Add(time.Minute)) || !down.CreatedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("down notification %+v", down)
	}
	if down.Alert.SiteName != "a" || down.Alert.StatusCode != 503 || down.Alert.Error == "" || !down.Alert.At.Equal(t0.Add(time.Minute)) {
		t.Errorf("down alert %+v", down.Alert)
	}
	if recovered.Alert.Downtime() != 2*time.Minute {
		t.Errorf("recovery downtime %v, want 2m", recovered.Alert.Downtime())
	}
	if len(notifications(t, s, 2)) != 0 {
		t.Errorf("an owner without webhooks got notifications")
	}
	// An alert outlives its site: it still tells what happened.
	if err := s.DeleteSite(context.Background(), 1, site.ID); err != nil {
		t.Fatal(err)
	}
	if ns := notifications(t, s, 1); len(ns) != 2 || ns[0].Alert.SiteName != "a" {
		t.Errorf("after deleting the site: %+v", ns)
	}
}

func testAlertsGoToTheSitesOwnWebhooks(t *testing.T, s store.Store) {
	mustSaveWebhook(t, s, newWebhook(1, "default", true))
	a := mustSaveWebhook(t, s, newWebhook(1, "a", false))
	b := mustSaveWebhook(t, s, newWebhook(1, "b", false))
	site := newSite(1, "x", 60, t0)
	site.WebhookIDs = []int64{a.ID, b.ID}
	created := mustCreate(t, s, site)
	mustRecord(t, s, store.CheckResult{SiteID: created.ID, Result: result(monitor.StatusDown, t0)})
	ns := notifications(t, s, 1)
	if len(ns) != 2 || ns[0].WebhookID == ns[1].WebhookID || (ns[0].WebhookID != a.ID && ns[0].WebhookID != b.ID) ||
		(ns[1].WebhookID != a.ID && ns[1].WebhookID != b.ID) {
		t.Errorf("notifications %s, want one to each of %d and %d", kinds(ns), a.ID, b.ID)
	}
}

func testRemindersWhileDown(t *testing.T, s store.Store) {
	mustSaveWebhook(t, s, newWebhook(1, "default", true))
	site := newSite(1, "x", 60, t0)
	site.ResendIntervalMinutes = 2
	site.FailureThreshold = 2
	created := mustCreate(t, s, site)
	for i, st := range []monitor.Status{monitor.StatusUp, monitor.StatusDown, monitor.StatusDown, monitor.StatusDown,
		monitor.StatusDown, monitor.StatusDown, monitor.StatusUp} {
		mustRecord(t, s, store.CheckResult{SiteID: created.ID, Result: result(st, t0.Add(time.Duration(i)*time.Minute))})
	}
	var got []string
	ns := notifications(t, s, 1)
	for i := len(ns) - 1; i >= 0; i-- {
		got = append(got, fmt.Sprintf("%s@%d", ns[i].Alert.Kind, int(ns[i].Alert.At.Sub(t0).Minutes())))
	}
	// Down at the second failure (minute 2), reminded two minutes later, recovered at minute 6.
	if want := "[down@2 still_down@4 recovered@6]"; fmt.Sprint(got) != want {
		t.Errorf("alerts %v, want %s", got, want)
	}
	if got := mustGet(t, s, 1, created.ID).LastAlertAt; got == nil || !got.Equal(t0.Add(4*time.Minute)) {
		t.Errorf("last alert at %v", got)
	}
}

// queueDown makes one pending down notification per site on webhook w, at time at.
func queueDown(t *testing.T, s store.Store, w monitor.Webhook, sites int, at time.Time) {
	t.Helper()
	var batch []store.CheckResult
	for i := range sites {
		site := newSite(w.OwnerID, fmt.Sprintf("%s-%d", w.Name, i), 60, t0)
		site.WebhookIDs = []int64{w.ID}
		batch = append(batch, store.CheckResult{SiteID: mustCreate(t, s, site).ID, Result: result(monitor.StatusDown, at)})
	}
	mustRecord(t, s, batch...)
}

func claimWebhooks(t *testing.T, s store.Store, worker string, now time.Time) []int64 {
	t.Helper()
	hooks, err := s.ClaimAlertWebhooks(context.Background(), store.Claim{Worker: worker, Now: now, Limit: 100, LeaseMargin: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, h := range hooks {
		ids = append(ids, h.ID)
	}
	return ids
}

func testClaimAlertWebhooksLeasesDueOnes(t *testing.T, s store.Store) {
	ctx := context.Background()
	due := mustSaveWebhook(t, s, newWebhook(1, "due", false))
	later := mustSaveWebhook(t, s, newWebhook(1, "later", false))
	mustSaveWebhook(t, s, newWebhook(1, "idle", false))
	queueDown(t, s, due, 2, t0)
	queueDown(t, s, later, 1, t0.Add(time.Hour))

	if got := claimWebhooks(t, s, "w1", t0); fmt.Sprint(got) != fmt.Sprint([]int64{due.ID}) {
		t.Fatalf("claimed %v, want only %d", got, due.ID)
	}
	if got := claimWebhooks(t, s, "w2", t0.Add(30*time.Second)); len(got) != 0 {
		t.Fatalf("a leased webhook was claimed again: %v", got)
	}
	rows, err := s.PendingNotifications(ctx, due.ID, 10)
	if err != nil || len(rows) != 2 || rows[0].ID > rows[1].ID {
		t.Fatalf("due rows %+v %v", rows, err)
	}
	if err := s.ReleaseWebhook(ctx, due.ID, "w2"); err != nil { // not w2's lease: no effect
		t.Fatal(err)
	}
	if got := claimWebhooks(t, s, "w2", t0.Add(30*time.Second)); len(got) != 0 {
		t.Fatalf("another worker released w1's lease: %v", got)
	}
	if err := s.ReleaseWebhook(ctx, due.ID, "w1"); err != nil {
		t.Fatal(err)
	}
	if got := claimWebhooks(t, s, "w2", t0.Add(30*time.Second)); fmt.Sprint(got) != fmt.Sprint([]int64{due.ID}) {
		t.Fatalf("after release: %v", got)
	}
	// w2 dies holding the lease; it runs out after a minute.
	if got := claimWebhooks(t, s, "w3", t0.Add(2*time.Minute)); fmt.Sprint(got) != fmt.Sprint([]int64{due.ID}) {
		t.Fatalf("after the lease expired: %v", got)
	}
}

func testConcurrentDispatchersNeverShareAWebhook(t *testing.T, s store.Store) {
	const n = 30
	for i := range n {
		queueDown(t, s, mustSaveWebhook(t, s, newWebhook(1, fmt.Sprint("w", i), false)), 1, t0)
	}
	var (
		mu     sync.Mutex
		counts = map[int64]int{}
		wg     sync.WaitGroup
	)
	for w := range 6 {
		wg.Go(func() {
			for {
				hooks, err := s.ClaimAlertWebhooks(context.Background(), store.Claim{Worker: fmt.Sprint("d", w), Now: t0, Limit: 4, LeaseMargin: time.Minute})
				if err != nil {
					t.Error(err)
					return
				}
				if len(hooks) == 0 {
					return
				}
				mu.Lock()
				for _, h := range hooks {
					counts[h.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(counts) != n {
		t.Errorf("claimed %d webhooks, want %d", len(counts), n)
	}
	for id, c := range counts {
		if c != 1 {
			t.Errorf("webhook %d claimed %d times", id, c)
		}
	}
}

func rowIDs(ns []monitor.Notification) []int64 {
	ids := make([]int64, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	return ids
}

func testDeliveryOutcomes(t *testing.T, s store.Store) {
	ctx := context.Background()
	w := mustSaveWebhook(t, s, newWebhook(1, "w", true))
	queueDown(t, s, w, 5, t0)
	rows, _ := s.PendingNotifications(ctx, w.ID, 10)
	ids := rowIDs(rows)
	deliver := func(d store.Delivery) {
		t.Helper()
		d.WebhookID = w.ID
		if err := s.RecordDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	at := t0.Add(time.Second)
	deliver(store.Delivery{IDs: ids[0:1], Outcome: store.Delivered, At: at})
	deliver(store.Delivery{IDs: ids[1:2], Outcome: store.Retry, At: at, Error: "500 Internal Server Error", NextAttempt: t0.Add(time.Minute), GiveUpBefore: t0.Add(-time.Hour)})
	deliver(store.Delivery{IDs: ids[2:3], Outcome: store.Retry, At: at, Error: "timeout", NextAttempt: t0.Add(time.Minute), GiveUpBefore: t0.Add(time.Second)})
	deliver(store.Delivery{IDs: ids[3:4], Outcome: store.Postpone, At: at, Error: "rate limited", NextAttempt: t0.Add(5 * time.Second)})
	deliver(store.Delivery{IDs: ids[4:5], Outcome: store.Failed, At: at, Error: "400 Invalid Form Body"})
	hook, _ := s.Webhook(ctx, 1, w.ID)
	if hook.LastDeliveryAt == nil || !hook.LastDeliveryAt.Equal(at) || hook.LastError != "400 Invalid Form Body" || hook.State != monitor.WebhookActive {
		t.Errorf("webhook after deliveries: %+v", hook)
	}
	// A late report on a delivered row does not undo it.
	deliver(store.Delivery{IDs: ids[0:1], Outcome: store.Failed, At: at, Error: "late"})

	byID := map[int64]monitor.Notification{}
	for _, n := range notifications(t, s, 1) {
		byID[n.ID] = n
	}
	check := func(id int64, state monitor.NotificationState, attempts int, lastError string) monitor.Notification {
		t.Helper()
		n := byID[id]
		if n.State != state || n.Attempts != attempts || n.LastError != lastError {
			t.Errorf("row %d: %s/%d/%q, want %s/%d/%q", id, n.State, n.Attempts, n.LastError, state, attempts, lastError)
		}
		return n
	}
	if n := check(ids[0], monitor.NotificationDelivered, 1, ""); n.DeliveredAt == nil || !n.DeliveredAt.Equal(at) {
		t.Errorf("delivered at %v", n.DeliveredAt)
	}
	if n := check(ids[1], monitor.NotificationPending, 1, "500 Internal Server Error"); !n.NextAttemptAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("retry at %v", n.NextAttemptAt)
	}
	check(ids[2], monitor.NotificationGivenUp, 1, "timeout")
	if n := check(ids[3], monitor.NotificationPending, 0, "rate limited"); !n.NextAttemptAt.Equal(t0.Add(5 * time.Second)) {
		t.Errorf("postponed to %v", n.NextAttemptAt)
	}
	check(ids[4], monitor.NotificationFailed, 1, "400 Invalid Form Body")
	if left, _ := s.PendingNotifications(ctx, w.ID, 10); fmt.Sprint(rowIDs(left)) != fmt.Sprint([]int64{ids[1], ids[3]}) {
		t.Errorf("still pending: %v, want the retried and the postponed rows", rowIDs(left))
	}
	// The queue keeps its order: its head (retried at +1m) holds the postponed row behind it.
	if got := claimWebhooks(t, s, "d", t0.Add(10*time.Second)); len(got) != 0 {
		t.Errorf("claimed at +10s while the queue's head waits until +1m: %v", got)
	}
	if got := claimWebhooks(t, s, "d", t0.Add(time.Minute)); fmt.Sprint(got) != fmt.Sprint([]int64{w.ID}) {
		t.Errorf("claimed at +1m: %v", got)
	}
}

func testDisabledWebhookHoldsItsAlertsUntilSetAgain(t *testing.T, s store.Store) {
	ctx := context.Background()
	w := mustSaveWebhook(t, s, newWebhook(1, "w", true))
	queueDown(t, s, w, 2, t0)
	rows, _ := s.PendingNotifications(ctx, w.ID, 10)
	if err := s.RecordDelivery(ctx, store.Delivery{WebhookID: w.ID, IDs: rowIDs(rows)[:1], Outcome: store.Disable, At: t0, Error: "404 Unknown Webhook"}); err != nil {
		t.Fatal(err)
	}
	hook, _ := s.Webhook(ctx, 1, w.ID)
	if hook.State != monitor.WebhookDisabled || hook.LastError != "404 Unknown Webhook" {
		t.Fatalf("webhook %+v", hook)
	}
	if got := claimWebhooks(t, s, "d", t0.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("a disabled webhook was claimed: %v", got)
	}
	for _, n := range notifications(t, s, 1) {
		if n.State != monitor.NotificationPending || n.Attempts != 0 {
			t.Errorf("held row %+v", n)
		}
	}
	// The user sets the webhook again: it is active and its held alerts go out.
	if again := mustSaveWebhook(t, s, newWebhook(1, "w", true)); again.State != monitor.WebhookActive || again.LastError != "" {
		t.Fatalf("after setting it again: %+v", again)
	}
	if got := claimWebhooks(t, s, "d", t0.Add(time.Hour)); fmt.Sprint(got) != fmt.Sprint([]int64{w.ID}) {
		t.Errorf("after setting it again, claimed %v", got)
	}
}

func testNotificationsListNewestFirst(t *testing.T, s store.Store) {
	ctx := context.Background()
	w := mustSaveWebhook(t, s, newWebhook(1, "w", true))
	queueDown(t, s, w, 5, t0)
	queueDown(t, s, mustSaveWebhook(t, s, newWebhook(2, "theirs", true)), 3, t0)
	all := notifications(t, s, 1)
	if len(all) != 5 || all[0].ID < all[4].ID {
		t.Fatalf("owner 1 sees %d rows (want 5, newest first): %v", len(all), rowIDs(all))
	}
	page, err := s.ListNotifications(ctx, 1, store.NotificationQuery{Limit: 2, BeforeID: all[1].ID})
	if err != nil || fmt.Sprint(rowIDs(page)) != fmt.Sprint(rowIDs(all[2:4])) {
		t.Errorf("page before %d: %v %v", all[1].ID, rowIDs(page), err)
	}
	if err := s.RecordDelivery(ctx, store.Delivery{WebhookID: w.ID, IDs: rowIDs(all[:1]), Outcome: store.Delivered, At: t0}); err != nil {
		t.Fatal(err)
	}
	delivered, _ := s.ListNotifications(ctx, 1, store.NotificationQuery{Limit: 10, State: monitor.NotificationDelivered})
	if fmt.Sprint(rowIDs(delivered)) != fmt.Sprint(rowIDs(all[:1])) {
		t.Errorf("delivered filter: %v", rowIDs(delivered))
	}
	if err := s.DeleteWebhook(ctx, 1, w.ID, t0); err != nil {
		t.Fatal(err)
	}
	// Deleting the webhook drops what it still had to send and keeps what it was sent.
	if left := notifications(t, s, 1); fmt.Sprint(rowIDs(left)) != fmt.Sprint(rowIDs(all[:1])) {
		t.Errorf("after deleting the webhook: %v, want only the delivered %v", rowIDs(left), rowIDs(all[:1]))
	}
}

func testReleaseClaimsFreesADeadRunsLeases(t *testing.T, s store.Store) {
	ctx := context.Background()
	mine := mustSaveWebhook(t, s, newWebhook(1, "mine", false))
	theirs := mustSaveWebhook(t, s, newWebhook(1, "theirs", false))
	queueDown(t, s, mine, 1, t0)
	queueDown(t, s, theirs, 1, t0)
	site := mustCreate(t, s, newSite(1, "site", 60, t0))
	if hooks := claimWebhooks(t, s, "host-a", t0); len(hooks) != 2 {
		t.Fatalf("claimed %v", hooks)
	}
	if err := s.ReleaseWebhook(ctx, theirs.ID, "host-a"); err != nil {
		t.Fatal(err)
	}
	if got := claimWebhooks(t, s, "host-b", t0); fmt.Sprint(got) != fmt.Sprint([]int64{theirs.ID}) {
		t.Fatalf("host-b claimed %v", got)
	}
	if got := claim(t, s, "host-a", t0, 10); len(got) == 0 {
		t.Fatal("no site claimed")
	}
	// host-a dies and starts again: its leases go, host-b's stay.
	if err := s.ReleaseClaims(ctx, "host-a"); err != nil {
		t.Fatal(err)
	}
	if got := claimWebhooks(t, s, "host-a", t0); fmt.Sprint(got) != fmt.Sprint([]int64{mine.ID}) {
		t.Errorf("after release, claimed %v, want only %d", got, mine.ID)
	}
	if got := claim(t, s, "host-a", t0.Add(time.Minute), 10); !containsID(got, site.ID) {
		t.Errorf("the site leased by the dead run was not claimable at its next slot: %v", ids(got))
	}
}

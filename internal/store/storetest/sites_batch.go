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

// A batch of new sites is stored as CreateSite stores each: same columns, same links, same
// reading of where alerts go.
func testCreateSitesStoresEachAsCreateSiteWould(t *testing.T, s store.Store) {
	ctx := context.Background()
	mine := mustSaveWebhook(t, s, newWebhook(1, "mine", false))
	gone := mustSaveWebhook(t, s, newWebhook(1, "gone", false))
	if err := s.DeleteWebhook(ctx, 1, gone.ID, t0); err != nil {
		t.Fatal(err)
	}
	theirs := mustSaveWebhook(t, s, newWebhook(2, "theirs", false))

	redirects := 0
	full := newSite(1, "full", 60, t0.Add(time.Second))
	full.HTTP = monitor.HTTPOptions{Method: "POST", Headers: map[string]string{"Authorization": "x"}, MaxRedirects: &redirects,
		BasicAuth: &monitor.BasicAuth{Username: "u", Password: "p"}, JSONSchema: `{"type":"object"}`}
	full.WebhookIDs = []int64{theirs.ID, mine.ID, gone.ID, mine.ID}
	push := newSite(1, "push", 300, t0.Add(2*time.Second))
	push.Kind, push.URL, push.PushToken, push.GraceSeconds = monitor.KindPush, "", "batch-token", 30
	paused := newSite(2, "paused", 120, t0)
	paused.Paused = true

	created, err := s.CreateSites(ctx, []monitor.Site{full, push, paused})
	if err != nil {
		t.Fatal(err)
	}
	if len(created) != 3 || created[0].ID >= created[1].ID || created[1].ID >= created[2].ID {
		t.Fatalf("want three sites with ascending ids in their order, got %+v", created)
	}
	if got := created[0].WebhookIDs; fmt.Sprint(got) != fmt.Sprint([]int64{mine.ID}) {
		t.Errorf("links %v: want only the owner's live webhook %d", got, mine.ID)
	}
	if created[2].Alerting != monitor.AlertingNoWebhook || created[0].Alerting != "" {
		t.Errorf("alerting: %q %q", created[0].Alerting, created[2].Alerting)
	}
	for i, want := range []monitor.Site{full, push, paused} {
		got := mustGet(t, s, want.OwnerID, created[i].ID)
		if !reflect.DeepEqual(got, created[i]) {
			t.Errorf("site %d read back differs from what CreateSites returned:\n got %+v\nwant %+v", i, got, created[i])
		}
		if got.Name != want.Name || got.Kind != kindOrHTTP(want.Kind) || !reflect.DeepEqual(got.HTTP, want.HTTP) || got.Paused != want.Paused ||
			got.PushToken != want.PushToken || got.GraceSeconds != want.GraceSeconds || !got.NextCheckAt.Equal(want.NextCheckAt) ||
			got.Status != monitor.StatusPending || got.CheckIntervalSeconds != want.CheckIntervalSeconds {
			t.Errorf("site %d stored as %+v, want the settings of %+v", i, got, want)
		}
	}
	if found, err := s.SiteByPushToken(ctx, "batch-token"); err != nil || found.ID != created[1].ID {
		t.Errorf("the push site by its token: %+v %v", found, err)
	}
	if got, err := s.CreateSites(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("an empty batch: %v %v", got, err)
	}
}

func kindOrHTTP(k monitor.Kind) monitor.Kind {
	if k == "" {
		return monitor.KindHTTP
	}
	return k
}

// One site the database refuses (a push token already taken) leaves no site of its batch.
func testCreateSitesIsAllOrNothing(t *testing.T, s store.Store) {
	ctx := context.Background()
	taken := newSite(1, "taken", 300, t0)
	taken.Kind, taken.URL, taken.PushToken = monitor.KindPush, "", "same-token"
	mustCreate(t, s, taken)
	batch := []monitor.Site{newSite(1, "a", 60, t0), newSite(1, "b", 60, t0), taken}
	if _, err := s.CreateSites(ctx, batch); err == nil {
		t.Fatal("a batch with a taken push token was stored")
	}
	if sites, _ := s.ListSites(ctx, 1, store.SiteFilter{}); len(sites) != 1 {
		t.Errorf("after the refused batch the owner has %d sites, want the 1 from before", len(sites))
	}
}

// A large batch keeps its order, and every site is claimable on its own schedule.
func testCreateSitesLargeBatch(t *testing.T, s store.Store) {
	const n = 2000
	batch := make([]monitor.Site, n)
	for i := range batch {
		batch[i] = newSite(1, fmt.Sprintf("site-%04d", i), 60, t0.Add(time.Duration(i)*time.Millisecond))
	}
	created, err := s.CreateSites(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, site := range created {
		if site.Name != batch[i].Name || (i > 0 && site.ID <= created[i-1].ID) {
			t.Fatalf("site %d is %q (id %d): the batch's order was not kept", i, site.Name, site.ID)
		}
	}
	if got := claim(t, s, "w", t0.Add(time.Second), n); len(got) != 1001 {
		t.Errorf("claimed %d sites due within a second, want 1001", len(got))
	}
}

// testUpdateWebhookRenamesMovesAndSetsTheDefault: UpdateChannel as PATCH /webhooks/{id} uses
// it: a webhook made default replaces the default Discord webhook, and only that one.
func testUpdateWebhookRenamesMovesAndSetsTheDefault(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustSaveWebhook(t, s, newWebhook(1, "a", true))
	b := mustSaveWebhook(t, s, newWebhook(1, "b", false))
	slack := mustCreateChannel(t, s, monitor.Channel{OwnerID: 1, Type: monitor.ChannelSlack, URL: "https://hooks.slack.com/services/T/B/x", Default: true})

	b.Name, b.Default = "pager", true
	got, err := s.UpdateChannel(ctx, b, store.ReplaceDefaultOfItsType)
	if err != nil || got.Name != "pager" || !got.Default || got.URL != b.URL {
		t.Fatalf("rename and make default: %+v %v", got, err)
	}
	if def, _ := s.DefaultWebhook(ctx, 1); def.ID != b.ID {
		t.Errorf("the default is %d, want %d", def.ID, b.ID)
	}
	if c, _ := s.Channel(ctx, 1, slack.ID); !c.Default {
		t.Errorf("the default Slack channel stopped being default when a webhook became the default one")
	}
	if c, _ := s.UpdateChannel(ctx, a, store.KeepOtherDefaults); !c.Default {
		t.Fatalf("made default again beside the others: %+v", c)
	}
	if c, _ := s.Channel(ctx, 1, b.ID); !c.Default {
		t.Errorf("KeepOtherDefaults unset the other default webhook")
	}
	a.Default = false
	if a, err = s.UpdateChannel(ctx, a, store.KeepOtherDefaults); err != nil {
		t.Fatal(err)
	}
	got.Default = false
	if got, err = s.UpdateChannel(ctx, got, store.ReplaceDefaultOfItsType); err != nil || got.Default {
		t.Fatalf("unset the default: %+v %v", got, err)
	}
	if _, err := s.DefaultWebhook(ctx, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after unsetting it, a default remains: %v", err)
	}

	// A disabled webhook given a new URL is active again.
	queueDown(t, s, a, 1, t0)
	rows, _ := s.PendingNotifications(ctx, a.ID, 10)
	if err := s.RecordDelivery(ctx, store.Delivery{WebhookID: a.ID, IDs: rowIDs(rows), Outcome: store.Disable, At: t0, Error: "404"}); err != nil {
		t.Fatal(err)
	}
	a.URL, a.ChannelID = "https://discord.com/api/v10/webhooks/1/new-token", "c-new"
	if got, err := s.UpdateChannel(ctx, a, store.ReplaceDefaultOfItsType); err != nil || got.State != monitor.WebhookActive || got.LastError != "" || got.ChannelID != "c-new" {
		t.Errorf("a new URL: %+v %v", got, err)
	}

	b.URL = a.URL
	if _, err := s.UpdateChannel(ctx, b, store.ReplaceDefaultOfItsType); !errors.Is(err, store.ErrChannelExists) {
		t.Errorf("taking another webhook's URL: %v", err)
	}
	b.OwnerID = 2
	if _, err := s.UpdateChannel(ctx, b, store.ReplaceDefaultOfItsType); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another owner's webhook: %v", err)
	}
	if err := s.DeleteWebhook(ctx, 1, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateChannel(ctx, a, store.ReplaceDefaultOfItsType); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted webhook: %v", err)
	}
}

func testMetricsSnapshotReadsEveryOwner(t *testing.T, s store.Store) {
	ctx := context.Background()
	up := mustCreate(t, s, newSite(1, "up", 60, t0))
	down := mustCreate(t, s, newSite(2, "down", 60, t0))
	paused := newSite(1, "paused", 60, t0)
	paused.Paused = true
	mustCreate(t, s, paused)
	notYet := mustCreate(t, s, newSite(1, "later", 60, t0.Add(time.Hour)))
	hook := mustSaveWebhook(t, s, newWebhook(2, "w", true))
	r := result(monitor.StatusUp, t0)
	expiry := t0.Add(30 * 24 * time.Hour)
	r.CertExpiresAt = &expiry
	mustRecord(t, s, store.CheckResult{SiteID: up.ID, Result: r}, store.CheckResult{SiteID: down.ID, Result: result(monitor.StatusDown, t0)})

	snap, err := s.MetricsSnapshot(ctx, t0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Sites) != 4 {
		t.Fatalf("sites %+v", snap.Sites)
	}
	g := snap.Sites[0]
	if g.ID != up.ID || g.Name != "up" || g.Kind != monitor.KindHTTP || g.Status != monitor.StatusUp || g.ResponseTimeMS == nil ||
		*g.ResponseTimeMS != 42 || g.CertExpiresAt == nil || !g.CertExpiresAt.Equal(expiry) {
		t.Errorf("the up site's gauges: %+v", g)
	}
	if g := snap.Sites[1]; g.Status != monitor.StatusDown || g.CertExpiresAt != nil {
		t.Errorf("the down site's gauges: %+v", g)
	}
	if g := snap.Sites[2]; !g.Paused || g.ResponseTimeMS != nil {
		t.Errorf("the paused site's gauges: %+v", g)
	}
	// Due: the paused site never is, "later" is an hour away, and a claimed site is not
	// counted (it has started).
	if snap.Due != 2 {
		t.Errorf("due %d, want 2 (up and down; the rest are paused or later)", snap.Due)
	}
	if snap, _ := s.MetricsSnapshot(ctx, notYet.NextCheckAt); snap.Due != 3 {
		t.Errorf("an hour on, due %d, want 3", snap.Due)
	}
	claim(t, s, "w", notYet.NextCheckAt, 1)
	if snap, _ := s.MetricsSnapshot(ctx, notYet.NextCheckAt); snap.Due != 2 {
		t.Errorf("after one is claimed, due %d, want 2", snap.Due)
	}
	if snap.Outbox[monitor.NotificationPending] != 1 || len(snap.Outbox) != 1 {
		t.Errorf("outbox %v, want the one down alert to %d pending", snap.Outbox, hook.ID)
	}
}

package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// testIDsAreNeverReused deletes the newest row of each kind and adds another: the new row's id
// must be above the deleted one, so a script holding an old id never acts on a new row.
func testIDsAreNeverReused(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustCreateUser(t, s, newUser("admin"), false) // so that the users below may be deleted
	n := 0
	unique := func(prefix string) string { n++; return fmt.Sprint(prefix, n) }
	kinds := []struct {
		name   string
		add    func(t *testing.T) int64
		remove func(t *testing.T, id int64) error
	}{
		{"site",
			func(t *testing.T) int64 { return mustCreate(t, s, newSite(1, unique("s"), 60, t0)).ID },
			func(t *testing.T, id int64) error { return s.DeleteSite(ctx, 1, id) }},
		{"webhook",
			func(t *testing.T) int64 { return mustSaveWebhook(t, s, newWebhook(1, unique("w"), false)).ID },
			func(t *testing.T, id int64) error { return s.DeleteWebhook(ctx, 1, id, t0) }},
		{"user",
			func(t *testing.T) int64 { return mustCreateUser(t, s, newUser(unique("user")), false).ID },
			func(t *testing.T, id int64) error { return s.DeleteUser(ctx, id) }},
		{"api key",
			func(t *testing.T) int64 {
				k, err := s.CreateAPIKey(ctx, monitor.APIKey{UserID: 1, Name: "k", Hint: "h", Hash: unique("hash"), CreatedAt: t0})
				if err != nil {
					t.Fatal(err)
				}
				return k.ID
			},
			func(t *testing.T, id int64) error { return s.DeleteAPIKey(ctx, 1, id) }},
	}
	for _, k := range kinds {
		k.add(t)
		newest := k.add(t)
		if err := k.remove(t, newest); err != nil {
			t.Fatalf("%s: %v", k.name, err)
		}
		if next := k.add(t); next <= newest {
			t.Errorf("%s: deleted %d, the next one got %d", k.name, newest, next)
		}
	}
}

// testHistoryIDsAreNeverReused does the same for checks, events and notifications, which go
// with their site or webhook.
func testHistoryIDsAreNeverReused(t *testing.T, s store.Store) {
	ctx := context.Background()
	downOnce := func(name string) (check, event, notification int64) {
		t.Helper()
		hook := mustSaveWebhook(t, s, newWebhook(1, name, true))
		site := mustCreate(t, s, newSite(1, name, 60, t0))
		rec := mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, t0)})
		hist, err := s.History(ctx, 1, site.ID, store.HistoryQuery{Limit: 1})
		if err != nil || len(hist) != 1 || rec[0].Event == nil {
			t.Fatalf("history %v %v, recorded %+v", hist, err, rec)
		}
		ns := notifications(t, s, 1)
		if err := s.DeleteSite(ctx, 1, site.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteWebhook(ctx, 1, hook.ID, t0); err != nil { // drops the pending notification
			t.Fatal(err)
		}
		return hist[0].ID, rec[0].Event.ID, ns[0].ID
	}
	c1, e1, n1 := downOnce("first")
	c2, e2, n2 := downOnce("second")
	if c2 <= c1 || e2 <= e1 || n2 <= n1 {
		t.Errorf("ids after deleting the newest rows: check %d→%d, event %d→%d, notification %d→%d", c1, c2, e1, e2, n1, n2)
	}
}

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// A result kept while the database was away, for a site another process has checked since, is
// stored as history and changes nothing: no status, no event, no alert, and the site's last
// check stays the newer one.
func testOvertakenResultIsHistoryOnly(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := mustCreate(t, s, newSite(1, "a", 60, t0))
	mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusUp, t0.Add(time.Minute))})
	recs := mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, t0.Add(30*time.Second)), Late: true})
	if len(recs) != 1 || recs[0].Event != nil || len(recs[0].Alerts) != 0 || recs[0].State.Status != monitor.StatusUp {
		t.Fatalf("an overtaken failure recorded %+v, want history only with the site up", recs)
	}
	got, err := s.Site(ctx, 1, site.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != monitor.StatusUp || got.LastChecked == nil || !got.LastChecked.Equal(t0.Add(time.Minute)) || got.StatusCode != 200 {
		t.Errorf("site after an overtaken failure: status %s, last checked %v, code %d; want up, %v, 200",
			got.Status, got.LastChecked, got.StatusCode, t0.Add(time.Minute))
	}
	history, err := s.History(ctx, 1, site.ID, store.HistoryQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 || history[1].Status != monitor.StatusDown {
		t.Errorf("history %+v, want the overtaken failure kept beneath the newer check", history)
	}
	// A newer result than the last check applies as usual.
	recs = mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, t0.Add(2*time.Minute)), Late: true})
	if recs[0].Event == nil || recs[0].State.Status != monitor.StatusDown {
		t.Errorf("a newer failure recorded %+v, want the site down", recs[0])
	}
}

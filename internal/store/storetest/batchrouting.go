package storetest

import (
	"fmt"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// testRecoveryEarlyInABatchFindsItsDown: a batch holding a recovery and then the next down of
// one site (results written late, after a database outage) sends the recovery where the down
// before the batch went; the batch's own later down is not the one it answers.
func testRecoveryEarlyInABatchFindsItsDown(t *testing.T, s store.Store) {
	w := mustSaveWebhook(t, s, newWebhook(1, "w", true))
	site := mustCreate(t, s, newSite(1, "x", 60, t0))
	at := recordSeries(t, s, site.ID, t0, "d", false)
	recs := mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusUp, at)},
		store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, at.Add(1))})
	if len(recs) != 2 || len(recs[0].Alerts) != 1 || len(recs[1].Alerts) != 1 {
		t.Fatalf("recorded %+v", recs)
	}
	if got, want := kinds(notifications(t, s, 1)), fmt.Sprintf("[down@%[1]d recovered@%[1]d down@%[1]d]", w.ID); got != want {
		t.Errorf("notifications %s, want %s", got, want)
	}
}

package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

func TestSitePageSaysWhenAWindowHoldsItsAlerts(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		s := f.add(site{name: "shop", checks: []monitor.Status{up}})
		other := f.add(site{name: "blog", checks: []monitor.Status{up}})
		if _, err := f.store.CreateMaintenance(context.Background(), monitor.Maintenance{OwnerID: s.OwnerID, Title: "DB upgrade",
			SiteIDs: []int64{s.ID}, Start: now.Add(-time.Minute), End: now.Add(time.Hour), CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		const note = "In maintenance (DB upgrade): checks go on, outage alerts are held until it ends."
		if got := f.get("/app/sites/" + itoa(s.ID)); !strings.Contains(got.body, note) {
			t.Errorf("the site page of a site in maintenance lacks %q", note)
		}
		if got := f.get("/app/sites/" + itoa(other.ID)); strings.Contains(got.body, "In maintenance") {
			t.Error("a site no window covers says it is in maintenance")
		}
	})
}

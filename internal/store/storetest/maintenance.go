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

func mustCreateMaintenance(t *testing.T, s store.Store, m monitor.Maintenance) monitor.Maintenance {
	t.Helper()
	if m.CreatedAt.IsZero() {
		m.CreatedAt, m.UpdatedAt = t0, t0
	}
	saved, err := s.CreateMaintenance(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func mustSync(t *testing.T, s store.Store, now time.Time) store.MaintenanceSweep {
	t.Helper()
	sweep, err := s.SyncMaintenance(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	return sweep
}

// maintenanceEvents lists the site's maintenance events, oldest first, as "from>to@minute".
func maintenanceEvents(t *testing.T, s store.Store, owner, siteID int64) []string {
	t.Helper()
	evs, err := s.Events(context.Background(), owner, siteID, store.HistoryQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(evs) - 1; i >= 0; i-- {
		if ev := evs[i]; ev.Kind == monitor.EventMonitoring {
			out = append(out, fmt.Sprintf("%s>%s@%d", ev.From, ev.To, int(ev.At.Sub(t0).Minutes())))
		}
	}
	return out
}

func testMaintenanceRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustCreate(t, s, newSite(1, "a", 60, t0)), mustCreate(t, s, newSite(1, "b", 60, t0))
	theirs := mustCreate(t, s, newSite(2, "theirs", 60, t0))
	oneOff := mustCreateMaintenance(t, s, monitor.Maintenance{OwnerID: 1, Title: "db", SiteIDs: []int64{b.ID, a.ID},
		Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour)})
	weekly := mustCreateMaintenance(t, s, monitor.Maintenance{OwnerID: 1, Title: "weekly", AllSites: true,
		Cron: "0 3 * * sun", Duration: 90 * time.Minute, Timezone: "Europe/Berlin"})
	got, err := s.Maintenance(ctx, 1, oneOff.ID)
	if err != nil || got.Title != "db" || fmt.Sprint(got.SiteIDs) != fmt.Sprint([]int64{a.ID, b.ID}) ||
		!got.Start.Equal(t0.Add(time.Hour)) || !got.End.Equal(t0.Add(2*time.Hour)) || got.Recurring() || !got.CreatedAt.Equal(t0) {
		t.Fatalf("one-off window read back as %+v, %v", got, err)
	}
	got, err = s.Maintenance(ctx, 1, weekly.ID)
	if err != nil || !got.AllSites || len(got.SiteIDs) != 0 || got.Cron != "0 3 * * sun" || got.Duration != 90*time.Minute ||
		got.Timezone != "Europe/Berlin" || !got.Start.IsZero() {
		t.Fatalf("recurring window read back as %+v, %v", got, err)
	}
	if _, err := s.Maintenance(ctx, 2, oneOff.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another owner's window: %v, want not found", err)
	}
	_, err = s.CreateMaintenance(ctx, monitor.Maintenance{OwnerID: 1, Title: "x", SiteIDs: []int64{theirs.ID},
		Start: t0, End: t0.Add(time.Hour), CreatedAt: t0, UpdatedAt: t0})
	var fe *monitor.FieldError
	if !errors.As(err, &fe) || fe.Field != "site_ids" {
		t.Errorf("a window over another owner's site: %v, want a site_ids error", err)
	}
	oneOff.Title, oneOff.SiteIDs, oneOff.UpdatedAt = "db upgrade", []int64{a.ID}, t0.Add(time.Minute)
	if got, err := s.UpdateMaintenance(ctx, oneOff); err != nil || got.Title != "db upgrade" || fmt.Sprint(got.SiteIDs) != fmt.Sprint([]int64{a.ID}) ||
		!got.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("update: %+v, %v", got, err)
	}
	oneOff.OwnerID = 2
	if _, err := s.UpdateMaintenance(ctx, oneOff); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update by another owner: %v", err)
	}
	if list, err := s.ListMaintenance(ctx, 1); err != nil || len(list) != 2 || list[0].ID != oneOff.ID {
		t.Fatalf("list: %+v, %v", list, err)
	}
	// A deleted site leaves the windows that named it.
	if err := s.DeleteSite(ctx, 1, a.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Maintenance(ctx, 1, oneOff.ID); len(got.SiteIDs) != 0 {
		t.Errorf("window still names a deleted site: %v", got.SiteIDs)
	}
	if err := s.DeleteMaintenance(ctx, 1, weekly.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMaintenance(ctx, 1, weekly.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

// A down inside a window alerts no one; the site, still down when the window ends, alerts once
// then; its recovery after follows that alert; and the window's time is left out of uptime.
func testMaintenanceHoldsADownUntilTheWindowEnds(t *testing.T, s store.Store) {
	hook := mustSaveWebhook(t, s, newWebhook(1, "default", true))
	site := mustCreate(t, s, newSite(1, "a", 60, t0))
	bystander := mustCreate(t, s, newSite(1, "b", 60, t0))
	mustCreateMaintenance(t, s, monitor.Maintenance{OwnerID: 1, Title: "db", SiteIDs: []int64{site.ID},
		Start: t0.Add(10 * time.Minute), End: t0.Add(20 * time.Minute)})
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	// Checked every minute: checks long overdue at the window's opening would be a gap in
	// monitoring.
	for m := range 10 {
		mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusUp, at(m))})
		if m != 5 {
			continue
		}
		if sw := mustSync(t, s, at(5)); sw != (store.MaintenanceSweep{}) {
			t.Errorf("sweep before the window: %+v", sw)
		}
	}
	if sw := mustSync(t, s, at(11)); sw.Opened != 1 {
		t.Errorf("sweep in the window: %+v, want one opened", sw)
	}
	if sw := mustSync(t, s, at(11)); sw != (store.MaintenanceSweep{}) {
		t.Errorf("second sweep in the window: %+v, want nothing", sw)
	}
	mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, at(12))},
		store.CheckResult{SiteID: bystander.ID, Result: result(monitor.StatusDown, at(12))})
	for m := 13; m < 20; m++ { // checks go on in the window, so no gap in monitoring
		mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, at(m))})
	}
	if got := mustGet(t, s, 1, site.ID); got.Status != monitor.StatusDown || !got.MaintenanceHeld {
		t.Fatalf("site in its window: status %s, held %v; want down and held", got.Status, got.MaintenanceHeld)
	}
	if got, want := kinds(notifications(t, s, 1)), fmt.Sprint([]string{fmt.Sprintf("down@%d", hook.ID)}); got != want {
		t.Fatalf("notifications in the window %s, want only the bystander's down %s", got, want)
	}
	if sw := mustSync(t, s, at(21)); sw.Closed != 1 || sw.Alerts != 1 {
		t.Errorf("sweep after the window: %+v, want one closed and one alert", sw)
	}
	if sw := mustSync(t, s, at(22)); sw != (store.MaintenanceSweep{}) {
		t.Errorf("second sweep after the window: %+v, want nothing", sw)
	}
	for m := 21; m < 25; m++ {
		mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, at(m))})
	}
	mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusUp, at(25))})
	var siteAlerts []string
	for _, n := range notifications(t, s, 1) {
		if n.SiteID == site.ID {
			siteAlerts = append([]string{fmt.Sprintf("%s@%d", n.Alert.Kind, int(n.Alert.At.Sub(t0).Minutes()))}, siteAlerts...)
		}
	}
	if fmt.Sprint(siteAlerts) != "[down@20 recovered@25]" {
		t.Errorf("site alerts %v, want [down@20 recovered@25]: the owed down once, at the window's end, then its recovery", siteAlerts)
	}
	if got := maintenanceEvents(t, s, 1, site.ID); fmt.Sprint(got) != "[active>maintenance@10 maintenance>active@20]" {
		t.Errorf("maintenance events %v", got)
	}
	if got := maintenanceEvents(t, s, 1, bystander.ID); len(got) != 0 {
		t.Errorf("a site outside the window got maintenance events %v", got)
	}
	evs, err := s.Events(context.Background(), 1, site.ID, store.HistoryQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	f := monitor.NewHistory(evs, nil).Figures(at(0), at(30))
	if f.Excluded != 10*time.Minute || f.Down != 5*time.Minute || f.Up != 15*time.Minute {
		t.Errorf("uptime figures: up %s, down %s, excluded %s; want 15m, 5m and the window's 10m", f.Up, f.Down, f.Excluded)
	}
	// The ledgers /uptime reads leave the window out too.
	fleet, err := s.FleetUptime(context.Background(), 1, at(0), at(25))
	if err != nil {
		t.Fatal(err)
	}
	for _, sf := range fleet {
		if sf.SiteID == site.ID && (sf.Excluded != 10*time.Minute || sf.Down != 5*time.Minute || sf.Up != 10*time.Minute) {
			t.Errorf("ledger figures: up %s, down %s, excluded %s; want 10m, 5m and the window's 10m", sf.Up, sf.Down, sf.Excluded)
		}
	}
}

// A recovery inside a window answers a down alerted before it, and is sent.
func testMaintenanceSendsTheRecoveryOfAnEarlierDown(t *testing.T, s store.Store) {
	mustSaveWebhook(t, s, newWebhook(1, "default", true))
	site := mustCreate(t, s, newSite(1, "a", 60, t0))
	mustCreateMaintenance(t, s, monitor.Maintenance{OwnerID: 1, Title: "all", AllSites: true,
		Start: t0.Add(10 * time.Minute), End: t0.Add(20 * time.Minute)})
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, at(5))})
	mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, at(11))})
	mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusUp, at(12))})
	mustSync(t, s, at(21))
	var got []string
	for _, n := range notifications(t, s, 1) {
		got = append([]string{fmt.Sprintf("%s@%d", n.Alert.Kind, int(n.Alert.At.Sub(t0).Minutes()))}, got...)
	}
	if fmt.Sprint(got) != "[down@5 recovered@12]" {
		t.Errorf("alerts %v, want [down@5 recovered@12]", got)
	}
}

// Several processes sweeping at once write each opening and closing once.
func testConcurrentMaintenanceSweepsWriteOnce(t *testing.T, s store.Store) {
	mustSaveWebhook(t, s, newWebhook(1, "default", true))
	var sites []monitor.Site
	for i := range 5 {
		// Checked every 10 minutes: at a shorter interval, a window closing 5 minutes after
		// the last check would find a gap in monitoring, with events of its own.
		sites = append(sites, mustCreate(t, s, newSite(1, fmt.Sprint("s", i), 600, t0)))
	}
	mustCreateMaintenance(t, s, monitor.Maintenance{OwnerID: 1, Title: "all", AllSites: true,
		Start: t0.Add(10 * time.Minute), End: t0.Add(20 * time.Minute)})
	for _, site := range sites {
		mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, t0.Add(15*time.Minute))})
	}
	for _, now := range []time.Time{t0.Add(15 * time.Minute), t0.Add(25 * time.Minute)} {
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.SyncMaintenance(context.Background(), now); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	for _, site := range sites {
		if got := maintenanceEvents(t, s, 1, site.ID); fmt.Sprint(got) != "[active>maintenance@10 maintenance>active@20]" {
			t.Errorf("site %d maintenance events %v", site.ID, got)
		}
	}
	if ns := notifications(t, s, 1); len(ns) != len(sites) {
		t.Errorf("%d notifications, want one owed down per site: %s", len(ns), kinds(ns))
	}
}

// A recurring window opens at its local time on both sides of a change of the clocks: 03:00 in
// Berlin is 02:00Z in winter and 01:00Z from the night clocks go forward (2026-03-29). The
// sweep, run at fixed times, dates each opening and closing from the window, not from itself.
func testRecurringMaintenanceFollowsTheLocalClockAcrossDST(t *testing.T, s store.Store) {
	site := mustCreate(t, s, newSite(1, "a", 60, t0))
	mustCreateMaintenance(t, s, monitor.Maintenance{OwnerID: 1, Title: "nightly", SiteIDs: []int64{site.ID},
		Cron: "0 3 * * *", Duration: time.Hour, Timezone: "Europe/Berlin"})
	for _, now := range []string{"2026-03-28T02:30:00Z", "2026-03-28T03:30:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z"} {
		at, _ := time.Parse(time.RFC3339, now)
		mustSync(t, s, at)
	}
	evs, err := s.Events(context.Background(), 1, site.ID, store.HistoryQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(evs) - 1; i >= 0; i-- {
		got = append(got, fmt.Sprintf("%s@%s", evs[i].To, evs[i].At.UTC().Format("01-02T15:04")))
	}
	want := "[maintenance@03-28T02:00 active@03-28T03:00 maintenance@03-29T01:00 active@03-29T02:00]"
	if fmt.Sprint(got) != want {
		t.Errorf("events %v, want %s", got, want)
	}
}

package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// T0 is the suite's "now"; stores never read the clock, so every time is relative to it.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Run holds a store implementation to the behaviour Tocsin relies on. open must return a new,
// empty store each time it is called.
func Run(t *testing.T, open func(t testing.TB) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"CreateAndReadSite", testCreateAndReadSite},
		{"SitesBelongToTheirOwner", testSitesBelongToTheirOwner},
		{"ListIsOrderedAndFilters", testListIsOrderedAndFilters},
		{"SitesDigestChangesWithWhatTheOverviewShows", testSitesDigestChangesWithWhatTheOverviewShows},
		{"SitePageIsWorstFirstFilteredAndPaged", testSitePageIsWorstFirstFilteredAndPaged},
		{"UpdateMovesScheduleOnlyWhenAsked", testUpdateMovesScheduleOnlyWhenAsked},
		{"DeleteTakesTheHistory", testDeleteTakesTheHistory},
		{"ClaimTakesOnlyDueUnpausedSites", testClaimTakesOnlyDueUnpausedSites},
		{"ClaimSkipsMissedSlots", testClaimSkipsMissedSlots},
		{"ClaimAheadOfTheClockTakesOneSlot", testClaimAheadOfTheClockTakesOneSlot},
		{"ClaimHonoursLimitAndOrder", testClaimHonoursLimitAndOrder},
		{"ClaimIsLeasedToItsWorkerUntilExpired", testClaimIsLeasedToItsWorkerUntilExpired},
		{"ARetryEndsTheLease", testARetryEndsTheLease},
		{"ClaimReadsOnlySitesNotHeldAtTheirVersion", testClaimReadsOnlySitesNotHeldAtTheirVersion},
		{"ConcurrentClaimsNeverShareASite", testConcurrentClaimsNeverShareASite},
		{"RecordAppliesStatusRules", testRecordAppliesStatusRules},
		{"RecordFoldsSeveralResultsForOneSite", testRecordFoldsSeveralResultsForOneSite},
		{"RecordDropsDeletedSites", testRecordDropsDeletedSites},
		{"OvertakenResultIsHistoryOnly", testOvertakenResultIsHistoryOnly},
		{"ConcurrentRecordsFlipOnce", testConcurrentRecordsFlipOnce},
		{"HistoryPagesNewestFirst", testHistoryPagesNewestFirst},
		{"EventsNewestFirst", testEventsNewestFirst},
		{"ResumeSpreadsOverdueSites", testResumeSpreadsOverdueSites},
		{"WebhooksUpsertByURLAndKeepOneDefault", testWebhooksUpsertByURLAndKeepOneDefault},
		{"WebhooksBelongToTheirOwner", testWebhooksBelongToTheirOwner},
		{"SiteWebhookLinksRoundTrip", testSiteWebhookLinksRoundTrip},
		{"AlertsAreQueuedWithTheStatusChange", testAlertsAreQueuedWithTheStatusChange},
		{"AlertsGoToTheSitesOwnWebhooks", testAlertsGoToTheSitesOwnWebhooks},
		{"RemindersWhileDown", testRemindersWhileDown},
		{"ClaimAlertWebhooksLeasesDueOnes", testClaimAlertWebhooksLeasesDueOnes},
		{"ConcurrentDispatchersNeverShareAWebhook", testConcurrentDispatchersNeverShareAWebhook},
		{"DeliveryOutcomes", testDeliveryOutcomes},
		{"DisabledWebhookHoldsItsAlertsUntilSetAgain", testDisabledWebhookHoldsItsAlertsUntilSetAgain},
		{"NotificationsListNewestFirst", testNotificationsListNewestFirst},
		{"ReleaseClaimsFreesADeadRunsLeases", testReleaseClaimsFreesADeadRunsLeases},
		{"FirstUserIsAdminAndAdoptsOrphans", testFirstUserIsAdminAndAdoptsOrphans},
		{"ConcurrentFirstSignUpsMakeOneAdmin", testConcurrentFirstSignUpsMakeOneAdmin},
		{"DeleteUserTakesTheirDataButNotTheLastAdmin", testDeleteUserTakesTheirDataButNotTheLastAdmin},
		{"APIKeys", testAPIKeys},
		{"SessionsExpireAndEnd", testSessionsExpireAndEnd},
		{"PasswordChangeEndsSessions", testPasswordChangeEndsSessions},
		{"SharedSecretIsWrittenOnce", testSharedSecretIsWrittenOnce},
		{"SiteSettingsRoundTrip", testSiteSettingsRoundTrip},
		{"ChecksKeepTheirTimings", testChecksKeepTheirTimings},
		{"CertificateAlertsOncePerThreshold", testCertificateAlertsOncePerThreshold},
		{"LatencyWatchIsKeptAcrossBatches", testLatencyWatchIsKeptAcrossBatches},
		{"RetryIntervalConfirmsFailuresSooner", testRetryIntervalConfirmsFailuresSooner},
		{"PingMovesAPushSitesDeadline", testPingMovesAPushSitesDeadline},
		{"IDsAreNeverReused", testIDsAreNeverReused},
		{"HistoryIDsAreNeverReused", testHistoryIDsAreNeverReused},
		{"DeletingAWebhookKeepsItsHistory", testDeletingAWebhookKeepsItsHistory},
		{"RecoveryGoesWhereTheDownWent", testRecoveryGoesWhereTheDownWent},
		{"DownWithNowhereToGoIsReported", testDownWithNowhereToGoIsReported},
		{"ChannelsOfEveryTypeRoundTrip", testChannelsOfEveryTypeRoundTrip},
		{"EveryDefaultChannelAlerts", testEveryDefaultChannelAlerts},
		{"UpdateChannelSetsItAgain", testUpdateChannelSetsItAgain},
		{"DeletedChannelsAlertsStayListed", testDeletedChannelsAlertsStayListed},
		{"AccountAlertsGoToEveryDefaultChannel", testAccountAlertsGoToEveryDefaultChannel},
		{"CreateSitesStoresEachAsCreateSiteWould", testCreateSitesStoresEachAsCreateSiteWould},
		{"CreateSitesIsAllOrNothing", testCreateSitesIsAllOrNothing},
		{"CreateSitesLargeBatch", testCreateSitesLargeBatch},
		{"UpdateWebhookRenamesMovesAndSetsTheDefault", testUpdateWebhookRenamesMovesAndSetsTheDefault},
		{"MetricsSnapshotReadsEveryOwner", testMetricsSnapshotReadsEveryOwner},
		{"RecoveryEarlyInABatchFindsItsDown", testRecoveryEarlyInABatchFindsItsDown},
		{"FlappingIsKeptWithTheSite", testFlappingIsKeptWithTheSite},
		{"SettleRecoversWhereTheDownWent", testSettleRecoversWhereTheDownWent},
		{"SettleInDownOpensAnOutage", testSettleInDownOpensAnOutage},
		{"SettleInDownKeepsTheOutageWhereItWent", testSettleInDownKeepsTheOutageWhereItWent},
		{"HeldChecksChangeNothing", testHeldChecksChangeNothing},
		{"AccountAlertsNeedNoSite", testAccountAlertsNeedNoSite},
		{"UptimeFromEventsAndLedger", testUptimeFromEventsAndLedger},
		{"PausesAndGapsAreExcluded", testPausesAndGapsAreExcluded},
		{"OverlappingExclusionsAreLeftOutOnce", testOverlappingExclusionsAreLeftOutOnce},
		{"RetentionKeepsFiguresAndRollups", testRetentionKeepsFiguresAndRollups},
		{"BackdatingCrossesTheHour", testBackdatingCrossesTheHour},
		{"StatusPagesRoundTripAndSlugsAreUnique", testStatusPagesRoundTripAndSlugsAreUnique},
		{"SitesByIDAreTheOwners", testSitesByIDAreTheOwners},
		{"SitesEventsReadWhatWasInForce", testSitesEventsReadWhatWasInForce},
		{"BadgeTokens", testBadgeTokens},
		{"StatusPagesGoWithTheirAccount", testStatusPagesGoWithTheirAccount},
		{"MaintenanceRoundTrip", testMaintenanceRoundTrip},
		{"MaintenanceHoldsADownUntilTheWindowEnds", testMaintenanceHoldsADownUntilTheWindowEnds},
		{"MaintenanceSendsTheRecoveryOfAnEarlierDown", testMaintenanceSendsTheRecoveryOfAnEarlierDown},
		{"ConcurrentMaintenanceSweepsWriteOnce", testConcurrentMaintenanceSweepsWriteOnce},
		{"RecurringMaintenanceFollowsTheLocalClockAcrossDST", testRecurringMaintenanceFollowsTheLocalClockAcrossDST},
		{"Ping", func(t *testing.T, s store.Store) {
			if err := s.Ping(context.Background()); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open(t))
		})
	}
}

func newSite(owner int64, name string, interval int, next time.Time) monitor.Site {
	return monitor.Site{
		OwnerID: owner, Name: name, URL: "http://127.0.0.1:1/" + name,
		CheckIntervalSeconds: interval, TimeoutSeconds: min(interval, 5), ExpectedStatusCode: 200, FailureThreshold: 1,
		NextCheckAt: next, CreatedAt: t0,
	}
}

func mustCreate(t *testing.T, s store.Store, site monitor.Site) monitor.Site {
	t.Helper()
	created, err := s.CreateSite(context.Background(), site)
	if err != nil {
		t.Fatal(err)
	}
	return created
}

func mustGet(t *testing.T, s store.Store, owner, id int64) monitor.Site {
	t.Helper()
	site, err := s.Site(context.Background(), owner, id)
	if err != nil {
		t.Fatal(err)
	}
	return site
}

func result(status monitor.Status, at time.Time) monitor.Result {
	r := monitor.Result{CheckedAt: at, Status: status, StatusCode: 200, ResponseTime: 42 * time.Millisecond}
	if status == monitor.StatusDown {
		r.StatusCode, r.Error = 503, "expected status 200, got 503"
	}
	return r
}

func mustRecord(t *testing.T, s store.Store, results ...store.CheckResult) []store.Recorded {
	t.Helper()
	recs, err := s.RecordChecks(context.Background(), results)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func claim(t *testing.T, s store.Store, worker string, now time.Time, limit int) []monitor.Site {
	t.Helper()
	sites, err := s.ClaimDueSites(context.Background(), store.Claim{Worker: worker, Now: now, Limit: limit, LeaseMargin: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return sites
}

func ids(sites []monitor.Site) []int64 {
	out := make([]int64, len(sites))
	for i, s := range sites {
		out[i] = s.ID
	}
	return out
}

func testCreateAndReadSite(t *testing.T, s store.Store) {
	in := newSite(1, "a", 60, t0.Add(1500*time.Microsecond))
	in.Paused = true
	created := mustCreate(t, s, in)
	if created.ID == 0 || created.Status != monitor.StatusPending {
		t.Fatalf("created %+v", created)
	}
	got := mustGet(t, s, 1, created.ID)
	if got.Name != "a" || got.URL != in.URL || got.CheckIntervalSeconds != 60 || got.TimeoutSeconds != 5 ||
		got.ExpectedStatusCode != 200 || !got.Paused || got.OwnerID != 1 {
		t.Errorf("settings did not round-trip: %+v", got)
	}
	if !got.NextCheckAt.Equal(in.NextCheckAt) || !got.CreatedAt.Equal(t0) || got.NextCheckAt.Location() != time.UTC {
		t.Errorf("times did not round-trip to the microsecond in UTC: next %v created %v", got.NextCheckAt, got.CreatedAt)
	}
	if got.LastChecked != nil || got.LastStatusChange != nil || got.ResponseTimeMS != nil {
		t.Errorf("a new site has check state: %+v", got)
	}
	if _, err := s.Site(context.Background(), 1, created.ID+1000); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}

func testSitesBelongToTheirOwner(t *testing.T, s store.Store) {
	ctx := context.Background()
	mine := mustCreate(t, s, newSite(1, "mine", 60, t0))
	mustRecord(t, s, store.CheckResult{SiteID: mine.ID, Result: result(monitor.StatusUp, t0)})
	if _, err := s.Site(ctx, 2, mine.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other owner read: %v", err)
	}
	other := mine
	other.OwnerID = 2
	other.Name = "stolen"
	if _, err := s.UpdateSite(ctx, other, false); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other owner update: %v", err)
	}
	if err := s.DeleteSite(ctx, 2, mine.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other owner delete: %v", err)
	}
	if _, err := s.History(ctx, 2, mine.ID, store.HistoryQuery{Limit: 10}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other owner history: %v", err)
	}
	if _, err := s.Events(ctx, 2, mine.ID, store.HistoryQuery{Limit: 10}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other owner events: %v", err)
	}
	list, err := s.ListSites(ctx, 2, store.SiteFilter{})
	if err != nil || len(list) != 0 {
		t.Errorf("other owner list: %v %v", list, err)
	}
	if got := mustGet(t, s, 1, mine.ID); got.Name != "mine" {
		t.Errorf("site changed by another owner: %+v", got)
	}
}

func testListIsOrderedAndFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	var all []int64
	for i := range 5 {
		all = append(all, mustCreate(t, s, newSite(1, fmt.Sprint("s", i), 60, t0)).ID)
	}
	mustRecord(t, s,
		store.CheckResult{SiteID: all[1], Result: result(monitor.StatusUp, t0)},
		store.CheckResult{SiteID: all[3], Result: result(monitor.StatusDown, t0)},
		store.CheckResult{SiteID: all[4], Result: result(monitor.StatusUp, t0)})
	tests := []struct {
		status monitor.Status
		want   []int64
	}{
		{"", all},
		{monitor.StatusUp, []int64{all[1], all[4]}},
		{monitor.StatusDown, []int64{all[3]}},
		{monitor.StatusPending, []int64{all[0], all[2]}},
	}
	for _, tt := range tests {
		list, err := s.ListSites(ctx, 1, store.SiteFilter{Status: tt.status})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ids(list)) != fmt.Sprint(tt.want) {
			t.Errorf("status %q: got %v, want %v", tt.status, ids(list), tt.want)
		}
	}
}

func testUpdateMovesScheduleOnlyWhenAsked(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := mustCreate(t, s, newSite(1, "a", 60, t0.Add(time.Minute)))
	edit := site
	edit.Name, edit.URL, edit.CheckIntervalSeconds, edit.TimeoutSeconds, edit.ExpectedStatusCode, edit.Paused =
		"b", "https://example.com/", 120, 7, 204, true
	edit.NextCheckAt = t0.Add(time.Hour)
	got, err := s.UpdateSite(ctx, edit, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "b" || got.URL != "https://example.com/" || got.CheckIntervalSeconds != 120 || got.TimeoutSeconds != 7 ||
		got.ExpectedStatusCode != 204 || !got.Paused {
		t.Errorf("settings not written: %+v", got)
	}
	if !got.NextCheckAt.Equal(site.NextCheckAt) {
		t.Errorf("schedule moved without reschedule: %v", got.NextCheckAt)
	}
	got, err = s.UpdateSite(ctx, edit, true)
	if err != nil {
		t.Fatal(err)
	}
	if !got.NextCheckAt.Equal(edit.NextCheckAt) {
		t.Errorf("schedule not moved: %v", got.NextCheckAt)
	}
	edit.ID += 1000
	if _, err := s.UpdateSite(ctx, edit, false); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}

func testDeleteTakesTheHistory(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := mustCreate(t, s, newSite(1, "a", 60, t0))
	mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, t0)})
	if err := s.DeleteSite(ctx, 1, site.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Site(ctx, 1, site.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted site still readable: %v", err)
	}
	if _, err := s.History(ctx, 1, site.ID, store.HistoryQuery{Limit: 10}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted site's history: %v", err)
	}
	if err := s.DeleteSite(ctx, 1, site.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

func testClaimTakesOnlyDueUnpausedSites(t *testing.T, s store.Store) {
	due := mustCreate(t, s, newSite(1, "due", 60, t0.Add(-time.Second)))
	dueNow := mustCreate(t, s, newSite(1, "now", 60, t0))
	mustCreate(t, s, newSite(1, "later", 60, t0.Add(time.Second)))
	paused := newSite(1, "paused", 60, t0.Add(-time.Second))
	paused.Paused = true
	mustCreate(t, s, paused)

	got := claim(t, s, "w1", t0, 100)
	if fmt.Sprint(ids(got)) != fmt.Sprint([]int64{due.ID, dueNow.ID}) {
		t.Fatalf("claimed %v, want %v", ids(got), []int64{due.ID, dueNow.ID})
	}
	if want := t0.Add(59 * time.Second); !got[0].NextCheckAt.Equal(want) {
		t.Errorf("next check of a site claimed 1s late = %v, want its next slot %v", got[0].NextCheckAt, want)
	}
	if want := t0.Add(time.Minute); !mustGet(t, s, 1, dueNow.ID).NextCheckAt.Equal(want) {
		t.Errorf("stored next check = %v, want %v", mustGet(t, s, 1, dueNow.ID).NextCheckAt, want)
	}
	if again := claim(t, s, "w2", t0, 100); len(again) != 0 {
		t.Errorf("claimed twice in one interval: %v", ids(again))
	}
}

func testClaimSkipsMissedSlots(t *testing.T, s store.Store) {
	site := mustCreate(t, s, newSite(1, "a", 60, t0))
	got := claim(t, s, "w", t0.Add(210*time.Second), 10)
	if len(got) != 1 {
		t.Fatalf("claimed %d", len(got))
	}
	if want := t0.Add(240 * time.Second); !got[0].NextCheckAt.Equal(want) {
		t.Errorf("next = %v, want the first slot after now %v", got[0].NextCheckAt, want)
	}
	_ = site
}

// A claim ahead of the clock (the scheduler's look-ahead) takes each site's next slot only: a
// site whose interval is shorter than the look-ahead keeps the slots still to come, and an
// overdue one moves to the first slot after the clock, not after the look-ahead.
func testClaimAheadOfTheClockTakesOneSlot(t *testing.T, s store.Store) {
	soon := mustCreate(t, s, newSite(1, "soon", 1, t0.Add(500*time.Millisecond)))
	late := mustCreate(t, s, newSite(1, "late", 1, t0.Add(-2500*time.Millisecond)))
	got, err := s.ClaimDueSites(context.Background(), store.Claim{Worker: "w", Now: t0, Due: t0.Add(2 * time.Second),
		Limit: 10, LeaseMargin: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	next := map[int64]time.Time{}
	for _, site := range got {
		next[site.ID] = site.NextCheckAt
	}
	if want := t0.Add(1500 * time.Millisecond); !next[soon.ID].Equal(want) {
		t.Errorf("a site due within the look-ahead: next %v, want its next slot %v", next[soon.ID], want)
	}
	if want := t0.Add(500 * time.Millisecond); !next[late.ID].Equal(want) {
		t.Errorf("an overdue site: next %v, want the first slot after the clock %v", next[late.ID], want)
	}
}

func testClaimHonoursLimitAndOrder(t *testing.T, s store.Store) {
	var want []int64
	for i := range 5 {
		site := mustCreate(t, s, newSite(1, fmt.Sprint("s", i), 60, t0.Add(-time.Duration(i)*time.Second)))
		want = append([]int64{site.ID}, want...)
	}
	first := claim(t, s, "w", t0, 2)
	rest := claim(t, s, "w", t0, 10)
	if sorted(ids(first)) != sorted(want[:2]) || sorted(ids(rest)) != sorted(want[2:]) {
		t.Errorf("claimed %v then %v, want the most overdue first: %v then %v", ids(first), ids(rest), want[:2], want[2:])
	}
}

// sorted renders ids in ascending order, for comparing sets.
func sorted(ids []int64) string {
	slices.Sort(ids)
	return fmt.Sprint(ids)
}

// A claim leases its sites to its worker until the timeout plus the margin: another worker
// cannot take them meanwhile, the worker itself takes them again at their next slot (so a
// result need not end the lease), and a dead worker's lease runs out.
func testClaimIsLeasedToItsWorkerUntilExpired(t *testing.T, s store.Store) {
	a := mustCreate(t, s, newSite(1, "a", 10, t0))
	b := mustCreate(t, s, newSite(1, "b", 10, t0))
	if got := claim(t, s, "w", t0, 10); len(got) != 2 {
		t.Fatalf("claimed %d", len(got))
	}
	mustRecord(t, s, store.CheckResult{SiteID: a.ID, Result: result(monitor.StatusUp, t0), Claimed: true})
	// Both are due again at t0+10s, leased to w until t0+35s (timeout 5s + margin 30s).
	if got := claim(t, s, "v", t0.Add(12*time.Second), 10); len(got) != 0 {
		t.Fatalf("another worker claimed leased sites: %v", ids(got))
	}
	if got := claim(t, s, "w", t0.Add(12*time.Second), 10); sorted(ids(got)) != sorted([]int64{a.ID, b.ID}) {
		t.Fatalf("the leaseholder claimed %v at their next slot, want both", ids(got))
	}
	// That claim leased them until t0+47s; after it, w has died as far as v can tell.
	if got := claim(t, s, "v", t0.Add(46*time.Second), 10); len(got) != 0 {
		t.Fatalf("claimed %v before the lease ran out", ids(got))
	}
	if got := claim(t, s, "v", t0.Add(48*time.Second), 10); sorted(ids(got)) != sorted([]int64{a.ID, b.ID}) {
		t.Fatalf("after the lease ran out: claimed %v, want both", ids(got))
	}
}

// A result that brings the next check forward (a failure being confirmed) ends the lease, so
// whichever worker comes first takes the retry.
func testARetryEndsTheLease(t *testing.T, s store.Store) {
	site := newSite(1, "a", 60, t0)
	site.FailureThreshold, site.RetryIntervalSeconds = 2, 10
	a := mustCreate(t, s, site)
	if got := claim(t, s, "w", t0, 10); len(got) != 1 {
		t.Fatalf("claimed %d", len(got))
	}
	mustRecord(t, s, store.CheckResult{SiteID: a.ID, Result: result(monitor.StatusDown, t0), Claimed: true})
	if got := claim(t, s, "v", t0.Add(9*time.Second), 10); len(got) != 0 {
		t.Fatalf("claimed %v before the retry was due", ids(got))
	}
	if got := claim(t, s, "v", t0.Add(11*time.Second), 10); fmt.Sprint(ids(got)) != fmt.Sprint([]int64{a.ID}) {
		t.Fatalf("another worker claimed %v once the retry was due, want the site", ids(got))
	}
}

// A claim returns the version of each site's settings and reads only the sites the caller does
// not hold at that version; an edit moves the version on, so the edited site is read again.
func testClaimReadsOnlySitesNotHeldAtTheirVersion(t *testing.T, s store.Store) {
	a := mustCreate(t, s, newSite(1, "a", 10, t0))
	b := mustCreate(t, s, newSite(1, "b", 10, t0))
	held := map[int64]monitor.Site{}
	var asked []string
	claimHeld := func(now time.Time) map[int64]monitor.Site {
		t.Helper()
		got, err := s.ClaimDueSites(context.Background(), store.Claim{Worker: "w", Now: now, Limit: 10, LeaseMargin: time.Second,
			Held: func(id, version int64) (monitor.Site, bool) {
				asked = append(asked, fmt.Sprint(id, "@", version))
				h, ok := held[id]
				return h, ok && h.Version == version
			}})
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]monitor.Site{}
		for _, site := range got {
			out[site.ID] = site
		}
		return out
	}
	first := claimHeld(t0)
	if len(first) != 2 || first[a.ID].Name != "a" || first[b.ID].URL != b.URL {
		t.Fatalf("first claim, nothing held: %+v", first)
	}
	held[a.ID], held[b.ID] = first[a.ID], first[b.ID]
	held[a.ID] = withName(held[a.ID], "a as held")

	second := claimHeld(t0.Add(10 * time.Second))
	if second[a.ID].Name != "a as held" || !second[a.ID].NextCheckAt.Equal(t0.Add(20*time.Second)) {
		t.Errorf("a held at its version: got %q next %v, want the held site with its new slot", second[a.ID].Name, second[a.ID].NextCheckAt)
	}
	edited := mustGet(t, s, 1, b.ID)
	edited.URL = "http://127.0.0.1:1/b-edited"
	if _, err := s.UpdateSite(context.Background(), edited, false); err != nil {
		t.Fatal(err)
	}
	asked = nil
	third := claimHeld(t0.Add(20 * time.Second))
	if third[b.ID].URL != edited.URL || third[b.ID].Version <= first[b.ID].Version {
		t.Errorf("b after an edit: url %q version %d (was %d), want it read again at a new version",
			third[b.ID].URL, third[b.ID].Version, first[b.ID].Version)
	}
	if third[a.ID].Name != "a as held" || len(asked) != 2 {
		t.Errorf("a unedited: got %q, asked %v", third[a.ID].Name, asked)
	}
}

func withName(site monitor.Site, name string) monitor.Site {
	site.Name = name
	return site
}

func containsID(sites []monitor.Site, id int64) bool {
	for _, s := range sites {
		if s.ID == id {
			return true
		}
	}
	return false
}

func testConcurrentClaimsNeverShareASite(t *testing.T, s store.Store) {
	const n = 200
	for i := range n {
		mustCreate(t, s, newSite(1, fmt.Sprint("s", i), 60, t0.Add(-time.Duration(i)*time.Millisecond)))
	}
	var (
		mu     sync.Mutex
		counts = map[int64]int{}
		wg     sync.WaitGroup
		errs   = make(chan error, 8)
	)
	for w := range 8 {
		wg.Go(func() {
			for {
				got, err := s.ClaimDueSites(context.Background(), store.Claim{Worker: fmt.Sprint("w", w), Now: t0, Limit: 7, LeaseMargin: time.Minute})
				if err != nil {
					errs <- err
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, site := range got {
					counts[site.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(counts) != n {
		t.Errorf("claimed %d distinct sites, want %d", len(counts), n)
	}
	for id, c := range counts {
		if c != 1 {
			t.Errorf("site %d claimed %d times", id, c)
		}
	}
}

func testRecordAppliesStatusRules(t *testing.T, s store.Store) {
	site := mustCreate(t, s, newSite(1, "a", 60, t0))
	steps := []struct {
		status     monitor.Status
		wantStatus monitor.Status
		wantEvent  bool
	}{
		{monitor.StatusUp, monitor.StatusUp, true},
		{monitor.StatusUp, monitor.StatusUp, false},
		{monitor.StatusDown, monitor.StatusDown, true},
		{monitor.StatusDown, monitor.StatusDown, false},
		{monitor.StatusUp, monitor.StatusUp, true},
	}
	var lastChange time.Time
	for i, step := range steps {
		at := t0.Add(time.Duration(i) * time.Minute)
		recs := mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(step.status, at)})
		if len(recs) != 1 || (recs[0].Event != nil) != step.wantEvent {
			t.Fatalf("step %d: recorded %+v, want event %v", i, recs, step.wantEvent)
		}
		if step.wantEvent {
			lastChange = at
			if recs[0].Event.ID == 0 || recs[0].Event.To != monitor.StatusState(step.wantStatus) || !recs[0].Event.At.Equal(at) {
				t.Errorf("step %d: event %+v", i, recs[0].Event)
			}
		}
		got := mustGet(t, s, 1, site.ID)
		if got.Status != step.wantStatus || got.LastChecked == nil || !got.LastChecked.Equal(at) ||
			got.LastStatusChange == nil || !got.LastStatusChange.Equal(lastChange) {
			t.Errorf("step %d: site %s checked %v changed %v; want %s %v %v", i, got.Status, got.LastChecked, got.LastStatusChange, step.wantStatus, at, lastChange)
		}
		if got.ResponseTimeMS == nil || *got.ResponseTimeMS != 42 {
			t.Errorf("step %d: response time %v", i, got.ResponseTimeMS)
		}
	}
	got := mustGet(t, s, 1, site.ID)
	if got.ConsecutiveSuccesses != 1 || got.ConsecutiveFailures != 0 || got.StatusCode != 200 || got.LastError != "" {
		t.Errorf("final state %+v", got)
	}
	mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, t0.Add(time.Hour))})
	if got := mustGet(t, s, 1, site.ID); got.StatusCode != 503 || got.LastError != "expected status 200, got 503" || got.ConsecutiveFailures != 1 {
		t.Errorf("after a failure: %+v", got)
	}
}

func testRecordFoldsSeveralResultsForOneSite(t *testing.T, s store.Store) {
	a := mustCreate(t, s, newSite(1, "a", 60, t0))
	b := mustCreate(t, s, newSite(1, "b", 60, t0))
	recs := mustRecord(t, s,
		store.CheckResult{SiteID: a.ID, Result: result(monitor.StatusDown, t0)},
		store.CheckResult{SiteID: b.ID, Result: result(monitor.StatusUp, t0)},
		store.CheckResult{SiteID: a.ID, Result: result(monitor.StatusUp, t0.Add(time.Second))},
	)
	var flips []string
	for _, r := range recs {
		if r.Event != nil {
			flips = append(flips, fmt.Sprintf("%d:%s>%s", r.Event.SiteID, r.Event.From, r.Event.To))
		}
	}
	want := []string{fmt.Sprintf("%d:pending>down", a.ID), fmt.Sprintf("%d:pending>up", b.ID), fmt.Sprintf("%d:down>up", a.ID)}
	if fmt.Sprint(flips) != fmt.Sprint(want) {
		t.Errorf("events %v, want %v", flips, want)
	}
	if got := mustGet(t, s, 1, a.ID); got.Status != monitor.StatusUp || !got.LastChecked.Equal(t0.Add(time.Second)) {
		t.Errorf("site a after the batch: %s %v", got.Status, got.LastChecked)
	}
	hist, err := s.History(context.Background(), 1, a.ID, store.HistoryQuery{Limit: 10})
	if err != nil || len(hist) != 2 {
		t.Errorf("history of a: %v %v", hist, err)
	}
}

func testRecordDropsDeletedSites(t *testing.T, s store.Store) {
	a := mustCreate(t, s, newSite(1, "a", 60, t0))
	gone := mustCreate(t, s, newSite(1, "gone", 60, t0))
	if err := s.DeleteSite(context.Background(), 1, gone.ID); err != nil {
		t.Fatal(err)
	}
	recs := mustRecord(t, s,
		store.CheckResult{SiteID: gone.ID, Result: result(monitor.StatusDown, t0)},
		store.CheckResult{SiteID: a.ID, Result: result(monitor.StatusDown, t0)})
	if len(recs) != 1 || recs[0].Check.SiteID != a.ID {
		t.Errorf("recorded %+v, want only site %d", recs, a.ID)
	}
}

func testConcurrentRecordsFlipOnce(t *testing.T, s store.Store) {
	site := mustCreate(t, s, newSite(1, "a", 60, t0))
	mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusUp, t0)})
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		events int
	)
	for i := range 10 {
		wg.Go(func() {
			recs, err := s.RecordChecks(context.Background(), []store.CheckResult{{SiteID: site.ID, Result: result(monitor.StatusDown, t0.Add(time.Duration(i+1)*time.Second))}})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, r := range recs {
				if r.Event != nil {
					events++
				}
			}
		})
	}
	wg.Wait()
	if events != 1 {
		t.Errorf("10 concurrent failures made %d events, want 1", events)
	}
	evs, err := s.Events(context.Background(), 1, site.ID, store.HistoryQuery{Limit: 100})
	if err != nil || len(evs) != 2 {
		t.Errorf("stored events %v %v, want pending>up and up>down", evs, err)
	}
	if got := mustGet(t, s, 1, site.ID); got.ConsecutiveFailures != 10 {
		t.Errorf("consecutive failures = %d, want 10", got.ConsecutiveFailures)
	}
}

func testHistoryPagesNewestFirst(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := mustCreate(t, s, newSite(1, "a", 60, t0))
	other := mustCreate(t, s, newSite(1, "b", 60, t0))
	var batch []store.CheckResult
	for i := range 25 {
		batch = append(batch, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusUp, t0.Add(time.Duration(i)*time.Minute))})
		batch = append(batch, store.CheckResult{SiteID: other.ID, Result: result(monitor.StatusUp, t0.Add(time.Duration(i)*time.Minute))})
	}
	mustRecord(t, s, batch...)

	page, err := s.History(ctx, 1, site.ID, store.HistoryQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 10 || !page[0].CheckedAt.Equal(t0.Add(24*time.Minute)) || !page[9].CheckedAt.Equal(t0.Add(15*time.Minute)) {
		t.Fatalf("first page: %d checks from %v to %v", len(page), page[0].CheckedAt, page[len(page)-1].CheckedAt)
	}
	for _, c := range page {
		if c.SiteID != site.ID || c.Status != monitor.StatusUp || c.StatusCode != 200 || c.ResponseTime != 42*time.Millisecond {
			t.Fatalf("check %+v", c)
		}
	}
	next, err := s.History(ctx, 1, site.ID, store.HistoryQuery{Limit: 10, Before: page[9].CheckedAt})
	if err != nil || len(next) != 10 || !next[0].CheckedAt.Equal(t0.Add(14*time.Minute)) {
		t.Fatalf("second page: %v %v", next, err)
	}
	ranged, err := s.History(ctx, 1, site.ID, store.HistoryQuery{Limit: 100, From: t0.Add(3 * time.Minute), To: t0.Add(5 * time.Minute)})
	if err != nil || len(ranged) != 3 || !ranged[0].CheckedAt.Equal(t0.Add(5*time.Minute)) || !ranged[2].CheckedAt.Equal(t0.Add(3*time.Minute)) {
		t.Fatalf("from/to (inclusive): %v %v", ranged, err)
	}
}

func testEventsNewestFirst(t *testing.T, s store.Store) {
	site := mustCreate(t, s, newSite(1, "a", 60, t0))
	for i, st := range []monitor.Status{monitor.StatusUp, monitor.StatusDown, monitor.StatusDown, monitor.StatusUp} {
		mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(st, t0.Add(time.Duration(i)*time.Minute))})
	}
	evs, err := s.Events(context.Background(), 1, site.ID, store.HistoryQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, fmt.Sprintf("%s>%s@%d %s", e.From, e.To, int(e.At.Sub(t0).Minutes()), e.Reason))
	}
	want := []string{"down>up@3 status 200", "up>down@1 expected status 200, got 503", "pending>up@0 status 200"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events %q, want %q", got, want)
	}
	older, err := s.Events(context.Background(), 1, site.ID, store.HistoryQuery{Limit: 10, Before: evs[0].At})
	if err != nil || len(older) != 2 {
		t.Errorf("before the newest: %v %v", older, err)
	}
}

func testResumeSpreadsOverdueSites(t *testing.T, s store.Store) {
	ctx := context.Background()
	now := t0.Add(time.Hour)
	var overdue []int64
	for i := range 60 {
		// Every 10 s over the last 10 minutes: a whole day's worth of slots missed.
		overdue = append(overdue, mustCreate(t, s, newSite(1, fmt.Sprint("o", i), 60, now.Add(-time.Duration(i*10+5)*time.Second))).ID)
	}
	long := mustCreate(t, s, newSite(1, "long", 3600, now.Add(-30*time.Minute)))
	justDue := mustCreate(t, s, newSite(1, "just", 60, now.Add(-time.Second)))
	future := mustCreate(t, s, newSite(1, "future", 60, now.Add(time.Second)))
	pausedSite := newSite(1, "paused", 60, now.Add(-time.Hour))
	pausedSite.Paused = true
	paused := mustCreate(t, s, pausedSite)

	n, err := s.ResumeSchedule(ctx, store.Resume{Now: now, Grace: 2 * time.Second, Window: 60 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if n != 61 {
		t.Errorf("moved %d sites, want 61", n)
	}
	seconds := map[int]int{}
	for _, id := range append(overdue, long.ID) {
		next := mustGet(t, s, 1, id).NextCheckAt
		if next.Before(now) || !next.Before(now.Add(time.Minute)) {
			t.Errorf("site %d resumes at %v, want within [now, now+1m)", id, next)
		}
		seconds[int(next.Sub(now).Seconds())]++
	}
	// The 60 sites had 6 distinct phases (every 10 s, mod 60 s): they must keep them, not bunch up.
	if len(seconds) < 6 {
		t.Errorf("resumed sites bunched into %d distinct seconds: %v", len(seconds), seconds)
	}
	for _, untouched := range []monitor.Site{justDue, future, paused} {
		if got := mustGet(t, s, 1, untouched.ID).NextCheckAt; !got.Equal(untouched.NextCheckAt) {
			t.Errorf("site %s moved from %v to %v", untouched.Name, untouched.NextCheckAt, got)
		}
	}
}

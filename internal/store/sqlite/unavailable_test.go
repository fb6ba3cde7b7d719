package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// A full disk is the database being unavailable, not a bad statement: writes fail with
// store.ErrUnavailable until there is room again, and then succeed.
func TestFullDiskIsUnavailable(t *testing.T) {
	ctx := context.Background()
	s := storetest.OpenSQLite(t)
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	site := monitor.Site{Name: "a", URL: "http://127.0.0.1:1/", Kind: monitor.KindHTTP, CheckIntervalSeconds: 60,
		TimeoutSeconds: 10, ExpectedStatusCode: 200, Status: monitor.StatusPending, CreatedAt: at, NextCheckAt: at}
	created, err := s.CreateSite(ctx, site)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LimitPages(ctx, 0); err != nil {
		t.Fatal(err)
	}
	var full error
	for i := 0; i < 2000 && full == nil; i++ {
		r := monitor.Result{CheckedAt: at.Add(time.Duration(i) * time.Second), Status: monitor.StatusUp, Error: strings.Repeat("x", 2000)}
		_, full = s.RecordChecks(ctx, []store.CheckResult{{SiteID: created.ID, Result: r}})
	}
	if !errors.Is(full, store.ErrUnavailable) {
		t.Fatalf("writing into a full database: %v, want store.ErrUnavailable", full)
	}
	big := site
	big.Name = strings.Repeat("n", 20000) // needs pages of its own
	if _, err := s.CreateSite(ctx, big); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("creating a site in a full database: %v, want store.ErrUnavailable", err)
	}
	if _, err := s.Site(ctx, 0, created.ID); err != nil {
		t.Fatalf("reading a full database: %v", err)
	}
	if err := s.LimitPages(ctx, -1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateSite(ctx, site); err != nil {
		t.Fatalf("creating a site once there is room: %v", err)
	}
}

package postgres_test

import (
	"context"
	"errors"
	"net"
	"net/url"
	"testing"

	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/postgres"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// A server that refuses connections is the database being unavailable: reads and writes fail
// with store.ErrUnavailable, which the API answers with 503.
func TestRefusedConnectionsAreUnavailable(t *testing.T) {
	u, err := url.Parse(storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u.Host = ln.Addr().String()
	ln.Close() // nothing listens there now: connections are refused
	ctx := context.Background()
	s, err := postgres.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.ListSites(ctx, 1, store.SiteFilter{}); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("ListSites: %v, want store.ErrUnavailable", err)
	}
	if _, err := s.UserByName(ctx, "someone"); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("UserByName: %v, want store.ErrUnavailable", err)
	}
	if _, err := s.RecordChecks(ctx, []store.CheckResult{{SiteID: 1}}); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("RecordChecks: %v, want store.ErrUnavailable", err)
	}
	if err := s.Ping(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Ping: %v, want store.ErrUnavailable", err)
	}
}

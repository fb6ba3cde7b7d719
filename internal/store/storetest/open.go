// Package storetest holds the conformance suite every store implementation must pass, and the
// helpers that open a fresh, migrated store of each kind for a test.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/postgres"
	"github.com/tocsin/tocsin/internal/store/sqlite"
)

// PostgresURLEnv names the variable that points the tests at a PostgreSQL server.
const PostgresURLEnv = "TOCSIN_TEST_DATABASE_URL"

// Backend opens a fresh, migrated, empty store for one test.
type Backend struct {
	Name string
	Open func(t testing.TB) store.Store
}

// Backends lists every store kind. PostgreSQL is included always; it skips when
// TOCSIN_TEST_DATABASE_URL is unset, and fails instead when CI=true.
func Backends() []Backend {
	return []Backend{
		{Name: "sqlite", Open: func(t testing.TB) store.Store { return OpenSQLite(t) }},
		{Name: "postgres", Open: func(t testing.TB) store.Store { return OpenPostgres(t) }},
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// OpenSQLite returns a migrated store in a new file under the test's temporary directory.
func OpenSQLite(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "tocsin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background(), quietLog()); err != nil {
		t.Fatal(err)
	}
	return s
}

// PostgresURL returns a connection URL to a new, empty schema of the test database, dropped
// when the test ends, so tests can run in parallel. It skips (or fails, under CI) when no
// test database is configured.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests", PostgresURLEnv)
		}
		t.Skipf("%s is not set; skipping PostgreSQL", PostgresURLEnv)
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to test PostgreSQL: %v", err)
	}
	schema := "test_" + randomHex(8)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close(ctx)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close(context.Background())
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresURLEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenPostgres returns a migrated store in a new schema of the test database.
func OpenPostgres(t testing.TB) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background(), quietLog()); err != nil {
		t.Fatal(err)
	}
	return s
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

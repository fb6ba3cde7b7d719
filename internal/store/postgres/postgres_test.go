package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t testing.TB) store.Store { return storetest.OpenPostgres(t) })
}

func TestVacuumHotTables(t *testing.T) {
	st := storetest.OpenPostgres(t)
	if err := st.VacuumHotTables(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Maintain warns when the server does not vacuum, and says nothing when it does.
func TestMaintainWarnsWhenAutovacuumIsOff(t *testing.T) {
	st := storetest.OpenPostgres(t)
	var setting string
	if err := st.DB().QueryRowContext(context.Background(), "SHOW autovacuum").Scan(&setting); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Maintain warns, then returns at once instead of vacuuming every minute
	st.Maintain(ctx, slog.New(slog.NewTextHandler(&logs, nil)))
	warned := strings.Contains(logs.String(), "autovacuum off")
	if warned != (setting == "off") {
		t.Errorf("autovacuum %s, log %q", setting, logs.String())
	}
}

// TOCSIN_TEST_DATABASE_URL=postgres://… go test -run '^$' -bench RecordChecks ./internal/store/postgres/
func BenchmarkRecordChecks(b *testing.B) {
	for _, windows := range []int{0, 10} {
		b.Run(fmt.Sprintf("windows=%d", windows), func(b *testing.B) {
			storetest.BenchRecordChecks(b, storetest.OpenPostgres(b), windows)
		})
	}
}

package sqlite_test

import (
	"fmt"
	"testing"

	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t testing.TB) store.Store { return storetest.OpenSQLite(t) })
}

// go test -run '^$' -bench RecordChecks ./internal/store/sqlite/
func BenchmarkRecordChecks(b *testing.B) {
	for _, windows := range []int{0, 10} {
		b.Run(fmt.Sprintf("windows=%d", windows), func(b *testing.B) {
			storetest.BenchRecordChecks(b, storetest.OpenSQLite(b), windows)
		})
	}
}

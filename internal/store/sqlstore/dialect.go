package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// Dialect is what differs between the databases a Store runs on. The SQL of the Store uses
// numbered placeholders ($1), which both PostgreSQL and SQLite read.
type Dialect struct {
	// Arg turns a Go value into the argument the database takes for it: times (time.Time and
	// *time.Time, nil for NULL) and id lists ([]int64, read by InIDs) reach it as they are.
	// Nil passes every value on unchanged.
	Arg func(v any) any
	// InIDs is the condition that a column is one of the ids of the []int64 argument param,
	// e.g. "= ANY($1)".
	InIDs func(param string) string
	// InPairs is a condition that holds where the columns (a, b) are one of the pairs of the
	// []int64 arguments paramA and paramB, read in step: (paramA[i], paramB[i]). It may hold for
	// other pairs of their values too (SQLite's holds for any a of paramA with any b of paramB),
	// so callers keep only the rows they asked for.
	InPairs func(a, b, paramA, paramB string) string
	// ForUpdate ends a SELECT whose rows must stay locked until the transaction ends;
	// SkipLocked does the same, passing over rows another transaction holds. Both are empty
	// where one writer at a time serialises every write.
	ForUpdate, SkipLocked string
	// LockUsers, unless empty, runs first when an account is made, so that concurrent sign-ups
	// count the accounts one at a time.
	LockUsers string
	// UniqueViolation says whether err is a unique constraint's refusal.
	UniqueViolation func(err error) bool
	// Unavailable says whether err means the database is away (its connection refused or cut,
	// its disk full) rather than that the statement failed; the Store wraps such errors with
	// store.ErrUnavailable. Network errors count whatever it says.
	Unavailable func(err error) bool

	// ClaimSites claims due sites as store.Store.ClaimDueSites says, in the table
	// site_schedule, returning each claimed site's site_id, new next_check_at and version.
	// Its arguments: $1 the worker, $2 the due time, $3 the due time plus the lease margin (a
	// claim lasts until then plus the site's timeout), $4 the most sites to claim, $5 now.
	ClaimSites string
	// ResumeSchedule moves overdue sites as store.Store.ResumeSchedule says. Its arguments:
	// $1 now, $2 now minus the grace (sites due before it move), $3 the window in microseconds.
	ResumeSchedule string
	// Insert and Update write a batch of rows into table, the hot path of recording checks: on
	// PostgreSQL one statement for the batch, on SQLite one prepared statement run per row.
	// Insert returns the new ids, in the order of the rows, when asked. Update sets each row's
	// assignments on the row whose key column equals the row's key value.
	Insert func(ctx context.Context, tx *sql.Tx, table string, rows Rows, returnIDs bool) ([]int64, error)
	// where, if given, are further conditions on the row being updated, ANDed.
	Update func(ctx context.Context, tx *sql.Tx, table, key string, set []Assignment, rows Rows, where ...string) error
	// Upsert inserts each row or, when a row with the same key columns exists, sets its other
	// columns to the row's values.
	Upsert func(ctx context.Context, tx *sql.Tx, table string, key []string, rows Rows) error
	// Millis is the SQL for the whole milliseconds from time column start to time column end.
	Millis func(end, start string) string
	// Reclaim, unless empty, gives the space that deleted rows freed back to the file system,
	// a little at a time (SQLite's incremental vacuum).
	Reclaim string
}

// Rows is a batch of rows for Dialect.Insert and Update: every row holds a value for each
// column, in the order of Columns. Values are Go values as Dialect.Arg takes them.
type Rows struct {
	Columns []string
	Values  [][]any
}

// Assignment is a column an Update sets, and the expression it is set to. The expression
// reads the batch row's values as v.name (v.status) and the row being updated by plain column
// names.
type Assignment struct {
	Column, Expr string
}

// JSON is a JSON document as an argument: a jsonb column on PostgreSQL, TEXT on SQLite. Nil
// is NULL.
type JSON []byte

// Value passes the document as text, which PostgreSQL reads as jsonb where a jsonb is
// expected and SQLite keeps as TEXT.
func (j JSON) Value() (driver.Value, error) {
	if j == nil {
		return nil, nil
	}
	return string(j), nil
}

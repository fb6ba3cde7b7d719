package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tocsin/tocsin/internal/store/sqlstore"
)

// dialect: pgx takes times, id lists and arrays as they are; sign-ups lock the users table
// and claims skip rows another process holds.
var dialect = sqlstore.Dialect{
	InIDs:           func(param string) string { return "= ANY(" + param + ")" },
	ForUpdate:       " FOR UPDATE",
	SkipLocked:      " FOR UPDATE SKIP LOCKED",
	LockUsers:       `LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`,
	UniqueViolation: uniqueViolation,
	TimeBucket:      timeBucket,
	ClaimSites:      claimSites,
	ResumeSchedule:  resumeSchedule,
	Insert:          insert,
	Update:          update,
}

func uniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// timeBucket bins with date_bin, in integer time arithmetic (EXTRACT(EPOCH …) would compute in
// numeric, several times slower over thousands of checks).
func timeBucket(col, width string) string {
	return "date_bin(" + width + "::bigint * INTERVAL '1 microsecond', " + col + ", TIMESTAMPTZ '1970-01-01 00:00:00+00')"
}

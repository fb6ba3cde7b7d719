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
	EpochMicros:     func(col string) string { return "CAST(EXTRACT(EPOCH FROM " + col + ") * 1000000 AS BIGINT)" },
	ClaimSites:      claimSites,
	ResumeSchedule:  resumeSchedule,
	Insert:          insert,
	Update:          update,
}

func uniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

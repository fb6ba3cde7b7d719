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
	ClaimSites:      claimSites,
	ResumeSchedule:  resumeSchedule,
	Insert:          insert,
	Update:          update,
	Upsert:          upsert,
	Millis: func(end, start string) string {
		return "(extract(epoch FROM " + end + " - " + start + ") * 1000)::bigint"
	},
}

func uniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

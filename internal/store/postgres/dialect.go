package postgres

import (
	"errors"
	"io"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tocsin/tocsin/internal/store/sqlstore"
)

// dialect: pgx takes times, id lists and arrays as they are; sign-ups lock the users table
// and claims skip rows another process holds.
var dialect = sqlstore.Dialect{
	InIDs: func(param string) string { return "= ANY(" + param + ")" },
	InPairs: func(a, b, paramA, paramB string) string {
		return "(" + a + ", " + b + ") IN (SELECT * FROM unnest(" + paramA + "::bigint[], " + paramB + "::bigint[]))"
	},
	ForUpdate:       " FOR UPDATE",
	SkipLocked:      " FOR UPDATE SKIP LOCKED",
	LockUsers:       `LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`,
	UniqueViolation: uniqueViolation,
	Unavailable:     unavailable,
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

// unavailable: the server could not be reached or connected to, closed the connection (its
// backend was terminated, it is shutting down or restarting), or takes no more connections.
func unavailable(err error) bool {
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) || errors.Is(err, io.EOF) || pgconn.SafeToRetry(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"), // connection exception
			pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03", // admin/crash shutdown, cannot connect now
			pgErr.Code == "53300", // too many connections
			pgErr.Code == "53100": // disk full
			return true
		}
	}
	return strings.Contains(err.Error(), "conn closed")
}

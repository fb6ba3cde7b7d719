package sqlite

import (
	"encoding/json"
	"errors"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/tocsin/tocsin/internal/store/sqlstore"
)

// dialect: times are INTEGER microseconds since the Unix epoch, UTC (they compare and index as
// numbers), id lists are JSON arrays read with json_each, and rows need no locks: the single
// writer connection runs one write transaction at a time.
var dialect = sqlstore.Dialect{
	Arg:   arg,
	InIDs: func(param string) string { return "IN (SELECT value FROM json_each(" + param + "))" },
	// Each column in its list: the index probes every a with every b (a batch's rollups span an
	// hour or two), where pairing the lists by their keys would join them row by row.
	InPairs: func(a, b, paramA, paramB string) string {
		return a + " IN (SELECT value FROM json_each(" + paramA + ")) AND " + b + " IN (SELECT value FROM json_each(" + paramB + "))"
	},
	UniqueViolation: uniqueViolation,
	Unavailable:     unavailable,
	ClaimSites:      claimSites,
	ResumeSchedule:  resumeSchedule,
	Insert:          insert,
	Update:          update,
	Upsert:          upsert,
	Millis:          func(end, start string) string { return "((" + end + " - " + start + ") / 1000)" },
	Reclaim:         `PRAGMA incremental_vacuum(500)`,
}

func arg(v any) any {
	switch v := v.(type) {
	case time.Time:
		return v.UnixMicro()
	case *time.Time:
		if v == nil {
			return nil
		}
		return v.UnixMicro()
	case []int64:
		b, _ := json.Marshal(v)
		return string(b)
	}
	return v
}

func uniqueViolation(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

// unavailable: the disk is full (or the file reached its size limit), or reading or writing
// the file failed.
func unavailable(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff { // the primary code of an extended one
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		return true
	}
	return false
}

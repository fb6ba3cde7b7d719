package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Retention runs in the background, a small batch per statement, so that the scheduler's
// writes wait for one short statement at most.

func (s *Store) Prune(ctx context.Context, table store.PrunedTable, before time.Time, limit int) (int64, error) {
	var (
		q   string
		arg any
	)
	switch table {
	case store.PruneChecks:
		// Oldest ids first, through the primary key: ids grow with the time checks are
		// recorded, so no index on checked_at is needed (it would cost ~30 bytes a check).
		q = `DELETE FROM checks WHERE id IN (SELECT id FROM checks ORDER BY id LIMIT $2) AND checked_at < $1`
		arg = before
	case store.PruneHours:
		q = `DELETE FROM rollup_hours WHERE (site_id, hour) IN (SELECT site_id, hour FROM rollup_hours WHERE hour < $1 LIMIT $2)`
		arg = store.HourOf(before)
	case store.PruneDays:
		q = `DELETE FROM rollup_days WHERE (site_id, day) IN (SELECT site_id, day FROM rollup_days WHERE day < $1 LIMIT $2)`
		arg = store.DayOf(before)
	default:
		return 0, fmt.Errorf("prune: no table %q", table)
	}
	res, err := s.write.exec(ctx, q, arg, limit)
	if err != nil {
		return 0, fmt.Errorf("prune %s: %w", table, err)
	}
	return res.RowsAffected()
}

func (s *Store) Reclaim(ctx context.Context) error {
	if s.d.Reclaim == "" {
		return nil
	}
	if _, err := s.write.exec(ctx, s.d.Reclaim); err != nil {
		return fmt.Errorf("reclaim space: %w", err)
	}
	return nil
}

func (s *Store) RollupDays(ctx context.Context) (firstHourly, lastDaily int64, ok bool, err error) {
	var first, last sql.NullInt64
	err = s.read.row(ctx, `SELECT (SELECT min(hour) FROM rollup_hours), (SELECT max(day) FROM rollup_days)`).Scan(&first, &last)
	if err != nil {
		return 0, 0, false, fmt.Errorf("rollup days: %w", err)
	}
	if !first.Valid {
		return 0, 0, false, nil
	}
	lastDaily = store.DayOfHour(first.Int64) - 1
	if last.Valid {
		lastDaily = last.Int64
	}
	return store.DayOfHour(first.Int64), lastDaily, true, nil
}

func (s *Store) MergeDay(ctx context.Context, day int64, afterSite int64, limit int) (int64, bool, error) {
	rows, err := s.read.query(ctx, `SELECT `+rollupSelect+` FROM rollup_hours
		WHERE hour >= $1 AND hour < $2 AND site_id > $3 ORDER BY site_id, hour LIMIT $4`, day*24, day*24+24, afterSite, limit)
	if err != nil {
		return afterSite, false, fmt.Errorf("merge day %d: %w", day, err)
	}
	hours, err := collect(rows, scanRollup, "hourly rollups")
	if err != nil {
		return afterSite, false, err
	}
	done := len(hours) < limit
	if !done { // the last site's hours may go on past the limit: leave it for the next call
		last := hours[len(hours)-1].SiteID
		for len(hours) > 0 && hours[len(hours)-1].SiteID == last {
			hours = hours[:len(hours)-1]
		}
		if len(hours) == 0 {
			return afterSite, false, fmt.Errorf("merge day %d: site %d has more than %d hours", day, last, limit)
		}
	}
	var merged []store.Rollup
	for _, h := range hours {
		if n := len(merged); n > 0 && merged[n-1].SiteID == h.SiteID {
			merged[n-1] = store.MergeRollups(merged[n-1], h, day)
		} else {
			merged = append(merged, store.MergeRollups(store.Rollup{}, h, day))
		}
	}
	if len(merged) == 0 {
		return afterSite, true, nil
	}
	err = s.inTx(ctx, func(tx conn, raw *sql.Tx) error {
		return s.d.Upsert(ctx, raw, "rollup_days", []string{"site_id", "day"}, rowsOf(rollupColumnsNamed("day"), merged))
	})
	if err != nil {
		return afterSite, false, fmt.Errorf("merge day %d: %w", day, err)
	}
	return merged[len(merged)-1].SiteID, done, nil
}

// BackfillRollups takes, for the cursor's site, up to limit of its checks older than both the
// cursor and its first hourly rollup, newest first, and adds them to their hours.
func (s *Store) BackfillRollups(ctx context.Context, c store.BackfillCursor, limit int) (store.BackfillCursor, bool, error) {
	for {
		if c.Before.IsZero() {
			var next sql.NullInt64
			if err := s.read.row(ctx, `SELECT min(id) FROM sites WHERE id > $1`, c.SiteID).Scan(&next); err != nil {
				return c, false, fmt.Errorf("backfill rollups: %w", err)
			}
			if !next.Valid {
				return c, true, nil
			}
			c.SiteID = next.Int64
			var first sql.NullInt64
			if err := s.read.row(ctx, `SELECT min(hour) FROM rollup_hours WHERE site_id = $1`, c.SiteID).Scan(&first); err != nil {
				return c, false, fmt.Errorf("backfill rollups: %w", err)
			}
			c.Before = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
			if first.Valid {
				c.Before = store.HourStart(first.Int64)
			}
		}
		rows, err := s.read.query(ctx, `SELECT checked_at, status, response_time_ms FROM checks
			WHERE site_id = $1 AND checked_at < $2 ORDER BY checked_at DESC LIMIT $3`, c.SiteID, c.Before, limit)
		if err != nil {
			return c, false, fmt.Errorf("backfill rollups: %w", err)
		}
		deltas := map[store.HourKey]*store.HourDelta{}
		var oldest time.Time
		n := 0
		for rows.Next() {
			var (
				at     time.Time
				status monitor.Status
				ms     int64
			)
			if err := rows.Scan(timeAt(&at), &status, &ms); err != nil {
				rows.Close()
				return c, false, fmt.Errorf("backfill rollups: %w", err)
			}
			k := store.HourKey{SiteID: c.SiteID, Hour: store.HourOf(at)}
			d := deltas[k]
			if d == nil {
				d = &store.HourDelta{}
				deltas[k] = d
			}
			d.Checks++
			if status == monitor.StatusDown {
				d.Failures++
			} else {
				d.Times = append(d.Times, time.Duration(ms)*time.Millisecond)
			}
			oldest, n = at, n+1
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return c, false, fmt.Errorf("backfill rollups: %w", err)
		}
		if n > 0 {
			err := s.inTx(ctx, func(tx conn, raw *sql.Tx) error {
				return s.writeHours(ctx, tx, raw, store.LedgerWrites{Hours: deltas})
			})
			if err != nil {
				return c, false, fmt.Errorf("backfill rollups: %w", err)
			}
		}
		if n < limit {
			c.Before = time.Time{} // this site is through; the next call goes on with the next
		} else {
			c.Before = oldest
		}
		if n > 0 {
			return c, false, nil
		}
	}
}

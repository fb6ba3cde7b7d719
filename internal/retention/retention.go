// Package retention keeps the database bounded in the background: it deletes raw checks and
// rollups past their retention, a small batch per statement with pauses between, merges
// finished days' hourly rollups into daily ones, and backfills the rollups of checks recorded
// before rollups existed. None of it ever holds a write for long, so the scheduler's batches
// of results only ever wait for one short statement.
package retention

import (
	"context"
	"log/slog"
	"time"

	"github.com/tocsin/tocsin/internal/store"
)

// Store is what the pruner needs of the store.
type Store interface {
	Prune(ctx context.Context, table store.PrunedTable, before time.Time, limit int) (int64, error)
	Reclaim(ctx context.Context) error
	MergeDay(ctx context.Context, day int64, afterSite int64, limit int) (int64, bool, error)
	RollupDays(ctx context.Context) (firstHourly, lastDaily int64, ok bool, err error)
	BackfillRollups(ctx context.Context, c store.BackfillCursor, limit int) (store.BackfillCursor, bool, error)
}

// Config says how long each kind of row is kept (0 keeps it for ever) and how hard to work.
type Config struct {
	Checks, Hourly, Daily time.Duration
	// Batch is the most rows one statement deletes or reads (default 1000).
	Batch int
	// Pause is the least wait between two statements (default 50 ms): after a statement that
	// took t the pruner waits at least 4t too, so it never holds the database (on SQLite, its
	// one writer) more than a fifth of the time. Every is the wait between two rounds once
	// everything is done (default 1 minute, or a quarter of a shorter retention).
	Pause, Every time.Duration
}

// Pruner runs the background work.
type Pruner struct {
	st  Store
	cfg Config
	now func() time.Time
	log *slog.Logger

	backfill     store.BackfillCursor
	backfillDone bool
	nextDay      int64 // the next day to merge; 0 before the first round has looked
}

// New returns a pruner; Run starts it.
func New(st Store, now func() time.Time, log *slog.Logger, cfg Config) *Pruner {
	if cfg.Batch <= 0 {
		cfg.Batch = 1000
	}
	if cfg.Pause <= 0 {
		cfg.Pause = 50 * time.Millisecond
	}
	if cfg.Every <= 0 {
		// A minute, or less for a retention of minutes (tests), so rows go soon after they expire.
		cfg.Every = time.Minute
		for _, d := range []time.Duration{cfg.Checks, cfg.Hourly, cfg.Daily} {
			if d > 0 {
				cfg.Every = max(min(cfg.Every, d/4), time.Second)
			}
		}
	}
	return &Pruner{st: st, cfg: cfg, now: now, log: log}
}

// Run works until ctx ends: a round, then a wait, and so on.
func (p *Pruner) Run(ctx context.Context) {
	for {
		if err := p.Round(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("retention round failed; trying again later", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(p.cfg.Every):
		}
	}
}

// Round does one round of work: backfill, merge the days that ended, prune each table.
func (p *Pruner) Round(ctx context.Context) error {
	if err := p.backfillRollups(ctx); err != nil {
		return err
	}
	if err := p.mergeDays(ctx); err != nil {
		return err
	}
	now := p.now()
	for _, t := range []struct {
		table  store.PrunedTable
		retain time.Duration
	}{{store.PruneChecks, p.cfg.Checks}, {store.PruneHours, p.cfg.Hourly}, {store.PruneDays, p.cfg.Daily}} {
		if t.retain <= 0 {
			continue
		}
		if err := p.prune(ctx, t.table, now.Add(-t.retain)); err != nil {
			return err
		}
	}
	return nil
}

func (p *Pruner) prune(ctx context.Context, table store.PrunedTable, before time.Time) error {
	var total int64
	for {
		began := time.Now()
		n, err := p.st.Prune(ctx, table, before, p.cfg.Batch)
		if err != nil {
			return err
		}
		total += n
		if n > 0 {
			if err := p.st.Reclaim(ctx); err != nil {
				return err
			}
		}
		if n < int64(p.cfg.Batch) {
			break
		}
		if err := p.yield(ctx, began); err != nil {
			return err
		}
	}
	if total > 0 {
		p.log.Info("pruned", "table", string(table), "rows", total, "before", before)
	}
	return nil
}

func (p *Pruner) backfillRollups(ctx context.Context) error {
	for !p.backfillDone {
		began := time.Now()
		next, done, err := p.st.BackfillRollups(ctx, p.backfill, p.cfg.Batch)
		if err != nil {
			return err
		}
		p.backfill, p.backfillDone = next, done
		if err := p.yield(ctx, began); err != nil {
			return err
		}
	}
	return nil
}

// mergeDays merges every day that has ended since the last merge (on the first round: since
// the last daily rollup, or the first hourly one) into daily rollups.
func (p *Pruner) mergeDays(ctx context.Context) error {
	if p.nextDay == 0 {
		first, lastDaily, ok, err := p.st.RollupDays(ctx)
		if err != nil || !ok {
			return err
		}
		p.nextDay = max(first, lastDaily+1)
	}
	today := store.DayOf(p.now())
	for ; p.nextDay < today; p.nextDay++ {
		for after, done := int64(0), false; !done; {
			began := time.Now()
			var err error
			if after, done, err = p.st.MergeDay(ctx, p.nextDay, after, p.cfg.Batch); err != nil {
				return err
			}
			if err := p.yield(ctx, began); err != nil {
				return err
			}
		}
	}
	return nil
}

// yield waits after a statement begun at began: Pause, or four times what it took.
func (p *Pruner) yield(ctx context.Context, began time.Time) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(max(p.cfg.Pause, 4*time.Since(began))):
		return nil
	}
}

package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// hotTables are updated on every check or alert: what a long-running Tocsin needs vacuumed.
var hotTables = []string{"site_schedule", "sites", "notifications", "webhooks"}

// VacuumEvery is how often Maintain vacuums the hot tables when autovacuum is off: at 1,000
// checks a second site_schedule gathers some 120,000 dead row versions a minute (a claim and a
// release per check) and sites 60,000, and a claim or a result that must step over them costs
// more with each.
const VacuumEvery = time.Minute

// Maintain keeps the hot tables vacuumed when the server does not: it reads the server's
// autovacuum setting and, if it is off, warns once and vacuums them every VacuumEvery until
// ctx ends. With autovacuum on it returns at once.
func (s *Store) Maintain(ctx context.Context, log *slog.Logger) {
	// Read even when ctx has ended: a process stopped at once still says what it found.
	readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	on, err := s.autovacuumOn(readCtx)
	cancel()
	if err != nil {
		log.Warn("cannot read the server's autovacuum setting; not vacuuming", "err", err)
		return
	}
	if on {
		return
	}
	log.Warn("PostgreSQL runs with autovacuum off: Tocsin vacuums its own hot tables every "+VacuumEvery.String()+
		", but every other table grows unvacuumed; turn autovacuum on", "tables", hotTables)
	ticker := time.NewTicker(VacuumEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if err := s.VacuumHotTables(ctx); err != nil && ctx.Err() == nil {
				log.Warn("vacuum of the hot tables failed", "err", err)
			}
		}
	}
}

func (s *Store) autovacuumOn(ctx context.Context) (bool, error) {
	var setting string
	if err := s.db.QueryRowContext(ctx, "SHOW autovacuum").Scan(&setting); err != nil {
		return false, err
	}
	return setting == "on", nil
}

// VacuumHotTables vacuums the hot tables. SKIP_LOCKED passes over a table another process is
// vacuuming already, so several Tocsins on one database do not queue behind each other.
func (s *Store) VacuumHotTables(ctx context.Context) error {
	for _, table := range hotTables {
		if _, err := s.db.ExecContext(ctx, "VACUUM (SKIP_LOCKED) "+table); err != nil {
			return fmt.Errorf("vacuum %s: %w", table, err)
		}
	}
	return nil
}

package postgres

import (
	"context"
	"log/slog"
)

// MigrateTo migrates up to version, for tests of a migration and the data before it.
func (s *Store) MigrateTo(ctx context.Context, log *slog.Logger, version int64) error {
	return s.migrate(ctx, log, version)
}

// MigrateDownTo rolls the migrations after version back.
func (s *Store) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := s.provider(ctx)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}

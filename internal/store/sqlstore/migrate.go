package sqlstore

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pressly/goose/v3"
)

// Migrate applies p's migrations up to version (0: all of them), logging each one applied; db
// names the database in the error ("postgres", "sqlite").
func Migrate(ctx context.Context, p *goose.Provider, version int64, log *slog.Logger, db string) error {
	var (
		results []*goose.MigrationResult
		err     error
	)
	if version == 0 {
		results, err = p.Up(ctx)
	} else {
		results, err = p.UpTo(ctx, version)
	}
	for _, r := range results {
		log.Info("applied migration", "file", r.Source.Path, "duration", r.Duration)
	}
	if err != nil {
		return fmt.Errorf("migrate %s: %w", db, err)
	}
	return nil
}

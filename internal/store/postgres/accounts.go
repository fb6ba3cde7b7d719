package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const userColumns = `id, username, password_hash, role, created_at`

func scanUser(row pgx.Row) (monitor.User, error) {
	var u monitor.User
	err := row.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.Role, &u.CreatedAt)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, err
}

func (s *Store) CreateUser(ctx context.Context, u monitor.User, onlyFirst bool) (monitor.User, error) {
	var created monitor.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Sign-ups wait for each other here, so two first sign-ups cannot both become admin.
		if _, err := tx.Exec(ctx, `LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		var users int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&users); err != nil {
			return err
		}
		if users > 0 && onlyFirst {
			return store.ErrSignupClosed
		}
		if users == 0 {
			u.Role = monitor.RoleAdmin
		}
		const q = `INSERT INTO users (username, password_hash, role, created_at) VALUES ($1, $2, $3, $4) RETURNING ` + userColumns
		var err error
		created, err = scanUser(tx.QueryRow(ctx, q, u.Username, u.PasswordHash, u.Role, u.CreatedAt))
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return store.ErrUsernameTaken
		}
		if err != nil || users > 0 {
			return err
		}
		// The first account takes over what was made before accounts existed.
		batch := &pgx.Batch{}
		batch.Queue(`UPDATE sites SET owner_id = $1 WHERE owner_id = 0`, created.ID)
		batch.Queue(`UPDATE webhooks SET owner_id = $1 WHERE owner_id = 0`, created.ID)
		return tx.SendBatch(ctx, batch).Close()
	})
	if err != nil {
		return monitor.User{}, fmt.Errorf("create user: %w", err)
	}
	return created, nil
}

func (s *Store) oneUser(ctx context.Context, where string, args ...any) (monitor.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users `+where, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return monitor.User{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.User{}, fmt.Errorf("get user: %w", err)
	}
	return u, nil
}

func (s *Store) User(ctx context.Context, id int64) (monitor.User, error) {
	return s.oneUser(ctx, `WHERE id = $1`, id)
}

func (s *Store) UserByName(ctx context.Context, username string) (monitor.User, error) {
	return s.oneUser(ctx, `WHERE username = $1`, username)
}

func (s *Store) FirstAdmin(ctx context.Context) (monitor.User, error) {
	return s.oneUser(ctx, `WHERE role = 'admin' ORDER BY id LIMIT 1`)
}

func (s *Store) ListUsers(ctx context.Context) ([]monitor.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return collect(rows, scanUser, "users")
}

func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var role string
		// Locking the admins makes "not the last admin" hold when two admins delete each other.
		rows, err := tx.Query(ctx, `SELECT id, role FROM users WHERE id = $1 OR role = 'admin' ORDER BY id FOR UPDATE`, id)
		if err != nil {
			return err
		}
		admins, found := 0, false
		var uid int64
		var r string
		_, err = pgx.ForEachRow(rows, []any{&uid, &r}, func() error {
			if monitor.Role(r) == monitor.RoleAdmin {
				admins++
			}
			if uid == id {
				found, role = true, r
			}
			return nil
		})
		if err != nil {
			return err
		}
		if !found {
			return store.ErrNotFound
		}
		if monitor.Role(role) == monitor.RoleAdmin && admins == 1 {
			return store.ErrLastAdmin
		}
		batch := &pgx.Batch{}
		batch.Queue(`DELETE FROM sites WHERE owner_id = $1`, id)
		batch.Queue(`DELETE FROM webhooks WHERE owner_id = $1`, id)
		batch.Queue(`DELETE FROM users WHERE id = $1`, id)
		return tx.SendBatch(ctx, batch).Close()
	})
	if err != nil {
		return fmt.Errorf("delete user %d: %w", id, err)
	}
	return nil
}

const keyColumns = `id, user_id, name, hint, hash, created_at, last_used_at`

func scanKey(row pgx.Row) (monitor.APIKey, error) {
	var k monitor.APIKey
	err := row.Scan(&k.ID, &k.UserID, &k.Name, &k.Hint, &k.Hash, &k.CreatedAt, &k.LastUsedAt)
	k.CreatedAt, k.LastUsedAt = k.CreatedAt.UTC(), utcPtr(k.LastUsedAt)
	return k, err
}

func (s *Store) CreateAPIKey(ctx context.Context, k monitor.APIKey) (monitor.APIKey, error) {
	const q = `INSERT INTO api_keys (user_id, name, hint, hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ` + keyColumns
	created, err := scanKey(s.pool.QueryRow(ctx, q, k.UserID, k.Name, k.Hint, k.Hash, k.CreatedAt))
	if err != nil {
		return monitor.APIKey{}, fmt.Errorf("create api key: %w", err)
	}
	return created, nil
}

func (s *Store) ListAPIKeys(ctx context.Context, userID int64) ([]monitor.APIKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	return collect(rows, scanKey, "api keys")
}

func (s *Store) DeleteAPIKey(ctx context.Context, userID, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM api_keys WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("delete api key %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

func (s *Store) APIKeyByHash(ctx context.Context, hash string, at time.Time) (monitor.APIKey, monitor.User, error) {
	k, err := scanKey(s.pool.QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE hash = $1`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return k, monitor.User{}, store.ErrNotFound
	}
	if err != nil {
		return k, monitor.User{}, fmt.Errorf("find api key: %w", err)
	}
	u, err := s.User(ctx, k.UserID)
	if err != nil {
		return k, u, err
	}
	if k.LastUsedAt == nil || at.Sub(*k.LastUsedAt) >= time.Minute {
		if _, err := s.pool.Exec(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE id = $2`, at, k.ID); err != nil {
			return k, u, fmt.Errorf("note api key use: %w", err)
		}
		k.LastUsedAt = &at
	}
	return k, u, nil
}

func (s *Store) SharedSecret(ctx context.Context, name string, candidate []byte, at time.Time) ([]byte, error) {
	// Two statements, not one: a SELECT in the INSERT's statement would not see the row of a
	// process that won the race, since its snapshot predates that commit.
	const ins = `INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`
	if _, err := s.pool.Exec(ctx, ins, name, candidate, at); err != nil {
		return nil, fmt.Errorf("store secret %s: %w", name, err)
	}
	var value []byte
	if err := s.pool.QueryRow(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&value); err != nil {
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	return value, nil
}

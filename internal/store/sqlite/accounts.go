package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const userColumns = `id, username, password_hash, role, created_at`

func scanUser(row scanner) (monitor.User, error) {
	var (
		u       monitor.User
		created int64
	)
	err := row.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.Role, &created)
	u.CreatedAt = fromMicros(created)
	return u, err
}

func (s *Store) CreateUser(ctx context.Context, u monitor.User, onlyFirst bool) (monitor.User, error) {
	var created monitor.User
	err := s.inTx(ctx, func(tx *sql.Tx) error { // the single writer serialises sign-ups
		var users int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&users); err != nil {
			return err
		}
		if users > 0 && onlyFirst {
			return store.ErrSignupClosed
		}
		if users == 0 {
			u.Role = monitor.RoleAdmin
		}
		const q = `INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?) RETURNING ` + userColumns
		var err error
		created, err = scanUser(tx.QueryRowContext(ctx, q, u.Username, u.PasswordHash, u.Role, micros(u.CreatedAt)))
		if err != nil && strings.Contains(err.Error(), "UNIQUE") {
			return store.ErrUsernameTaken
		}
		if err != nil || users > 0 {
			return err
		}
		return adoptOrphans(ctx, tx, created.ID)
	})
	if err != nil {
		return monitor.User{}, fmt.Errorf("create user: %w", err)
	}
	return created, nil
}

// adoptOrphans gives the first account what was made before accounts existed.
func adoptOrphans(ctx context.Context, tx *sql.Tx, owner int64) error {
	for _, table := range []string{"sites", "webhooks"} {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET owner_id = ? WHERE owner_id = 0`, owner); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) oneUser(ctx context.Context, where string, args ...any) (monitor.User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return monitor.User{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.User{}, fmt.Errorf("get user: %w", err)
	}
	return u, nil
}

func (s *Store) User(ctx context.Context, id int64) (monitor.User, error) {
	return s.oneUser(ctx, `WHERE id = ?`, id)
}

func (s *Store) UserByName(ctx context.Context, username string) (monitor.User, error) {
	return s.oneUser(ctx, `WHERE username = ?`, username)
}

func (s *Store) FirstAdmin(ctx context.Context) (monitor.User, error) {
	return s.oneUser(ctx, `WHERE role = 'admin' ORDER BY id LIMIT 1`)
}

func (s *Store) ListUsers(ctx context.Context) ([]monitor.User, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return collect(rows, scanUser, "user")
}

func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var role string
		if err := tx.QueryRowContext(ctx, `SELECT role FROM users WHERE id = ?`, id).Scan(&role); errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		var admins int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin'`).Scan(&admins); err != nil {
			return err
		}
		if monitor.Role(role) == monitor.RoleAdmin && admins == 1 {
			return store.ErrLastAdmin
		}
		for _, q := range []string{`DELETE FROM sites WHERE owner_id = ?`, `DELETE FROM webhooks WHERE owner_id = ?`, `DELETE FROM users WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete user %d: %w", id, err)
	}
	return nil
}

const keyColumns = `id, user_id, name, hint, hash, created_at, last_used_at`

func scanKey(row scanner) (monitor.APIKey, error) {
	var (
		k        monitor.APIKey
		created  int64
		lastUsed sql.NullInt64
	)
	err := row.Scan(&k.ID, &k.UserID, &k.Name, &k.Hint, &k.Hash, &created, &lastUsed)
	k.CreatedAt, k.LastUsedAt = fromMicros(created), timePtr(lastUsed)
	return k, err
}

func (s *Store) CreateAPIKey(ctx context.Context, k monitor.APIKey) (monitor.APIKey, error) {
	const q = `INSERT INTO api_keys (user_id, name, hint, hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING ` + keyColumns
	created, err := scanKey(s.write.QueryRowContext(ctx, q, k.UserID, k.Name, k.Hint, k.Hash, micros(k.CreatedAt)))
	if err != nil {
		return monitor.APIKey{}, fmt.Errorf("create api key: %w", err)
	}
	return created, nil
}

func (s *Store) ListAPIKeys(ctx context.Context, userID int64) ([]monitor.APIKey, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	return collect(rows, scanKey, "api key")
}

func (s *Store) DeleteAPIKey(ctx context.Context, userID, id int64) error {
	res, err := s.write.ExecContext(ctx, `DELETE FROM api_keys WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("delete api key %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

func (s *Store) APIKeyByHash(ctx context.Context, hash string, at time.Time) (monitor.APIKey, monitor.User, error) {
	k, err := scanKey(s.read.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
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
		if _, err := s.write.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, micros(at), k.ID); err != nil {
			return k, u, fmt.Errorf("note api key use: %w", err)
		}
		k.LastUsedAt = &at
	}
	return k, u, nil
}

func (s *Store) SharedSecret(ctx context.Context, name string, candidate []byte, at time.Time) ([]byte, error) {
	const ins = `INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`
	if _, err := s.write.ExecContext(ctx, ins, name, candidate, micros(at)); err != nil {
		return nil, fmt.Errorf("store secret %s: %w", name, err)
	}
	var value []byte
	if err := s.write.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&value); err != nil {
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	return value, nil
}

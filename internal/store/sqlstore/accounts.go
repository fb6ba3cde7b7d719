package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const userColumns = `id, username, password_hash, role, created_at`

func scanUser(row scanner) (monitor.User, error) {
	var u monitor.User
	err := row.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.Role, timeAt(&u.CreatedAt))
	return u, err
}

func (s *Store) CreateUser(ctx context.Context, u monitor.User, onlyFirst bool) (monitor.User, error) {
	var created monitor.User
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		if s.d.LockUsers != "" {
			if _, err := tx.exec(ctx, s.d.LockUsers); err != nil {
				return err
			}
		}
		var users int
		if err := tx.row(ctx, `SELECT count(*) FROM users`).Scan(&users); err != nil {
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
		created, err = scanUser(tx.row(ctx, q, u.Username, u.PasswordHash, u.Role, u.CreatedAt))
		if err != nil && s.d.UniqueViolation(err) {
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
func adoptOrphans(ctx context.Context, tx conn, owner int64) error {
	for _, table := range []string{"sites", "webhooks", "status_pages"} {
		if _, err := tx.exec(ctx, `UPDATE `+table+` SET owner_id = $1 WHERE owner_id = 0`, owner); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) oneUser(ctx context.Context, where string, args ...any) (monitor.User, error) {
	u, err := scanUser(s.read.row(ctx, `SELECT `+userColumns+` FROM users `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
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
	rows, err := s.read.query(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return collect(rows, scanUser, "users")
}

func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		// Locking the admins makes "not the last admin" hold when two admins delete each other.
		rows, err := tx.query(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1 OR role = 'admin' ORDER BY id`+s.d.ForUpdate, id)
		if err != nil {
			return err
		}
		users, err := collect(rows, scanUser, "users")
		if err != nil {
			return err
		}
		if err := mayDelete(users, id); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM maintenance WHERE owner_id = $1`, `DELETE FROM sites WHERE owner_id = $1`, `DELETE FROM status_pages WHERE owner_id = $1`, `DELETE FROM webhooks WHERE owner_id = $1`, `DELETE FROM users WHERE id = $1`} {
			if _, err := tx.exec(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
	return notFoundOr(err, "delete user %d", id)
}

// mayDelete says whether user id may be deleted, given it and every admin: not the last admin.
func mayDelete(users []monitor.User, id int64) error {
	admins := 0
	var target *monitor.User
	for i, u := range users {
		if u.Role == monitor.RoleAdmin {
			admins++
		}
		if u.ID == id {
			target = &users[i]
		}
	}
	switch {
	case target == nil:
		return store.ErrNotFound
	case target.Role == monitor.RoleAdmin && admins == 1:
		return store.ErrLastAdmin
	}
	return nil
}

const keyColumns = `id, user_id, name, hint, hash, created_at, last_used_at`

func scanKey(row scanner) (monitor.APIKey, error) {
	var k monitor.APIKey
	err := row.Scan(&k.ID, &k.UserID, &k.Name, &k.Hint, &k.Hash, timeAt(&k.CreatedAt), timeOrNil(&k.LastUsedAt))
	return k, err
}

func (s *Store) CreateAPIKey(ctx context.Context, k monitor.APIKey) (monitor.APIKey, error) {
	const q = `INSERT INTO api_keys (user_id, name, hint, hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ` + keyColumns
	created, err := scanKey(s.write.row(ctx, q, k.UserID, k.Name, k.Hint, k.Hash, k.CreatedAt))
	if err != nil {
		return monitor.APIKey{}, fmt.Errorf("create api key: %w", err)
	}
	return created, nil
}

func (s *Store) ListAPIKeys(ctx context.Context, userID int64) ([]monitor.APIKey, error) {
	rows, err := s.read.query(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	return collect(rows, scanKey, "api keys")
}

func (s *Store) DeleteAPIKey(ctx context.Context, userID, id int64) error {
	err := s.write.execOne(ctx, `DELETE FROM api_keys WHERE id = $1 AND user_id = $2`, id, userID)
	return notFoundOr(err, "delete api key %d", id)
}

func (s *Store) APIKeyByHash(ctx context.Context, hash string, at time.Time) (monitor.APIKey, monitor.User, error) {
	k, err := scanKey(s.read.row(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE hash = $1`, hash))
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
		if _, err := s.write.exec(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE id = $2`, at, k.ID); err != nil {
			return k, u, fmt.Errorf("note api key use: %w", err)
		}
		k.LastUsedAt = &at
	}
	return k, u, nil
}

func (s *Store) SharedSecret(ctx context.Context, name string, candidate []byte, at time.Time) ([]byte, error) {
	// Two statements, not one: on PostgreSQL a SELECT in the INSERT's statement would not see
	// the row of a process that won the race, since its snapshot predates that commit.
	const ins = `INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`
	if _, err := s.write.exec(ctx, ins, name, candidate, at); err != nil {
		return nil, fmt.Errorf("store secret %s: %w", name, err)
	}
	var value []byte
	if err := s.write.row(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&value); err != nil {
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	return value, nil
}

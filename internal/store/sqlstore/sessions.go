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

func (s *Store) SetPassword(ctx context.Context, userID int64, passwordHash string) error {
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		if err := tx.execOne(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, passwordHash, userID); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		return err
	})
	return notFoundOr(err, "set password of user %d", userID)
}

func (s *Store) CreateSession(ctx context.Context, sess store.Session) error {
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		// Expired sessions are swept a user at a time, when that user signs in again: no
		// background job, and a user's rows never pile up.
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2`, sess.UserID, sess.CreatedAt); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO sessions (hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			sess.Hash, sess.UserID, sess.CreatedAt, sess.ExpiresAt)
		return err
	})
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

func (s *Store) SessionByHash(ctx context.Context, hash string, now time.Time) (store.Session, monitor.User, error) {
	sess := store.Session{Hash: hash}
	var u monitor.User
	const q = `SELECT s.user_id, s.created_at, s.expires_at, u.id, u.username, u.password_hash, u.role, u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = $1 AND s.expires_at > $2`
	err := s.read.row(ctx, q, hash, now).Scan(&sess.UserID, timeAt(&sess.CreatedAt), timeAt(&sess.ExpiresAt),
		&u.ID, &u.Username, &u.PasswordHash, &u.Role, timeAt(&u.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Session{}, monitor.User{}, store.ErrNotFound
	}
	if err != nil {
		return store.Session{}, monitor.User{}, fmt.Errorf("find session: %w", err)
	}
	return sess, u, nil
}

func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.write.exec(ctx, `DELETE FROM sessions WHERE hash = $1`, hash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

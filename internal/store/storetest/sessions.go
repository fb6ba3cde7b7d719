package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/store"
)

func mustCreateSession(t *testing.T, s store.Store, hash string, userID int64, at time.Time, ttl time.Duration) {
	t.Helper()
	if err := s.CreateSession(context.Background(), store.Session{Hash: hash, UserID: userID, CreatedAt: at, ExpiresAt: at.Add(ttl)}); err != nil {
		t.Fatal(err)
	}
}

func sessionFound(t *testing.T, s store.Store, hash string, now time.Time) bool {
	t.Helper()
	_, _, err := s.SessionByHash(context.Background(), hash, now)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func testSessionsExpireAndEnd(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreateUser(t, s, newUser("ada"), false)
	bob := mustCreateUser(t, s, newUser("bob"), false)
	mustCreateSession(t, s, "ada-1", ada.ID, t0, time.Hour)
	mustCreateSession(t, s, "bob-1", bob.ID, t0, time.Hour)

	sess, u, err := s.SessionByHash(ctx, "ada-1", t0.Add(time.Minute))
	if err != nil || u.ID != ada.ID || u.Username != "ada" || sess.UserID != ada.ID || !sess.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("session: %+v %+v %v", sess, u, err)
	}
	if sessionFound(t, s, "ada-1", t0.Add(time.Hour)) {
		t.Error("a session is still valid at its expiry")
	}
	if sessionFound(t, s, "nobody", t0) {
		t.Error("an unknown session was found")
	}

	if err := s.DeleteSession(ctx, "ada-1"); err != nil {
		t.Fatal(err)
	}
	if sessionFound(t, s, "ada-1", t0) {
		t.Error("a signed-out session is still valid")
	}
	if err := s.DeleteSession(ctx, "ada-1"); err != nil {
		t.Errorf("signing out twice: %v", err)
	}

	// A new sign-in sweeps the user's expired sessions, and only them.
	mustCreateSession(t, s, "ada-old", ada.ID, t0, time.Hour)
	mustCreateSession(t, s, "ada-new", ada.ID, t0.Add(2*time.Hour), time.Hour)
	if sessionFound(t, s, "ada-old", t0) {
		t.Error("an expired session was not swept by the next sign-in")
	}
	if !sessionFound(t, s, "bob-1", t0) {
		t.Error("another user's session was swept")
	}

	// Deleting the user ends its sessions.
	if err := s.DeleteUser(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	if sessionFound(t, s, "bob-1", t0) {
		t.Error("a deleted user's session is still valid")
	}
}

func testPasswordChangeEndsSessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreateUser(t, s, newUser("ada"), false)
	bob := mustCreateUser(t, s, newUser("bob"), false)
	mustCreateSession(t, s, "ada-1", ada.ID, t0, time.Hour)
	mustCreateSession(t, s, "ada-2", ada.ID, t0, time.Hour)
	mustCreateSession(t, s, "bob-1", bob.ID, t0, time.Hour)

	if err := s.SetPassword(ctx, ada.ID, "$argon2id$new"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, ada.ID); got.PasswordHash != "$argon2id$new" {
		t.Errorf("password hash is %q", got.PasswordHash)
	}
	if sessionFound(t, s, "ada-1", t0) || sessionFound(t, s, "ada-2", t0) {
		t.Error("a session outlived its user's password change")
	}
	if !sessionFound(t, s, "bob-1", t0) {
		t.Error("another user's session ended")
	}
	if err := s.SetPassword(ctx, 999, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

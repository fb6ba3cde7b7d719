package accounts_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/accounts"
	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

func newService(t *testing.T, signupOpen bool) (*accounts.Service, store.Store) {
	st := storetest.OpenSQLite(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return accounts.New(st, auth.NewAttemptLimiter(3, time.Minute, time.Now), signupOpen, time.Now, log), st
}

func field(err error) string {
	var fe *monitor.FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

func TestSignUpLoginAndTheirRefusals(t *testing.T) {
	s, _ := newService(t, false)
	ctx := context.Background()
	ada, err := s.SignUp(ctx, "10.0.0.1", " Ada ", "correct horse")
	if err != nil || ada.Role != monitor.RoleAdmin || ada.Username != "ada" {
		t.Fatalf("first sign-up: %+v %v", ada, err)
	}
	if _, err := s.SignUp(ctx, "10.0.0.2", "bob", "correct horse"); !errors.Is(err, store.ErrSignupClosed) {
		t.Errorf("second sign-up while closed: %v", err)
	}
	for _, tc := range []struct{ user, pass, field string }{{"", "x", "username"}, {"bob", "", "password"}} {
		if _, err := s.Login(ctx, "10.0.0.3", tc.user, tc.pass); field(err) != tc.field {
			t.Errorf("login %q/%q: %v, want a %s error", tc.user, tc.pass, err, tc.field)
		}
	}
	if _, err := s.Login(ctx, "10.0.0.4", "nobody", "correct horse"); !errors.Is(err, accounts.ErrWrongCredentials) {
		t.Errorf("unknown user: %v", err)
	}
	if u, err := s.Login(ctx, "10.0.0.4", "ADA", "correct horse"); err != nil || u.ID != ada.ID {
		t.Errorf("login: %+v %v", u, err)
	}
}

func TestFailuresAreLimitedAndSuccessesAreNot(t *testing.T) {
	s, _ := newService(t, false)
	ctx := context.Background()
	s.SignUp(ctx, "10.0.0.1", "ada", "correct horse") // 1 of 3 from this address
	for range 5 {
		if _, err := s.Login(ctx, "10.0.0.9", "ada", "correct horse"); err != nil {
			t.Fatalf("successful logins were counted: %v", err)
		}
	}
	s.Login(ctx, "10.0.0.1", "ada", "wrong horse")
	s.Login(ctx, "10.0.0.1", "ada", "wrong horse")
	var many *accounts.TooManyAttempts
	if _, err := s.Login(ctx, "10.0.0.1", "ada", "correct horse"); !errors.As(err, &many) || many.Seconds() < 1 {
		t.Errorf("fourth attempt from the address: %v", err)
	}
}

func TestChangePasswordAndAPIKeys(t *testing.T) {
	s, st := newService(t, false)
	ctx := context.Background()
	ada, _ := s.SignUp(ctx, "10.0.0.1", "ada", "correct horse")
	if err := s.ChangePassword(ctx, "10.0.0.2", ada.ID, "wrong horse", "battery staple"); field(err) != "current_password" {
		t.Errorf("wrong current password: %v", err)
	}
	if err := s.ChangePassword(ctx, "10.0.0.2", ada.ID, "correct horse", "short"); field(err) != "new_password" {
		t.Errorf("short new password: %v", err)
	}
	if err := s.ChangePassword(ctx, "10.0.0.2", ada.ID, "correct horse", "battery staple"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, "10.0.0.3", "ada", "battery staple"); err != nil {
		t.Errorf("the new password: %v", err)
	}

	if _, _, err := s.NewAPIKey(ctx, ada.ID, "  "); field(err) != "name" {
		t.Errorf("nameless key: %v", err)
	}
	if _, _, err := s.NewAPIKey(ctx, 0, "deploy"); !errors.Is(err, accounts.ErrNoAccount) {
		t.Errorf("key without an account: %v", err)
	}
	k, key, err := s.NewAPIKey(ctx, ada.ID, " deploy ")
	if err != nil || k.Name != "deploy" {
		t.Fatalf("key: %+v %v", k, err)
	}
	if _, u, err := st.APIKeyByHash(ctx, auth.HashAPIKey(key), time.Now()); err != nil || u.ID != ada.ID {
		t.Errorf("the key returned is not the one stored: %v", err)
	}
}

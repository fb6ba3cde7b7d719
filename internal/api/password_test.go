package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

func TestChangePassword(t *testing.T) {
	forEachStoreWithAuth(t, func(t *testing.T, e *env, _ *clock) {
		token := e.signup("/auth/signup", "ada")
		ada, err := e.store.UserByName(context.Background(), "ada")
		if err != nil {
			t.Fatal(err)
		}
		// A dashboard session, which the change must end.
		now := time.Now().UTC()
		if err := e.store.CreateSession(context.Background(), store.Session{Hash: "h", UserID: ada.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct{ body, field string }{
			{`{"new_password": "battery staple"}`, "current_password"},
			{`{"current_password": "correct horse", "new_password": "short"}`, "new_password"},
			{`{"current_password": "wrong horse", "new_password": "battery staple"}`, "current_password"},
		} {
			got := e.expect(e.do("POST", "/me/password", tc.body, as(token)...), http.StatusBadRequest)
			if f := got["error"].(map[string]any)["field"]; f != tc.field {
				t.Errorf("%s: field %v, want %s", tc.body, f, tc.field)
			}
		}
		e.expect(e.do("POST", "/me/password", `{"current_password": "correct horse", "new_password": "battery staple"}`), http.StatusUnauthorized)
		e.expect(e.do("POST", "/me/password", `{"current_password": "correct horse", "new_password": "battery staple"}`, as(token)...), http.StatusNoContent)

		e.expect(e.do("POST", "/auth/login", `{"username": "ada", "password": "correct horse"}`), http.StatusUnauthorized)
		e.expect(e.do("POST", "/auth/login", `{"username": "ada", "password": "battery staple"}`), http.StatusOK)
		if _, _, err := e.store.SessionByHash(context.Background(), "h", now); err != store.ErrNotFound {
			t.Errorf("the dashboard session outlived the password change: %v", err)
		}
	})
}

func TestWrongCurrentPasswordsAreLimited(t *testing.T) {
	e, _ := newAuthEnv(t, storetest.OpenSQLite(t), false)
	token := e.signup("/auth/signup", "ada")
	for range 9 { // the sign-up was one attempt from this address
		e.expect(e.do("POST", "/me/password", `{"current_password": "wrong horse", "new_password": "battery staple"}`, as(token)...), http.StatusBadRequest)
	}
	r := e.do("POST", "/me/password", `{"current_password": "correct horse", "new_password": "battery staple"}`, as(token)...)
	e.expect(r, http.StatusTooManyRequests)
}

// The dashboard's session cookie is for pages only: the API takes tokens and keys, never it,
// so a cross-site request the browser adds the cookie to can do nothing.
func TestTheAPINeverAcceptsTheSessionCookie(t *testing.T) {
	e, _ := newAuthEnv(t, storetest.OpenSQLite(t), false)
	e.signup("/auth/signup", "ada")
	ada, _ := e.store.UserByName(context.Background(), "ada")
	now := time.Now().UTC()
	sum := sha256.Sum256([]byte("cookie-id"))
	if err := e.store.CreateSession(context.Background(), store.Session{Hash: hex.EncodeToString(sum[:]), UserID: ada.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"tocsin_session", "__Host-tocsin_session"} {
		e.expect(e.do("GET", "/sites", "", "Cookie", name+"=cookie-id"), http.StatusUnauthorized)
		e.expect(e.do("POST", "/api-keys", `{"name": "x"}`, "Cookie", name+"=cookie-id"), http.StatusUnauthorized)
	}
}

package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// sessionTTL is how long a dashboard sign-in lasts; signing out, changing the password or
// deleting the user ends it sooner.
const sessionTTL = 14 * 24 * time.Hour

// accountStore is what sign-in and the account page read and write.
type accountStore interface {
	CreateSession(ctx context.Context, s store.Session) error
	SessionByHash(ctx context.Context, hash string, now time.Time) (store.Session, monitor.User, error)
	DeleteSession(ctx context.Context, hash string) error
	ListAPIKeys(ctx context.Context, userID int64) ([]monitor.APIKey, error)
	DeleteAPIKey(ctx context.Context, userID, id int64) error
	ListUsers(ctx context.Context) ([]monitor.User, error)
	DeleteUser(ctx context.Context, id int64) error
}

// cookieName is the session cookie's. Over https it takes the __Host- prefix, which browsers
// accept only from a secure origin, for the whole host, so no subdomain can set or shadow it.
func (h *Handler) cookieName() string {
	if h.signin.secure {
		return "__Host-tocsin_session"
	}
	return "tocsin_session"
}

// hashSessionID is what the sessions table keeps of a cookie's id: a copy of the table
// signs no one in.
func hashSessionID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// startSession signs the browser in as u: a new random id in the cookie, its hash stored.
// A session the browser had before ends: signing in again leaves none behind.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, u monitor.User) error {
	if c, err := r.Cookie(h.cookieName()); err == nil && c.Value != "" {
		if err := h.store.DeleteSession(r.Context(), hashSessionID(c.Value)); err != nil {
			return err
		}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	id := base64.RawURLEncoding.EncodeToString(raw)
	now := h.now().UTC()
	s := store.Session{Hash: hashSessionID(id), UserID: u.ID, CreatedAt: monitor.StoredTime(now), ExpiresAt: monitor.StoredTime(now.Add(sessionTTL))}
	if err := h.store.CreateSession(r.Context(), s); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: h.cookieName(), Value: id, Path: "/", Expires: s.ExpiresAt,
		HttpOnly: true, Secure: h.signin.secure, SameSite: http.SameSiteLaxMode})
	return nil
}

// endSession signs the browser out, on the server and in the browser.
func (h *Handler) endSession(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(h.cookieName()); err == nil && c.Value != "" {
		if err := h.store.DeleteSession(r.Context(), hashSessionID(c.Value)); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: h.cookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: h.signin.secure, SameSite: http.SameSiteLaxMode})
	return nil
}

// viewer is who the request acts as, and whether anyone does. With auth off it is the first
// admin, or before any account exists an admin with no id (the owner of everything, as in
// the API); otherwise the user of the session cookie, if it is valid.
func (h *Handler) viewer(r *http.Request) (monitor.User, bool, error) {
	if h.authOff {
		u, err := h.store.FirstAdmin(r.Context())
		if errors.Is(err, store.ErrNotFound) {
			return monitor.User{Role: monitor.RoleAdmin}, true, nil
		}
		return u, err == nil, err
	}
	c, err := r.Cookie(h.cookieName())
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return monitor.User{}, false, nil
	}
	_, u, err := h.store.SessionByHash(r.Context(), hashSessionID(c.Value), h.now().UTC())
	if errors.Is(err, store.ErrNotFound) {
		return monitor.User{}, false, nil
	}
	return u, err == nil, err
}

// stillSignedIn says whether a long-lived request (a live stream) still has a session: one
// ended by signing out, a password change or the user's deletion ends the stream at its next
// heartbeat rather than when the browser leaves.
func (h *Handler) stillSignedIn(r *http.Request) bool {
	if h.authOff {
		return true
	}
	u, ok, err := h.viewer(r)
	return err == nil && ok && u.ID == owner(r)
}

package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// principal is whom a request acts as.
type principal struct {
	UserID   int64
	Username string
	Role     monitor.Role
}

type principalKey struct{}

// owner is whose data a request may touch: its principal's. Other owners' rows are 404.
func owner(r *http.Request) int64 {
	p, _ := r.Context().Value(principalKey{}).(principal)
	return p.UserID
}

func principalOf(r *http.Request) principal {
	p, _ := r.Context().Value(principalKey{}).(principal)
	return p
}

// serve adapts a route's handler to net/http: the request must first show who it is, as the
// route requires, and an error the handler returns is answered here.
func (h *Handler) serve(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.guard(rt, w, r); err != nil {
			h.fail(w, r, rt.Noun, err)
		}
	})
}

func (h *Handler) guard(rt route, w http.ResponseWriter, r *http.Request) error {
	if rt.Access == public {
		return rt.Handle(w, r)
	}
	p, err := h.authenticate(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="tocsin"`)
		return err
	}
	if rt.Access == adminOnly && p.Role != monitor.RoleAdmin {
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "only admins may do this"}
	}
	return rt.Handle(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
}

func unauthorized(message string) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: message}
}

// authenticate reads the bearer token: an API key (tsk_…) or a session token from login.
func (h *Handler) authenticate(r *http.Request) (principal, error) {
	if h.auth.Off {
		u, err := h.store.FirstAdmin(r.Context())
		if errors.Is(err, store.ErrNotFound) {
			return principal{Role: monitor.RoleAdmin}, nil // no accounts yet: the owner of everything
		}
		return principal{UserID: u.ID, Username: u.Username, Role: u.Role}, err
	}
	header := r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return principal{}, unauthorized("sign in first: send Authorization: Bearer <token> with a token from POST /auth/login or an API key")
	}
	var (
		u   monitor.User
		err error
	)
	if auth.IsAPIKey(token) {
		_, u, err = h.store.APIKeyByHash(r.Context(), auth.HashAPIKey(token), h.now().UTC())
		if errors.Is(err, store.ErrNotFound) {
			return principal{}, unauthorized("this API key is unknown or has been revoked")
		}
	} else {
		claims, perr := h.auth.Tokens.Parse(token)
		if perr != nil {
			return principal{}, unauthorized("the token is invalid or has expired; sign in again with POST /auth/login")
		}
		u, err = h.store.User(r.Context(), claims.UserID)
		if errors.Is(err, store.ErrNotFound) {
			return principal{}, unauthorized("the account of this token no longer exists")
		}
	}
	if err != nil {
		return principal{}, err
	}
	return principal{UserID: u.ID, Username: u.Username, Role: u.Role}, nil
}

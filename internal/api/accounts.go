package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/accounts"
	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

type credentials struct {
	Username *string `json:"username"`
	Password *string `json:"password"`
}

type newUserRequest struct {
	Username *string `json:"username"`
	Password *string `json:"password"`
	Role     *string `json:"role"` // admin or user (default)
}

type userView struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

func viewUser(u monitor.User) userView {
	return userView{ID: u.ID, Username: u.Username, Role: string(u.Role), CreatedAt: u.CreatedAt}
}

// session is what signing up or in answers: a token for the Authorization header.
type session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      userView  `json:"user"`
}

// readCredentials reads a sign-up or login body.
func readCredentials(w http.ResponseWriter, r *http.Request) (string, string, error) {
	var c credentials
	if err := decode(w, r, &c); err != nil {
		return "", "", err
	}
	return deref(c.Username), deref(c.Password), nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// accountError answers the accounts service's refusals in the API's shape; a field error
// passes through to fail, which names the field.
func accountError(w http.ResponseWriter, err error) error {
	var many *accounts.TooManyAttempts
	switch {
	case errors.As(err, &many):
		w.Header().Set("Retry-After", strconv.Itoa(many.Seconds()))
		return &Error{Status: http.StatusTooManyRequests, Code: "too_many_attempts", Message: many.Error()}
	case errors.Is(err, accounts.ErrWrongCredentials):
		return unauthorized("wrong username or password")
	case errors.Is(err, accounts.ErrNoAccount):
		return &Error{Status: http.StatusConflict, Code: "no_account", Message: "API keys belong to an account: sign up first (POST /auth/signup)"}
	case errors.Is(err, store.ErrUsernameTaken):
		return &Error{Status: http.StatusConflict, Code: "username_taken", Field: "username", Message: "this username is taken"}
	case errors.Is(err, store.ErrSignupClosed):
		return &Error{Status: http.StatusForbidden, Code: "signup_closed",
			Message: "sign-up is closed: an admin can create your account (POST /users), or start Tocsin with TOCSIN_SIGNUP=open"}
	}
	return err
}

func (h *Handler) issue(w http.ResponseWriter, status int, u monitor.User) error {
	token, exp, err := h.auth.Tokens.Issue(auth.Claims{UserID: u.ID, Username: u.Username, Role: string(u.Role)})
	if err != nil {
		return fmt.Errorf("sign a session token: %w", err)
	}
	return reply(w, status, session{Token: token, ExpiresAt: exp, User: viewUser(u)})
}

func (h *Handler) signup(w http.ResponseWriter, r *http.Request) error {
	username, password, err := readCredentials(w, r)
	if err != nil {
		return err
	}
	u, err := h.accounts.SignUp(r.Context(), h.clientAddr(r), username, password)
	if err != nil {
		return accountError(w, err)
	}
	return h.issue(w, http.StatusCreated, u)
}

// login signs a user in, through the same limiter and timing as the dashboard's sign-in.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	username, password, err := readCredentials(w, r)
	if err != nil {
		return err
	}
	u, err := h.accounts.Login(r.Context(), h.clientAddr(r), username, password)
	if err != nil {
		return accountError(w, err)
	}
	return h.issue(w, http.StatusOK, u)
}

type passwordChange struct {
	CurrentPassword *string `json:"current_password"`
	NewPassword     *string `json:"new_password"`
}

// changePassword sets a new password; the user's dashboard sessions end with the old one.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	var req passwordChange
	if err := decode(w, r, &req); err != nil {
		return err
	}
	p := principalOf(r)
	if p.UserID == 0 {
		return &Error{Status: http.StatusConflict, Code: "no_account", Message: "there is no account yet: sign up first (POST /auth/signup)"}
	}
	if err := h.accounts.ChangePassword(r.Context(), h.clientAddr(r), p.UserID, deref(req.CurrentPassword), deref(req.NewPassword)); err != nil {
		return accountError(w, err)
	}
	return noContent(w)
}

func (h *Handler) me(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	if p.UserID == 0 {
		return reply(w, http.StatusOK, userView{Role: string(p.Role), Username: "(no accounts yet)"})
	}
	u, err := h.store.User(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, viewUser(u))
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) error {
	var req newUserRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	role := monitor.RoleUser
	if req.Role != nil {
		var err error
		if role, err = monitor.ParseRole(strings.TrimSpace(*req.Role)); err != nil {
			return err
		}
	}
	u, err := h.accounts.CreateUser(r.Context(), deref(req.Username), deref(req.Password), role)
	if err != nil {
		return accountError(w, err)
	}
	h.log.Info("account created by an admin", "user_id", u.ID, "username", u.Username, "role", u.Role, "admin_id", owner(r))
	return reply(w, http.StatusCreated, viewUser(u))
}

func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := h.store.ListUsers(r.Context())
	if err != nil {
		return err
	}
	views := make([]userView, len(users))
	for i, u := range users {
		views[i] = viewUser(u)
	}
	return reply(w, http.StatusOK, views)
}

func (h *Handler) deleteUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	err = h.store.DeleteUser(r.Context(), id)
	if errors.Is(err, store.ErrLastAdmin) {
		return &Error{Status: http.StatusConflict, Code: "last_admin", Message: "this is the last admin; make another admin first"}
	}
	if err != nil {
		return err
	}
	return noContent(w)
}

package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

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

// readCredentials reads a sign-up or login body and checks that both fields are there.
func readCredentials(w http.ResponseWriter, r *http.Request) (string, string, error) {
	var c credentials
	if err := decode(w, r, &c); err != nil {
		return "", "", err
	}
	return requireCredentials(c.Username, c.Password)
}

func requireCredentials(username, password *string) (string, string, error) {
	if username == nil || *username == "" {
		return "", "", badField("username", "username is required")
	}
	if password == nil || *password == "" {
		return "", "", badField("password", "password is required")
	}
	return monitor.NormalizeUsername(*username), *password, nil
}

// attemptKeys are the limiter's keys of a login or sign-up: its client's address and the name.
func (h *Handler) attemptKeys(r *http.Request, username string) (byAddr, byName string) {
	return "ip:" + h.clientAddr(r), "user:" + username
}

// limitAttempts refuses a login or sign-up past the limit per client address and user name,
// and otherwise counts it.
func (h *Handler) limitAttempts(w http.ResponseWriter, r *http.Request, username string) error {
	byAddr, byName := h.attemptKeys(r, username)
	ok, wait := h.auth.Attempts.Allow(byAddr, byName)
	if ok {
		return nil
	}
	secs := int(wait.Seconds()) + 1
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return &Error{Status: http.StatusTooManyRequests, Code: "too_many_attempts",
		Message: fmt.Sprintf("too many attempts; try again in %d seconds", secs)}
}

// hashPassword hashes with argon2id, a few at a time: each hash holds 19 MiB.
func (h *Handler) hashPassword(r *http.Request, pw string) (string, error) {
	select {
	case h.hashing <- struct{}{}:
	case <-r.Context().Done():
		return "", r.Context().Err()
	}
	defer func() { <-h.hashing }()
	return auth.HashPassword(pw)
}

func (h *Handler) newUser(r *http.Request, username, password string, role monitor.Role, onlyFirst bool) (monitor.User, error) {
	if err := monitor.ValidateUsername(username); err != nil {
		return monitor.User{}, err
	}
	if err := auth.ValidatePassword(password); err != nil {
		return monitor.User{}, badField("password", "password "+err.Error())
	}
	hash, err := h.hashPassword(r, password)
	if err != nil {
		return monitor.User{}, err
	}
	u, err := h.store.CreateUser(r.Context(), monitor.User{Username: username, PasswordHash: hash, Role: role,
		CreatedAt: monitor.StoredTime(h.now())}, onlyFirst)
	switch {
	case errors.Is(err, store.ErrUsernameTaken):
		return u, &Error{Status: http.StatusConflict, Code: "username_taken", Field: "username", Message: "this username is taken"}
	case errors.Is(err, store.ErrSignupClosed):
		return u, &Error{Status: http.StatusForbidden, Code: "signup_closed",
			Message: "sign-up is closed: an admin can create your account (POST /users), or start Tocsin with TOCSIN_SIGNUP=open"}
	}
	return u, err
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
	if err := h.limitAttempts(w, r, username); err != nil {
		return err
	}
	u, err := h.newUser(r, username, password, monitor.RoleUser, !h.auth.SignupOpen)
	if err != nil {
		return err
	}
	h.log.Info("account created", "user_id", u.ID, "username", u.Username, "role", u.Role)
	return h.issue(w, http.StatusCreated, u)
}

// dummyHash is verified against when the user does not exist, so that a login takes as long
// for a wrong name as for a wrong password and does not tell which accounts exist.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9+0Yxbk+gmM1s8Wp6Be6FZB1mk3BMuDZ2Q5r8XkRJ3c"

// login signs a user in. Only failures count towards the limit: the attempt counted when it
// was allowed is given back when it succeeds (from the address; the name's failures are
// forgotten).
func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	username, password, err := readCredentials(w, r)
	if err != nil {
		return err
	}
	if err := h.limitAttempts(w, r, username); err != nil {
		return err
	}
	u, err := h.store.UserByName(r.Context(), username)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if !h.passwordMatches(u, password) {
		return unauthorized("wrong username or password")
	}
	byAddr, byName := h.attemptKeys(r, username)
	h.auth.Attempts.Refund(byAddr)
	h.auth.Attempts.Forget(byName)
	return h.issue(w, http.StatusOK, u)
}

// passwordMatches verifies the password against the user's hash, or against a dummy one when
// there is no such user, so that both take as long.
func (h *Handler) passwordMatches(u monitor.User, password string) bool {
	hash := u.PasswordHash
	if hash == "" {
		hash = dummyHash
	}
	h.hashing <- struct{}{}
	match, err := auth.VerifyPassword(hash, password)
	<-h.hashing
	if err != nil && u.ID != 0 {
		h.log.Error("stored password hash is unreadable", "user_id", u.ID, "err", err)
	}
	return match && u.ID != 0
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
	username, password, err := requireCredentials(req.Username, req.Password)
	if err != nil {
		return err
	}
	role := monitor.RoleUser
	if req.Role != nil {
		if role, err = monitor.ParseRole(strings.TrimSpace(*req.Role)); err != nil {
			return err
		}
	}
	u, err := h.newUser(r, username, password, role, false)
	if err != nil {
		return err
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

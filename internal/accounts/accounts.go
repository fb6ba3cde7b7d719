// Package accounts holds the rules of signing up, signing in, passwords and API keys, for the
// JSON API and the dashboard alike: one limiter, one timing, one set of checks.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Store is what the rules read and write.
type Store interface {
	CreateUser(ctx context.Context, u monitor.User, onlyFirst bool) (monitor.User, error)
	User(ctx context.Context, id int64) (monitor.User, error)
	UserByName(ctx context.Context, username string) (monitor.User, error)
	SetPassword(ctx context.Context, userID int64, passwordHash string) error
	CreateAPIKey(ctx context.Context, k monitor.APIKey) (monitor.APIKey, error)
}

// Service applies the rules. Build one per process with New and share it: its limiter and
// its bound on concurrent hashes hold only if every door goes through it.
type Service struct {
	store      Store
	attempts   *auth.AttemptLimiter
	signupOpen bool
	now        func() time.Time
	log        *slog.Logger
	// hashing bounds the password hashes computed at once: each takes 19 MiB.
	hashing chan struct{}
}

// New builds the service. attempts limits sign-ups, logins and password changes per client
// address and per user name; signupOpen lets anyone sign up (otherwise only the first account).
func New(st Store, attempts *auth.AttemptLimiter, signupOpen bool, now func() time.Time, log *slog.Logger) *Service {
	return &Service{store: st, attempts: attempts, signupOpen: signupOpen, now: now, log: log, hashing: make(chan struct{}, 2)}
}

// SignupOpen says whether anyone may sign up, or only the first account.
func (s *Service) SignupOpen() bool { return s.signupOpen }

var (
	// ErrWrongCredentials is a login whose name or password is wrong; it does not say which.
	ErrWrongCredentials = errors.New("wrong username or password")
	// ErrNoAccount is an API key asked for before any account exists (auth off).
	ErrNoAccount = errors.New("API keys belong to an account: sign up first")
)

// TooManyAttempts refuses an attempt past the limit; Wait is how long until the next one.
type TooManyAttempts struct{ Wait time.Duration }

func (e *TooManyAttempts) Error() string {
	return fmt.Sprintf("too many attempts; try again in %d seconds", e.Seconds())
}

// Seconds is Wait rounded up, for Retry-After.
func (e *TooManyAttempts) Seconds() int { return int(e.Wait.Seconds()) + 1 }

func fieldErr(field, message string) error {
	return &monitor.FieldError{Field: field, Message: message}
}

// Credentials checks that a name and a password were given and normalizes the name.
func Credentials(username, password string) (string, error) {
	if username == "" {
		return "", fieldErr("username", "is required")
	}
	if password == "" {
		return "", fieldErr("password", "is required")
	}
	return monitor.NormalizeUsername(username), nil
}

// limit refuses an attempt past the limit for the client's address or the name, and otherwise
// counts it.
func (s *Service) limit(client, username string) error {
	if ok, wait := s.attempts.Allow("ip:"+client, "user:"+username); !ok {
		return &TooManyAttempts{Wait: wait}
	}
	return nil
}

// succeeded gives back the attempt a successful login made from the address and forgets the
// name's failures: only failures count towards the limit.
func (s *Service) succeeded(client, username string) {
	s.attempts.Refund("ip:" + client)
	s.attempts.Forget("user:" + username)
}

// SignUp creates an account for anyone (when sign-up is open) or the very first one, which
// becomes admin. client is the caller's address, for the limiter.
func (s *Service) SignUp(ctx context.Context, client, username, password string) (monitor.User, error) {
	username, err := Credentials(username, password)
	if err != nil {
		return monitor.User{}, err
	}
	if err := s.limit(client, username); err != nil {
		return monitor.User{}, err
	}
	u, err := s.create(ctx, username, password, monitor.RoleUser, !s.signupOpen)
	if err == nil {
		s.log.Info("account created", "user_id", u.ID, "username", u.Username, "role", u.Role)
	}
	return u, err
}

// CreateUser is an admin making an account.
func (s *Service) CreateUser(ctx context.Context, username, password string, role monitor.Role) (monitor.User, error) {
	username, err := Credentials(username, password)
	if err != nil {
		return monitor.User{}, err
	}
	return s.create(ctx, username, password, role, false)
}

func (s *Service) create(ctx context.Context, username, password string, role monitor.Role, onlyFirst bool) (monitor.User, error) {
	if err := monitor.ValidateUsername(username); err != nil {
		return monitor.User{}, err
	}
	if err := auth.ValidatePassword(password); err != nil {
		return monitor.User{}, fieldErr("password", err.Error())
	}
	hash, err := s.hash(ctx, password)
	if err != nil {
		return monitor.User{}, err
	}
	return s.store.CreateUser(ctx, monitor.User{Username: username, PasswordHash: hash, Role: role,
		CreatedAt: monitor.StoredTime(s.now())}, onlyFirst)
}

// Login checks a name and password. A wrong name takes as long as a wrong password, so a
// login does not tell which accounts exist.
func (s *Service) Login(ctx context.Context, client, username, password string) (monitor.User, error) {
	username, err := Credentials(username, password)
	if err != nil {
		return monitor.User{}, err
	}
	if err := s.limit(client, username); err != nil {
		return monitor.User{}, err
	}
	u, err := s.store.UserByName(ctx, username)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return monitor.User{}, err
	}
	if !s.matches(u, password) {
		return monitor.User{}, ErrWrongCredentials
	}
	s.succeeded(client, username)
	return u, nil
}

// ChangePassword sets a new password once the current one is shown, and ends the user's
// dashboard sessions. Wrong current passwords count towards the login limit: a stolen session
// must not become a way to guess the password.
func (s *Service) ChangePassword(ctx context.Context, client string, userID int64, current, next string) error {
	if current == "" {
		return fieldErr("current_password", "is required")
	}
	if err := auth.ValidatePassword(next); err != nil {
		return fieldErr("new_password", err.Error())
	}
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return err
	}
	if err := s.limit(client, u.Username); err != nil {
		return err
	}
	if !s.matches(u, current) {
		return fieldErr("current_password", "is not your current password")
	}
	s.succeeded(client, u.Username)
	hash, err := s.hash(ctx, next)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(ctx, userID, hash); err != nil {
		return err
	}
	s.log.Info("password changed", "user_id", userID)
	return nil
}

// MaxAPIKeyName bounds an API key's name.
const MaxAPIKeyName = 100

// NewAPIKey makes a key for the user; the key itself is returned here and never again.
func (s *Service) NewAPIKey(ctx context.Context, userID int64, name string) (monitor.APIKey, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > MaxAPIKeyName {
		return monitor.APIKey{}, "", fieldErr("name", fmt.Sprintf("is required, at most %d characters (say what the key is for)", MaxAPIKeyName))
	}
	if err := monitor.ValidateLine("name", name); err != nil {
		return monitor.APIKey{}, "", err
	}
	if userID == 0 {
		return monitor.APIKey{}, "", ErrNoAccount
	}
	key, hash, err := auth.NewAPIKey()
	if err != nil {
		return monitor.APIKey{}, "", err
	}
	created, err := s.store.CreateAPIKey(ctx, monitor.APIKey{UserID: userID, Name: name, Hint: auth.KeyHint(key), Hash: hash,
		CreatedAt: monitor.StoredTime(s.now())})
	return created, key, err
}

// dummyHash is verified against when the user does not exist, so that both take as long.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9+0Yxbk+gmM1s8Wp6Be6FZB1mk3BMuDZ2Q5r8XkRJ3c"

func (s *Service) matches(u monitor.User, password string) bool {
	hash := u.PasswordHash
	if hash == "" {
		hash = dummyHash
	}
	s.hashing <- struct{}{}
	match, err := auth.VerifyPassword(hash, password)
	<-s.hashing
	if err != nil && u.ID != 0 {
		s.log.Error("stored password hash is unreadable", "user_id", u.ID, "err", err)
	}
	return match && u.ID != 0
}

func (s *Service) hash(ctx context.Context, password string) (string, error) {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-s.hashing }()
	return auth.HashPassword(password)
}

package monitor

import (
	"regexp"
	"strings"
	"time"
)

// Role says what an account may do: an admin manages users; everyone manages their own
// sites, webhooks and keys.
type Role string

const (
	RoleAdmin Role = "admin"
	RoleUser  Role = "user"
)

// ParseRole accepts the two roles by name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleAdmin, RoleUser:
		return r, nil
	}
	return "", fieldErr("role", "must be admin or user")
}

// User is an account. Everything else a user makes belongs to them alone.
type User struct {
	ID           int64
	Username     string
	PasswordHash string
	Role         Role
	CreatedAt    time.Time
}

// APIKey lets scripts act as a user. Only its hash is kept; Hint is its first characters.
type APIKey struct {
	ID         int64
	UserID     int64
	Name       string
	Hint       string
	Hash       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// NormalizeUsername lowercases a user name, so "Ada" and "ada" are one account.
func NormalizeUsername(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// ValidateUsername accepts 3 to 64 letters, digits, dots, dashes and underscores.
func ValidateUsername(name string) error {
	if !usernamePattern.MatchString(name) {
		return fieldErr("username", "must be 3 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	return nil
}

package monitor

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// FieldError says which field of a request is wrong and why, in words a user can act on.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Limits are the bounds a deployment puts on site settings.
type Limits struct {
	MinIntervalSeconds int
}

const (
	maxNameLength = 200
	maxURLLength  = 2048
)

// Validate reports the first setting of the site that is out of bounds, or nil.
func (s Site) Validate(l Limits) error {
	if err := s.validateTarget(); err != nil {
		return err
	}
	if strings.TrimSpace(s.Name) == "" {
		return fieldErr("name", "must not be empty")
	}
	if utf8.RuneCountInString(s.Name) > maxNameLength {
		return fieldErr("name", "must be at most %d characters", maxNameLength)
	}
	if s.CheckIntervalSeconds < l.MinIntervalSeconds || s.CheckIntervalSeconds > MaxIntervalSeconds {
		return fieldErr("check_interval_seconds", "must be between %d and %d", l.MinIntervalSeconds, MaxIntervalSeconds)
	}
	if s.TimeoutSeconds < 1 || s.TimeoutSeconds > MaxTimeoutSeconds {
		return fieldErr("timeout_seconds", "must be between 1 and %d", MaxTimeoutSeconds)
	}
	if s.TimeoutSeconds > s.CheckIntervalSeconds {
		return fieldErr("timeout_seconds", "must not be above check_interval_seconds (%d)", s.CheckIntervalSeconds)
	}
	if s.ExpectedStatusCode < 100 || s.ExpectedStatusCode > 599 {
		return fieldErr("expected_status_code", "must be between 100 and 599")
	}
	if s.FailureThreshold < 1 || s.FailureThreshold > MaxFailureThreshold {
		return fieldErr("failure_threshold", "must be between 1 and %d", MaxFailureThreshold)
	}
	if s.ResendIntervalMinutes < 0 || s.ResendIntervalMinutes > MaxResendIntervalMinutes {
		return fieldErr("resend_interval_minutes", "must be between 0 (off) and %d", MaxResendIntervalMinutes)
	}
	if s.RetryIntervalSeconds != 0 && (s.RetryIntervalSeconds < l.MinIntervalSeconds || s.RetryIntervalSeconds > s.CheckIntervalSeconds) {
		return fieldErr("retry_interval_seconds", "must be 0 (off) or between %d and check_interval_seconds (%d)", l.MinIntervalSeconds, s.CheckIntervalSeconds)
	}
	if s.GraceSeconds < 0 || s.GraceSeconds > MaxIntervalSeconds {
		return fieldErr("grace_seconds", "must be between 0 and %d", MaxIntervalSeconds)
	}
	return nil
}

// ValidateURL accepts absolute http and https URLs with a host and without credentials.
func ValidateURL(raw string) error {
	if raw == "" {
		return fieldErr("url", "is required")
	}
	if len(raw) > maxURLLength {
		return fieldErr("url", "must be at most %d bytes", maxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fieldErr("url", "is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fieldErr("url", "must start with http:// or https://")
	}
	if u.Hostname() == "" {
		return fieldErr("url", "must name a host")
	}
	if u.User != nil {
		return fieldErr("url", "must not contain a user name or password")
	}
	return nil
}

// DefaultName is the name a site gets when the user gives none: its host.
func DefaultName(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return rawURL
	}
	return u.Host
}

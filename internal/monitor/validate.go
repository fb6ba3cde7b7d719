package monitor

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FieldError says which field of a request is wrong and why, in words a user can act on.
type FieldError struct {
	Field   string
	Message string
	// against, for two settings that do not fit together, tells the same conflict from the
	// other field's side, so that the error can name the one the user changed.
	against *FieldError
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// conflict is an error about field that could as well be told about other, in otherMessage.
func conflict(field, message, other, otherMessage string) *FieldError {
	return &FieldError{Field: field, Message: message, against: &FieldError{Field: other, Message: otherMessage}}
}

// Limits are the bounds a deployment puts on site settings.
type Limits struct {
	MinIntervalSeconds int
}

const (
	maxNameLength = 200
	maxURLLength  = 2048
)

// Validate reports the first setting of the site that is out of bounds, or nil. The kind comes
// first, since every other rule depends on it; then the interval and the timeout, since other
// bounds are derived from them (an error about a limit "below the timeout" is no help when the
// timeout itself is negative); then what the site watches, and the rest.
func (s Site) Validate(l Limits) error {
	for _, check := range []func() error{
		s.validateKind,
		func() error { return s.validateSchedule(l) },
		s.validateTarget,
		s.validateName,
		func() error { return s.validateAlerting(l) },
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (s Site) validateSchedule(l Limits) error {
	if s.CheckIntervalSeconds < l.MinIntervalSeconds || s.CheckIntervalSeconds > MaxIntervalSeconds {
		return fieldErr("check_interval_seconds", "must be between %d and %d", l.MinIntervalSeconds, MaxIntervalSeconds)
	}
	if s.TimeoutSeconds < 1 || s.TimeoutSeconds > MaxTimeoutSeconds {
		return fieldErr("timeout_seconds", "must be between 1 and %d", MaxTimeoutSeconds)
	}
	if s.TimeoutSeconds > s.CheckIntervalSeconds {
		return conflict("timeout_seconds", fmt.Sprintf("must not be above check_interval_seconds (%d)", s.CheckIntervalSeconds),
			"check_interval_seconds", fmt.Sprintf("must not be below timeout_seconds (%d)", s.TimeoutSeconds))
	}
	return nil
}

func (s Site) validateName() error {
	if strings.TrimSpace(s.Name) == "" {
		return fieldErr("name", "must not be empty")
	}
	if utf8.RuneCountInString(s.Name) > maxNameLength {
		return fieldErr("name", "must be at most %d characters", maxNameLength)
	}
	return ValidateLine("name", s.Name)
}

func (s Site) validateAlerting(l Limits) error {
	if s.ExpectedStatusCode < 100 || s.ExpectedStatusCode > 599 {
		return fieldErr("expected_status_code", "must be between 100 and 599")
	}
	if s.FailureThreshold < 1 || s.FailureThreshold > MaxFailureThreshold {
		return fieldErr("failure_threshold", "must be between 1 and %d", MaxFailureThreshold)
	}
	if s.ResendIntervalMinutes < 0 || s.ResendIntervalMinutes > MaxResendIntervalMinutes {
		return fieldErr("resend_interval_minutes", "must be between 0 (off) and %d", MaxResendIntervalMinutes)
	}
	if r := s.RetryIntervalSeconds; r != 0 && r < l.MinIntervalSeconds {
		return fieldErr("retry_interval_seconds", "must be 0 (off) or between %d and check_interval_seconds (%d)", l.MinIntervalSeconds, s.CheckIntervalSeconds)
	}
	if r := s.RetryIntervalSeconds; r > s.CheckIntervalSeconds {
		return conflict("retry_interval_seconds", fmt.Sprintf("must be 0 (off) or between %d and check_interval_seconds (%d)", l.MinIntervalSeconds, s.CheckIntervalSeconds),
			"check_interval_seconds", fmt.Sprintf("must not be below retry_interval_seconds (%d)", r))
	}
	if s.GraceSeconds < 0 || s.GraceSeconds > MaxIntervalSeconds {
		return fieldErr("grace_seconds", "must be between 0 and %d", MaxIntervalSeconds)
	}
	return nil
}

// ValidateLine accepts one line of text: valid UTF-8 without control characters (no NUL, no
// line breaks, no tabs). Names and the like must pass it.
func ValidateLine(field, text string) error { return validateText(field, text, "") }

// validateText refuses text that no store can keep or that no one means: invalid UTF-8, NUL
// (PostgreSQL cannot store it), and control characters other than those in allowed.
func validateText(field, text, allowed string) error {
	if !utf8.ValidString(text) {
		return fieldErr(field, "must be valid UTF-8 text")
	}
	for _, r := range text {
		switch {
		case r == 0:
			return fieldErr(field, "must not contain NUL characters")
		case unicode.IsControl(r) && !strings.ContainsRune(allowed, r):
			return fieldErr(field, "must not contain control characters (%U)", r)
		}
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
	if err := ValidateLine("url", raw); err != nil {
		return err
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
	if p := u.Port(); p != "" && !validPort(p) {
		return fieldErr("url", "must have a port from 1 to 65535")
	}
	return nil
}

// validPort accepts the ports a connection can be made to: 1 to 65535.
func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

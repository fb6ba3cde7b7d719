package monitor

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func validSite() Site {
	return Site{Name: "x", URL: "https://example.com/health", CheckIntervalSeconds: 60, TimeoutSeconds: 10, ExpectedStatusCode: 200, FailureThreshold: 1}
}

func TestSiteValidateNamesTheBadField(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Site)
		field  string // empty: valid
		substr string
	}{
		{"valid", func(*Site) {}, "", ""},
		{"missing url", func(s *Site) { s.URL = "" }, "url", "required"},
		{"ftp url", func(s *Site) { s.URL = "ftp://example.com" }, "url", "http"},
		{"no scheme", func(s *Site) { s.URL = "example.com" }, "url", "http"},
		{"no host", func(s *Site) { s.URL = "http:///path" }, "url", "host"},
		{"credentials", func(s *Site) { s.URL = "https://u:p@example.com" }, "url", "password"},
		{"bad escape", func(s *Site) { s.URL = "http://example.com/%zz" }, "url", "valid"},
		{"empty name", func(s *Site) { s.Name = " " }, "name", "empty"},
		{"interval below min", func(s *Site) { s.CheckIntervalSeconds = 9 }, "check_interval_seconds", "between 10 and 86400"},
		{"interval above max", func(s *Site) { s.CheckIntervalSeconds = 86401 }, "check_interval_seconds", "between"},
		{"interval at min", func(s *Site) { s.CheckIntervalSeconds, s.TimeoutSeconds = 10, 10 }, "", ""},
		{"timeout zero", func(s *Site) { s.TimeoutSeconds = 0 }, "timeout_seconds", "between 1 and 300"},
		{"timeout over five minutes", func(s *Site) { s.CheckIntervalSeconds, s.TimeoutSeconds = 600, 301 }, "timeout_seconds", "between 1 and 300"},
		{"timeout above interval", func(s *Site) { s.TimeoutSeconds = 61 }, "timeout_seconds", "check_interval_seconds"},
		{"status 99", func(s *Site) { s.ExpectedStatusCode = 99 }, "expected_status_code", "100 and 599"},
		{"status 600", func(s *Site) { s.ExpectedStatusCode = 600 }, "expected_status_code", "100 and 599"},
		{"threshold zero", func(s *Site) { s.FailureThreshold = 0 }, "failure_threshold", "between 1 and 100"},
		{"threshold 101", func(s *Site) { s.FailureThreshold = 101 }, "failure_threshold", "between 1 and 100"},
		{"negative resend", func(s *Site) { s.ResendIntervalMinutes = -1 }, "resend_interval_minutes", "0 (off)"},
		{"resend over a week", func(s *Site) { s.ResendIntervalMinutes = 10081 }, "resend_interval_minutes", "10080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSite()
			tt.edit(&s)
			err := s.Validate(Limits{MinIntervalSeconds: 10})
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a FieldError", err)
			}
			if fe.Field != tt.field || !strings.Contains(fe.Message, tt.substr) {
				t.Errorf("got %s: %q, want field %s mentioning %q", fe.Field, fe.Message, tt.field, tt.substr)
			}
		})
	}
}

func TestNextCheckAfterEdit(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	last := now.Add(-30 * time.Second)
	base := validSite()
	base.CheckIntervalSeconds = 300
	base.LastChecked = &last
	base.NextCheckAt = last.Add(300 * time.Second)
	with := func(edit func(*Site)) Site { s := base; edit(&s); return s }

	tests := []struct {
		name    string
		before  Site
		after   Site
		want    time.Time
		changed bool
	}{
		{"name change keeps the schedule", base, with(func(s *Site) { s.Name = "y" }), base.NextCheckAt, false},
		{"shorter interval counts from the last check", base, with(func(s *Site) { s.CheckIntervalSeconds = 60 }), last.Add(time.Minute), true},
		{"much shorter interval checks now", base, with(func(s *Site) { s.CheckIntervalSeconds = 10; s.TimeoutSeconds = 5 }), now, true},
		{"longer interval", base, with(func(s *Site) { s.CheckIntervalSeconds = 600 }), last.Add(10 * time.Minute), true},
		{"pausing keeps the row as is", base, with(func(s *Site) { s.Paused = true }), base.NextCheckAt, false},
		{"resuming checks now", with(func(s *Site) { s.Paused = true }), base, now, true},
		{"a new url is checked now", base, with(func(s *Site) { s.URL = "https://example.org/" }), now, true},
		{"a new expected status is checked now", base, with(func(s *Site) { s.ExpectedStatusCode = 204 }), now, true},
		{"a new url of a paused site waits", with(func(s *Site) { s.Paused = true }), with(func(s *Site) { s.Paused = true; s.URL = "https://example.org/" }), base.NextCheckAt, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changed := NextCheckAfterEdit(tt.before, tt.after, now)
			if !got.Equal(tt.want) || changed != tt.changed {
				t.Errorf("got %v %v, want %v %v", got, changed, tt.want, tt.changed)
			}
		})
	}
}

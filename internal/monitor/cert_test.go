package monitor

import (
	"slices"
	"testing"
	"time"
)

func TestCertExpiryThresholds(t *testing.T) {
	got := CertExpiryThresholds()
	if !slices.Equal(got, []int{14, 7, 1}) {
		t.Fatalf("thresholds = %v", got)
	}
	got[0] = 99
	if CertExpiryThresholds()[0] != 14 {
		t.Error("a caller changed the thresholds")
	}
}

func TestCertAlert(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name      string
		left      time.Duration // expiresAt - checkedAt
		alerted   int
		threshold int
		daysLeft  int
		due       bool
	}{
		{"20 days: nothing yet", 20 * day, 0, 0, 20, false},
		{"14 days: the first alert", 14 * day, 0, 14, 14, true},
		{"a second under 14 days is 13 whole days", 14*day - time.Second, 0, 14, 13, true},
		{"13 days, 14 already alerted", 13 * day, 14, 0, 13, false},
		{"7 days, 14 alerted", 7 * day, 14, 7, 7, true},
		{"6 days, 7 alerted", 6 * day, 7, 0, 6, false},
		{"3 days, first seen: one alert, for 7", 3 * day, 0, 7, 3, true},
		{"1 day, 7 alerted", day, 7, 1, 1, true},
		{"hours left, 7 alerted", 5 * time.Hour, 7, 1, 0, true},
		{"hours left, 1 alerted", 5 * time.Hour, 1, 0, 0, false},
		{"expires this very moment", 0, 7, 1, 0, true},
		{"30 days after a renewal reset", 30 * day, 0, 0, 30, false},
		{"expired a second ago", -time.Second, 0, 0, -1, false},
		{"expired 3 days ago", -3 * day, 1, 0, -3, false},
		{"expired 3 days ago, never alerted", -3*day + time.Hour, 0, 0, -3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			threshold, daysLeft, due := CertAlert(now.Add(tt.left), now, tt.alerted)
			if threshold != tt.threshold || daysLeft != tt.daysLeft || due != tt.due {
				t.Errorf("CertAlert(%v left, alerted %d) = %d, %d, %v; want %d, %d, %v",
					tt.left, tt.alerted, threshold, daysLeft, due, tt.threshold, tt.daysLeft, tt.due)
			}
		})
	}
}

// TestCertAlertsOverALifetime follows two certificates through daily checks, the way the
// caller keeps alertedDays: it stores each due threshold and resets it on renewal.
func TestCertAlertsOverALifetime(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	day := 24 * time.Hour
	first, renewed := start.Add(20*day), start.Add(50*day)
	tests := []struct {
		name  string
		certs func(at time.Time) time.Time // the certificate served at a check
		days  int                          // checks, one a day from start
		want  []int                        // days-left of each alert
	}{
		{"one certificate, 14, 7 and 1 days before", func(time.Time) time.Time { return first }, 20, []int{14, 7, 1}},
		{"first seen 3 days before: 7 then 1", func(time.Time) time.Time { return start.Add(3 * day) }, 3, []int{3, 1}},
		{"renewed after the 7-day alert: the new one alerts afresh",
			func(at time.Time) time.Time {
				if at.Before(start.Add(15 * day)) {
					return first
				}
				return renewed
			}, 50, []int{14, 7, 14, 7, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var prev *time.Time
			alerted := 0
			var got []int
			for d := range tt.days {
				at := start.Add(time.Duration(d) * day)
				exp := tt.certs(at)
				if CertRenewed(prev, &exp) {
					alerted = 0
				}
				prev = &exp
				if threshold, daysLeft, due := CertAlert(exp, at, alerted); due {
					alerted = threshold
					got = append(got, daysLeft)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("alerts at %v days left, want %v", got, tt.want)
			}
		})
	}
}

func TestCertRenewed(t *testing.T) {
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	ptr := func(t time.Time) *time.Time { return &t }
	tests := []struct {
		name      string
		prev, new *time.Time
		want      bool
	}{
		{"no certificate in this check", ptr(at), nil, false},
		{"nothing known before", nil, ptr(at), true},
		{"neither", nil, nil, false},
		{"the same certificate", ptr(at), ptr(at), false},
		{"the same certificate, rounded by a store", ptr(at.Truncate(time.Millisecond)), ptr(at.Add(999 * time.Microsecond)), false},
		{"a later NotAfter", ptr(at), ptr(at.Add(90 * 24 * time.Hour)), true},
		{"a second later is a new certificate", ptr(at), ptr(at.Add(time.Second)), true},
		{"an earlier NotAfter (rollback) keeps the alerts", ptr(at), ptr(at.Add(-24 * time.Hour)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CertRenewed(tt.prev, tt.new); got != tt.want {
				t.Errorf("CertRenewed = %v, want %v", got, tt.want)
			}
		})
	}
}

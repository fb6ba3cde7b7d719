package notify

import (
	"testing"
	"time"
)

func TestASendStartsOnlyWhenTheLeaseOutlastsIt(t *testing.T) {
	end := t0.Add(time.Minute)
	tests := []struct {
		name string
		now  time.Time
		want bool
	}{
		{"fresh lease", t0, true},
		{"ends with the lease", end.Add(-35 * time.Second), true},
		{"would outlast the lease", end.Add(-34 * time.Second), false},
		{"lease lapsed", end.Add(time.Second), false},
	}
	for _, tt := range tests {
		if got := leaseHasRoom(tt.now, end, 35*time.Second); got != tt.want {
			t.Errorf("%s: leaseHasRoom = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestTheLeaseHoldsASendAndItsRecord(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want time.Duration
	}{
		{"defaults", Config{}, time.Minute},
		{"too short for the send", Config{Lease: 10 * time.Second}, 5*time.Second + 30*time.Second + storeTryTimeout},
		{"a short send", Config{Lease: 10 * time.Second, SendTimeout: time.Second, MaxInlineWait: time.Second}, 2*time.Second + storeTryTimeout},
	}
	for _, tt := range tests {
		if got := tt.cfg.withDefaults().Lease; got != tt.want {
			t.Errorf("%s: lease %v, want %v", tt.name, got, tt.want)
		}
	}
	c := Config{}.withDefaults()
	if c.SendTimeout < 30*time.Second || c.UnansweredWait < time.Minute {
		t.Errorf("send timeout %v, wait after an unanswered send %v; want at least 30s and 1m", c.SendTimeout, c.UnansweredWait)
	}
}

package monitor

import (
	"testing"
	"time"
)

func TestStateApplyMovesStatusOnlyWhenACheckDisagrees(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	up := Result{Status: StatusUp, StatusCode: 200}
	down := Result{Status: StatusDown, StatusCode: 503, Error: "expected status 200, got 503"}
	tests := []struct {
		name       string
		threshold  int
		start      Status
		results    []Result
		wantStatus Status
		wantEvents []string // "from>to" per check that changed the status
	}{
		{"first check up", 1, StatusPending, []Result{up}, StatusUp, []string{"pending>up"}},
		{"first check down", 1, StatusPending, []Result{down}, StatusDown, []string{"pending>down"}},
		{"steady up makes no events", 1, StatusUp, []Result{up, up, up}, StatusUp, nil},
		{"one failure flips up to down once", 1, StatusUp, []Result{down, down, down}, StatusDown, []string{"up>down"}},
		{"recovery after failures", 1, StatusDown, []Result{down, up, up}, StatusUp, []string{"down>up"}},
		{"flapping pairs every down with a recovery", 1, StatusUp, []Result{down, up, down, up}, StatusUp,
			[]string{"up>down", "down>up", "up>down", "down>up"}},
		{"threshold holds up until reached", 3, StatusUp, []Result{down, down}, StatusUp, nil},
		{"threshold reached", 3, StatusUp, []Result{down, down, down, down}, StatusDown, []string{"up>down"}},
		{"a success resets the failure count", 2, StatusUp, []Result{down, up, down, up}, StatusUp, nil},
		{"pending waits for the threshold too", 2, StatusPending, []Result{down, down}, StatusDown, []string{"pending>down"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := State{Status: tt.start, FailureThreshold: tt.threshold}
			var got []string
			for i, r := range tt.results {
				r.CheckedAt = t0.Add(time.Duration(i) * time.Minute)
				step := s.Apply(r)
				s = step.State
				ev := step.Event
				if ev != nil {
					got = append(got, string(ev.From)+">"+string(ev.To))
					if !ev.At.Equal(r.CheckedAt) || s.LastStatusChange == nil || !s.LastStatusChange.Equal(r.CheckedAt) {
						t.Errorf("event at %v, last change %v; want both %v", ev.At, s.LastStatusChange, r.CheckedAt)
					}
				}
			}
			if s.Status != tt.wantStatus {
				t.Errorf("status = %s, want %s", s.Status, tt.wantStatus)
			}
			if len(got) != len(tt.wantEvents) {
				t.Fatalf("events = %v, want %v", got, tt.wantEvents)
			}
			for i := range got {
				if got[i] != tt.wantEvents[i] {
					t.Errorf("events = %v, want %v", got, tt.wantEvents)
				}
			}
		})
	}
}

func TestStateApplyCountsConsecutiveResults(t *testing.T) {
	s := State{Status: StatusUp}
	s = s.Apply(Result{Status: StatusDown}).State
	s = s.Apply(Result{Status: StatusDown}).State
	if s.ConsecutiveFailures != 2 || s.ConsecutiveSuccesses != 0 {
		t.Fatalf("after two failures: %+v", s)
	}
	s = s.Apply(Result{Status: StatusUp}).State
	if s.ConsecutiveFailures != 0 || s.ConsecutiveSuccesses != 1 {
		t.Fatalf("after a success: %+v", s)
	}
}

func TestEventReasonSaysWhatHappened(t *testing.T) {
	ev := State{Status: StatusUp}.Apply(Result{Status: StatusDown, Error: "connection refused"}).Event
	if ev.Reason != "connection refused" {
		t.Errorf("down reason = %q", ev.Reason)
	}
	ev = State{Status: StatusDown}.Apply(Result{Status: StatusUp, StatusCode: 204}).Event
	if ev.Reason != "status 204" {
		t.Errorf("up reason = %q", ev.Reason)
	}
}

func TestAlertsFollowTheAlertRules(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name      string
		start     Status
		threshold int
		resend    time.Duration
		checks    string // u = up, d = down, one per minute
		want      string // alert per check: - none, D down, R recovered, S still down
	}{
		{"first check up is quiet", StatusPending, 1, 0, "u", "-"},
		{"first check down alerts", StatusPending, 1, 0, "d", "D"},
		{"down then recovered, once each", StatusUp, 1, 0, "ddduu", "D--R-"},
		{"every down is paired with a recovery", StatusUp, 1, 0, "dudud", "DRDRD"},
		{"threshold delays the alert", StatusUp, 3, 0, "dddd", "--D-"},
		{"a blip under the threshold is quiet", StatusUp, 3, 0, "ddudd", "-----"},
		{"reminders while down", StatusUp, 1, 2 * time.Minute, "ddddddu", "D-S-S-R"},
		{"no reminders when off", StatusUp, 1, 0, "ddddd", "D----"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := State{Status: tt.start, FailureThreshold: tt.threshold, ResendInterval: tt.resend}
			var got []byte
			for i, c := range tt.checks {
				r := Result{CheckedAt: t0.Add(time.Duration(i) * time.Minute), Status: StatusUp}
				if c == 'd' {
					r.Status = StatusDown
				}
				step := s.Apply(r)
				s = step.State
				got = append(got, map[AlertKind]byte{"": '-', AlertDown: 'D', AlertRecovered: 'R', AlertStillDown: 'S'}[step.Alert])
			}
			if string(got) != tt.want {
				t.Errorf("alerts %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRecoveryAlertCarriesTheDowntime(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	site := Site{ID: 7, Name: "web", URL: "https://example.com"}
	s := State{Status: StatusUp}
	down := Result{CheckedAt: t0, Status: StatusDown, StatusCode: 503, Error: "expected status 200, got 503"}
	step := s.Apply(down)
	alert := NewAlert(step.Alert, site, down, s)
	if alert.Kind != AlertDown || !alert.DownSince.Equal(t0) || alert.StatusCode != 503 || alert.SiteName != "web" {
		t.Fatalf("down alert %+v", alert)
	}
	s = step.State
	up := Result{CheckedAt: t0.Add(90 * time.Second), Status: StatusUp, StatusCode: 200}
	step = s.Apply(up)
	alert = NewAlert(step.Alert, site, up, s)
	if alert.Kind != AlertRecovered || alert.Downtime() != 90*time.Second {
		t.Fatalf("recovery alert %+v, downtime %v", alert, alert.Downtime())
	}
}

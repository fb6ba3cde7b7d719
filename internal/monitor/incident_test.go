package monitor

import (
	"testing"
	"time"
)

func TestIncidentsComeFromStatusEvents(t *testing.T) {
	const m = time.Minute
	up, down, pending := StatusUp, StatusDown, StatusPending
	events := []Event{
		statusEv(0, pending, down), // a first check that fails opens an incident
		statusEv(5*m, down, up),
		pauseEv(6*m, true), pauseEv(8*m, false), // pauses neither open nor close one
		statusEv(10*m, up, down),
		pauseEv(12*m, true), pauseEv(20*m, false),
		statusEv(30*m, down, up),
		{Kind: EventLatency, At: tAt(31 * m), From: "normal", To: "degraded"},
		statusEv(40*m, up, down), // still down
	}
	type span struct{ start, end time.Duration } // end < 0: ongoing
	want := []span{{0, 5 * m}, {10 * m, 30 * m}, {40 * m, -1}}
	got := Incidents(events)
	if len(got) != len(want) {
		t.Fatalf("got %d incidents, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		inc := got[i]
		if !inc.StartedAt.Equal(tAt(w.start)) || inc.Ongoing() != (w.end < 0) || w.end >= 0 && !inc.EndedAt.Equal(tAt(w.end)) ||
			inc.Error != "rdown" {
			t.Errorf("incident %d = %+v, want %v", i, inc, w)
		}
	}
	if d := got[1].Duration(tAt(time.Hour)); d != 20*m {
		t.Errorf("closed incident duration = %v, want 20m (wall clock, pause included)", d)
	}
	if d := got[2].Duration(tAt(time.Hour)); d != 20*m {
		t.Errorf("ongoing incident duration until now = %v, want 20m", d)
	}
}

func TestAttachChecksFindsTheFirstFailureAndCountsFailures(t *testing.T) {
	const s = time.Second
	check := func(d time.Duration, status Status, code int, err string) Check {
		return Check{Result: Result{CheckedAt: tAt(d), Status: status, StatusCode: code, Error: err}}
	}
	incidents := Incidents([]Event{statusEv(10*s, StatusUp, StatusDown), statusEv(40*s, StatusDown, StatusUp),
		statusEv(60*s, StatusUp, StatusDown)})
	checks := []Check{ // in no particular order
		check(30*s, StatusDown, 0, "timeout after 10s"),
		check(0, StatusDown, 500, "before the incident"),
		check(10*s, StatusDown, 503, "expected status 200, got 503"),
		check(20*s, StatusDown, 502, "expected status 200, got 502"),
		check(40*s, StatusUp, 200, ""),
		check(50*s, StatusUp, 200, ""),
		check(60*s, StatusDown, 0, "connection refused"),
		check(70*s, StatusDown, 0, "connection refused"),
	}
	AttachChecks(incidents, checks)
	if inc := incidents[0]; inc.FailedChecks != 3 || inc.StatusCode != 503 || inc.Error != "expected status 200, got 503" {
		t.Errorf("first incident = %+v", inc)
	}
	if inc := incidents[1]; inc.FailedChecks != 2 || inc.StatusCode != 0 || inc.Error != "connection refused" {
		t.Errorf("ongoing incident = %+v", inc)
	}
}

func TestFailureThresholdDatesDowntimeAtTheFirstFailure(t *testing.T) {
	// Checked every second: up 40 s, down 20 s, up 20 s; three failures make the site down.
	state := State{Status: StatusPending, FailureThreshold: 3}
	var run FailureRun
	var events, live []Event
	var checks []Check
	var opened Incident
	for i := range 80 {
		r := Result{CheckedAt: tAt(time.Duration(i) * time.Second), Status: StatusUp, StatusCode: 200}
		if i >= 40 && i < 60 {
			r.Status, r.StatusCode, r.Error = StatusDown, 503, "expected status 200, got 503 at "+itoa64(int64(i))
		}
		checks = append(checks, Check{Result: r})
		run = run.Next(r)
		step := state.Apply(r)
		state = step.State
		if step.Event != nil {
			events = append(events, *step.Event)
			live = append(live, run.Backdate(*step.Event))
			if step.Event.To == StatusState(StatusDown) {
				opened = run.Incident(1, *step.Event)
			}
		}
	}
	if len(events) != 3 || !events[1].At.Equal(tAt(42*time.Second)) {
		t.Fatalf("state.go stamps the down event at the flipping check: %+v", events)
	}
	for name, evs := range map[string][]Event{"backdated from checks": BackdateDownEvents(events, checks), "backdated live": live} {
		if !evs[1].At.Equal(tAt(40 * time.Second)) {
			t.Errorf("%s: down event at %v, want the first failure", name, evs[1].At)
		}
		f := NewHistory(evs, nil).Figures(tAt(0), tAt(80*time.Second))
		if f.Uptime == nil || *f.Uptime != 0.75 || f.Down != 20*time.Second || f.MTTR != 20*time.Second || f.Incidents != 1 {
			t.Errorf("%s: figures %+v, uptime %s", name, f, fmtRatio(f.Uptime))
		}
	}
	if !opened.StartedAt.Equal(tAt(40*time.Second)) || opened.Error != "expected status 200, got 503 at 40" ||
		opened.StatusCode != 503 || opened.FailedChecks != 3 {
		t.Errorf("incident opened by the down event = %+v", opened)
	}
}

func TestFailureRunEndsAtASuccess(t *testing.T) {
	var run FailureRun
	run = run.Next(Result{CheckedAt: tAt(0), Status: StatusDown})
	run = run.Next(Result{CheckedAt: tAt(time.Second), Status: StatusDown})
	if run.Since == nil || !run.Since.Equal(tAt(0)) || run.Failed != 2 {
		t.Fatalf("after two failures: %+v", run)
	}
	run = run.Next(Result{CheckedAt: tAt(2 * time.Second), Status: StatusUp})
	if run.Since != nil || run.Failed != 0 {
		t.Fatalf("after a success: %+v", run)
	}
	ev := statusEv(5*time.Second, StatusUp, StatusDown)
	if got := run.Backdate(ev); !got.At.Equal(ev.At) {
		t.Errorf("no run: event moved to %v", got.At)
	}
}

package scheduler

import (
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

func TestMassRuleNeedsTenAndHalf(t *testing.T) {
	tests := []struct {
		checked, noAnswer int
		holds             bool
	}{
		{20, 10, true},   // ten, and half
		{20, 9, false},   // half would be ten
		{9, 9, false},    // all, but fewer than ten
		{10, 10, true},   // ten of ten
		{21, 10, false},  // ten, but under half
		{300, 150, true}, // half of many
		{300, 149, false},
		{0, 0, false},
	}
	for _, tt := range tests {
		if got := (massCount{tt.checked, tt.noAnswer}).holds(); got != tt.holds {
			t.Errorf("%d of %d failed with no answer: holds %v, want %v", tt.noAnswer, tt.checked, got, tt.holds)
		}
	}
}

func TestMassWindowCountsEachSitesLastCheckWithinAMinute(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	var m massWindow
	m.add(1, t0, false)
	m.add(2, t0.Add(10*time.Second), true)
	m.add(1, t0.Add(20*time.Second), true) // site 1 again: its last check counts, once
	m.prune(t0.Add(30 * time.Second))
	if m.count != (massCount{checked: 2, noAnswer: 2}) {
		t.Errorf("count %+v, want 2 sites, both failed", m.count)
	}
	m.prune(t0.Add(70 * time.Second)) // site 2's check is exactly a minute old: out
	if m.count != (massCount{checked: 1, noAnswer: 1}) {
		t.Errorf("after a minute: %+v, want site 1 only", m.count)
	}
	m.add(2, t0.Add(75*time.Second), false)
	m.prune(t0.Add(81 * time.Second)) // site 1's check of 0:20 is out, and its older one stays out
	if m.count != (massCount{checked: 1, noAnswer: 0}) || len(m.last) != 2 {
		t.Errorf("count %+v, %d sites known", m.count, len(m.last))
	}
}

func TestJudgeCanaries(t *testing.T) {
	names := []string{"1.1.1.1:53", "https://a.example/"}
	refused := monitor.Result{Status: monitor.StatusDown, Error: "connection refused", NoAnswer: true}
	timeout := monitor.Result{Status: monitor.StatusDown, Error: "timeout after 5s", NoAnswer: true}
	blocked := monitor.Result{Status: monitor.StatusDown, Error: "blocked: 10.0.0.1 is a private address"}
	tests := []struct {
		name    string
		results []monitor.Result
		want    canaryVerdict
		reason  string
	}{
		{"one answers", []monitor.Result{refused, {Status: monitor.StatusUp}}, canaryAnswered, ""},
		{"a 503 is an answer", []monitor.Result{timeout, {Status: monitor.StatusDown, StatusCode: 503}}, canaryAnswered, ""},
		{"none answers", []monitor.Result{refused, timeout}, canarySilent,
			"no canary answered: 1.1.1.1:53 (connection refused), https://a.example/ (timeout after 5s)"},
		{"blocked ones say nothing", []monitor.Result{blocked, timeout}, canarySilent, "no canary answered: https://a.example/ (timeout after 5s)"},
		{"all blocked", []monitor.Result{blocked, blocked}, canaryUnknown, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := judgeCanaries(names, tt.results)
			if got != tt.want || reason != tt.reason {
				t.Errorf("verdict %d %q, want %d %q", got, reason, tt.want, tt.reason)
			}
		})
	}
}

func TestAFailureWithNoAnswerIsHeldOnlyWhenTheNetworkIsToBlame(t *testing.T) {
	mass := massCount{checked: 20, noAnswer: 15}
	few := massCount{checked: 20, noAnswer: 3}
	tests := []struct {
		name  string
		facts failureFacts
		want  decision
	}{
		{"canaries silent after it: held at once", failureFacts{haveCanaries: true, canary: canarySilent, mass: few, knownSites: 20}, hold},
		{"canaries answered after it: released at once", failureFacts{haveCanaries: true, canary: canaryAnswered, mass: few, knownSites: 20}, release},
		{"canaries answered, but most sites fail with no answer: waits", failureFacts{haveCanaries: true, canary: canaryAnswered, mass: mass, knownSites: 20}, undecided},
		{"…and is held when the wait is over", failureFacts{waited: VerdictWait, haveCanaries: true, canary: canaryAnswered, mass: mass, knownSites: 20}, hold},
		{"no probe since it came: waits", failureFacts{haveCanaries: true, canariesSilent: true, mass: few, knownSites: 20}, undecided},
		{"the last probe, older, was silent: held after the wait", failureFacts{waited: VerdictWait, haveCanaries: true, canariesSilent: true, mass: few, knownSites: 20}, hold},
		{"no canaries, mass rule holds: held after the wait", failureFacts{waited: VerdictWait, mass: mass, knownSites: 20}, hold},
		{"no canaries, mass rule holds: waits until then", failureFacts{waited: VerdictWait - time.Second, mass: mass, knownSites: 20}, undecided},
		{"no canaries, a few sites failing: released after the wait", failureFacts{waited: VerdictWait, mass: few, knownSites: 20}, release},
		{"no canaries and too few sites for the mass rule: released at once", failureFacts{mass: massCount{5, 5}, knownSites: 9}, release},
		{"no canaries, a site checked after it answered: released at once", failureFacts{mass: few, knownSites: 20, answeredSince: true}, release},
		{"a site answered after it, but most sites fail with no answer: waits", failureFacts{mass: mass, knownSites: 20, answeredSince: true}, undecided},
		{"canaries and few sites: the canaries decide", failureFacts{haveCanaries: true, mass: massCount{5, 5}, knownSites: 9}, undecided},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.facts.decide(); got != tt.want {
				t.Errorf("decision %d, want %d", got, tt.want)
			}
		})
	}
}

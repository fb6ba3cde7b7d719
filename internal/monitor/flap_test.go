package monitor

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// observeAll feeds checks ("u" up, "d" down, one a minute) to a site and returns the site and
// an alert letter per check: - none, D down, R recovered, S still down, F flapping, and for a
// settle U or W (settled up or down).
func observeAll(site Site, t0 time.Time, checks string) (Site, string, []Observation) {
	var got strings.Builder
	var obs []Observation
	for i, c := range checks {
		r := Result{CheckedAt: t0.Add(time.Duration(i) * time.Minute), Status: StatusUp, StatusCode: 200}
		if c == 'd' {
			r.Status, r.StatusCode, r.Error = StatusDown, 503, "expected status 200, got 503"
		}
		o := site.Observe(r)
		site = o.Site
		obs = append(obs, o)
		got.WriteByte(alertLetter(o))
	}
	return site, got.String(), obs
}

func alertLetter(o Observation) byte {
	if len(o.Alerts) == 0 {
		return '-'
	}
	a := o.Alerts[0]
	switch a.Kind {
	case AlertSettled:
		if a.SiteStatus == StatusDown {
			return 'W'
		}
		return 'U'
	}
	return map[AlertKind]byte{AlertDown: 'D', AlertRecovered: 'R', AlertStillDown: 'S', AlertFlapping: 'F'}[a.Kind]
}

func TestFlappingReplacesDownsAndRecoveriesUntilItSettles(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		start  Status
		checks string
		want   string
	}{
		{"five changes are not flapping", StatusUp, "dudud" + strings.Repeat("d", 10), "DRDRD" + strings.Repeat("-", 10)},
		{"the sixth change in 21 checks starts it", StatusUp, "dududu", "DRDRDF"},
		{"changes spread wider than 21 checks never flap", StatusUp,
			"d----u----d----u----d----u----d----u----" /* a change every 5 checks: 5 in any 21 */, ""},
		{"while flapping nothing else alerts", StatusUp, "dudududududud", "DRDRDF-------"},
		{"settles up once changes fall to two", StatusUp, "dududu" + strings.Repeat("u", 20),
			"DRDRDF" + strings.Repeat("-", 18) + "U-"}, // the fourth change leaves the window at the 25th check
		{"settles down, and its recovery comes as usual", StatusUp, "dududu" + strings.Repeat("d", 21) + "u",
			"DRDRDF" + strings.Repeat("-", 19) + "W-R"},
		{"no flapping in and out on the edge: six changes, then one more in a while", StatusUp,
			"dududu" + strings.Repeat("u", 8) + "d" + strings.Repeat("d", 8), "DRDRDF" + strings.Repeat("-", 17)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checks := strings.ReplaceAll(tt.checks, "-", "")
			if tt.want == "" { // spread changes: the letters follow the changes, and no F appears
				checks = expandSpread(tt.checks)
			}
			site := Site{ID: 1, Name: "shop", Status: tt.start, FailureThreshold: 1}
			_, got, _ := observeAll(site, t0, checks)
			if tt.want == "" {
				if strings.ContainsAny(got, "FUW") {
					t.Fatalf("alerts %s: flapping where changes never bunch up", got)
				}
				return
			}
			if got != tt.want {
				t.Errorf("alerts\n%s, want\n%s", got, tt.want)
			}
		})
	}
}

// expandSpread turns "d---u---" into checks: a letter is a check with that outcome, and each
// "-" repeats the last outcome.
func expandSpread(s string) string {
	var b strings.Builder
	last := 'u'
	for _, c := range s {
		if c != '-' {
			last = c
		}
		b.WriteRune(last)
	}
	return b.String()
}

func TestFlappingIsAnEventAndAFlagNotAStatus(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	downAt := t0.Add(-time.Hour)
	site := Site{ID: 1, Name: "shop", Status: StatusDown, LastStatusChange: &downAt, FailureThreshold: 1}
	site, _, obs := observeAll(site, t0, "ududud")
	if !site.Flap.Flapping || site.Status != StatusDown {
		t.Fatalf("after six changes: flapping %v, status %s; want flapping and down", site.Flap.Flapping, site.Status)
	}
	start := obs[5]
	if start.Event == nil || start.Event.To != StatusState(StatusDown) {
		t.Errorf("the check that starts the flapping still records its status change: %+v", start.Event)
	}
	if ev := start.FlapEvent; ev == nil || ev.Kind != EventFlapping || ev.From != FlapStable || ev.To != FlapFlapping ||
		ev.Reason != "6 status changes in the last 21 checks" {
		t.Errorf("flapping event %+v", ev)
	}
	a := start.Alerts[0]
	if a.Kind != AlertFlapping || a.SiteStatus != StatusDown || a.Changes != 6 || a.DownSince != nil || a.Route() != RouteToSite {
		t.Errorf("flapping alert %+v (route %d): it began while up, so it answers no down", a, a.Route())
	}
	site, got, obs := observeAll(site, t0.Add(time.Hour), strings.Repeat("d", 21))
	if got != strings.Repeat("-", 18)+"W--" { // the fourth change leaves the window 19 checks on
		t.Fatalf("alerts %s", got)
	}
	settle := obs[18]
	if ev := settle.FlapEvent; ev == nil || ev.From != FlapFlapping || ev.To != FlapStable || ev.Reason != "settled down: 2 status changes in the last 21 checks" {
		t.Errorf("settle event %+v", ev)
	}
	if site.Flap.Flapping || site.LastAlertAt == nil || !site.LastAlertAt.Equal(settle.Alerts[0].At) {
		t.Errorf("after the settle: flapping %v, reminders count from %v", site.Flap.Flapping, site.LastAlertAt)
	}
	if a := settle.Alerts[0]; a.Route() != RouteOpensDown || !a.LeavesDownOpen() {
		t.Errorf("a settle in down with no down open opens one: route %d", a.Route())
	}
}

func TestFlappingThatBeginsWhileDownAnswersThatDown(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	downAt := t0.Add(-time.Hour)
	site := Site{ID: 1, Name: "shop", Status: StatusDown, LastStatusChange: &downAt, FailureThreshold: 1,
		Flap: Flap{Changes: 0b11110}} // four changes already; down since downAt, its down alerted
	site, got, obs := observeAll(site, t0, "ud") // the fifth change recovers, the sixth starts flapping
	if got != "RF" {
		t.Fatalf("alerts %s, want RF", got)
	}
	site, got, obs = observeAll(site, t0, "u"+"du"+strings.Repeat("u", 20))
	if i := strings.IndexByte(got, 'U'); i < 0 || strings.Count(got, "U") != 1 || strings.Trim(got, "-U") != "" {
		t.Fatalf("alerts %s, want a single settle up", got)
	}
	_ = obs
	// Flapping began while up: now one begins while down, with its down alert open.
	site = Site{ID: 1, Name: "shop", Status: StatusUp, FailureThreshold: 1}
	site, got, obs = observeAll(site, t0, "duduud")
	if got != "DRDR-D" {
		t.Fatalf("alerts %s", got)
	}
	site, got, obs = observeAll(site, t0.Add(time.Hour), "u")
	a := obs[0].Alerts[0]
	if got != "F" || a.DownSince == nil || a.Route() != RouteAfterDown {
		t.Fatalf("flapping alert %s %+v: began while a down was open, so it goes where the down went", got, a)
	}
	site, got, obs = observeAll(site, t0.Add(2*time.Hour), strings.Repeat("u", 21))
	i := strings.IndexByte(got, 'U')
	if i < 0 {
		t.Fatalf("alerts %s, want a settle", got)
	}
	settled := obs[i].Alerts[0]
	if settled.Route() != RouteAfterFlapping || settled.LeavesDownOpen() || settled.DownSince == nil || !settled.DownSince.Equal(*a.DownSince) {
		t.Errorf("settled %+v: it is the recovery of the down, from the time it went down", settled)
	}
}

// channel plays one webhook that hears a site's alerts: it knows whether a down is open.
type channel struct {
	open, flapping bool
	opened, closed int
}

func (c *channel) hear(t *testing.T, a Alert, trace string) {
	t.Helper()
	fail := func(why string) { t.Fatalf("%s: %s alert %+v; trace %s", why, a.Kind, a, trace) }
	route := a.Route()
	if (route == RouteAfterDown || route == RouteAfterFlapping) != c.open && a.Kind != AlertDown {
		fail("answers a down that is not open, or ignores one that is")
	}
	switch a.Kind {
	case AlertDown:
		if c.open || c.flapping {
			fail("a second down without a recovery, or a down while flapping")
		}
		c.open, c.opened = true, c.opened+1
	case AlertRecovered:
		if c.flapping {
			fail("a recovery while flapping")
		}
		c.open, c.closed = false, c.closed+1
	case AlertStillDown:
		if c.flapping {
			fail("a reminder while flapping")
		}
	case AlertFlapping:
		if c.flapping {
			fail("flapping twice")
		}
		c.flapping = true
	case AlertSettled:
		if !c.flapping {
			fail("settled without flapping")
		}
		c.flapping = false
		switch {
		case c.open && a.SiteStatus == StatusUp:
			c.open, c.closed = false, c.closed+1
		case !c.open && a.SiteStatus == StatusDown:
			c.open, c.opened = true, c.opened+1
		}
	}
}

// TestEveryDownGetsExactlyOneRecovery feeds random check sequences, with bursts of flapping,
// thresholds and reminders, to the rules, and plays the alert stream to a webhook: it never
// hears a recovery without a down or two downs in a row, and once the site is up and stable
// every down it heard has had exactly one recovery.
func TestEveryDownGetsExactlyOneRecovery(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 21))
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var flaps, settledDown int // the sequences must exercise the watch, not only plain downs
	for run := range 500 {
		site := Site{ID: 1, Name: "shop", Status: StatusPending, FailureThreshold: 1 + rng.IntN(3),
			ResendIntervalMinutes: []int{0, 0, 3}[rng.IntN(3)]}
		var trace strings.Builder
		var ch channel
		at := t0
		check := func(up bool) {
			r := Result{CheckedAt: at, Status: StatusUp, StatusCode: 200}
			if !up {
				r.Status, r.StatusCode = StatusDown, 503
			}
			at = at.Add(time.Minute)
			o := site.Observe(r)
			site = o.Site
			trace.WriteString(map[bool]string{true: "u", false: "d"}[up])
			for _, a := range o.Alerts {
				trace.WriteByte(alertLetter(Observation{Alerts: []Alert{a}}))
				ch.hear(t, a, trace.String())
			}
		}
		for range 10 + rng.IntN(120) {
			switch p := rng.Float64(); {
			case p < 0.15: // a burst of flapping
				for range 4 + rng.IntN(20) {
					check(rng.IntN(2) == 0)
				}
			default: // a steady stretch
				up := rng.IntN(3) > 0
				for range 1 + rng.IntN(12) {
					check(up)
				}
			}
		}
		for range FlapWindow + 3 {
			check(true)
		}
		flaps, settledDown = flaps+strings.Count(trace.String(), "F"), settledDown+strings.Count(trace.String(), "W")
		if site.Status != StatusUp || site.Flap.Flapping || ch.open || ch.flapping || ch.opened != ch.closed {
			t.Fatalf("run %d: status %s flapping %v; webhook open %v flapping %v, %d downs and %d recoveries; trace %s",
				run, site.Status, site.Flap.Flapping, ch.open, ch.flapping, ch.opened, ch.closed, trace.String())
		}
	}
	if flaps < 100 || settledDown < 20 {
		t.Errorf("only %d flapping alerts and %d settles in down: the sequences do not test the watch", flaps, settledDown)
	}
}

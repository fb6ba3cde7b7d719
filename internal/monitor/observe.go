package monitor

import "time"

// Observation is everything one check result does to a site: its status (and the alert that
// raises), its latency watch, its certificate's expiry alerts and when to check again.
type Observation struct {
	Step
	// Site is the site with its state after the result.
	Site Site
	// LatencyEvent is set when the latency watch changed its mind (normal ⇄ degraded).
	LatencyEvent *Event
	// FlapEvent is set when the site started flapping or settled (see flap.go).
	FlapEvent *Event
	// Alerts to send: the status alert, a certificate alert, a latency alert, in that order.
	Alerts []Alert
	// RetryAt, when set, brings the next check forward: a failure is being confirmed.
	RetryAt *time.Time
}

// Observe applies every rule of a site to one check result.
func (s Site) Observe(r Result) Observation {
	prev := s.State()
	o := Observation{Step: prev.Apply(r)}
	o.watchFlapping(prev, r)
	next := s.withState(o.State)
	switch o.Step.Alert {
	case "":
	case AlertFlapping, AlertSettled:
		o.Alerts = append(o.Alerts, flapAlert(o.Step.Alert, s, r, prev, o.State))
	default:
		o.Alerts = append(o.Alerts, NewAlert(o.Step.Alert, s, r, prev))
	}
	if r.CertExpiresAt != nil {
		o.observeCertificate(&next, r)
	}
	if r.Status == StatusUp && s.Kind != KindPush {
		o.observeLatency(&next, r)
	}
	if s.RetryIntervalSeconds > 0 && o.State.ConsecutiveFailures > 0 && o.State.Status != StatusDown {
		at := r.CheckedAt.Add(time.Duration(s.RetryIntervalSeconds) * time.Second)
		o.RetryAt = &at
	}
	o.Site = next
	if s.InMaintenance || s.MaintenanceHeld {
		o.holdForMaintenance(s, prev, r)
	}
	return o
}

func (s Site) withState(st State) Site {
	s.Status, s.ConsecutiveFailures, s.ConsecutiveSuccesses = st.Status, st.ConsecutiveFailures, st.ConsecutiveSuccesses
	s.LastStatusChange, s.LastAlertAt, s.Flap = st.LastStatusChange, st.LastAlertAt, st.Flap
	return s
}

func (o *Observation) observeCertificate(next *Site, r Result) {
	if CertRenewed(next.CertExpiresAt, r.CertExpiresAt) {
		next.CertAlertedDays = 0
	}
	exp := *r.CertExpiresAt
	next.CertExpiresAt = &exp
	threshold, days, due := CertAlert(exp, r.CheckedAt, next.CertAlertedDays)
	if !due {
		return
	}
	next.CertAlertedDays = threshold
	a := NewAlert(AlertCertExpiring, *next, r, State{})
	a.DownSince, a.CertExpiresAt, a.CertDaysLeft = nil, &exp, days
	o.Alerts = append(o.Alerts, a)
}

func (o *Observation) observeLatency(next *Site, r Result) {
	latency, change, baseline := next.Latency.Observe(r.ResponseTimeMS())
	next.Latency = latency
	if change == "" {
		return
	}
	from, kind := LatencyNormal, AlertLatencyDegraded
	if change == LatencyNormal {
		from, kind = LatencyDegraded, AlertLatencyNormal
	}
	o.LatencyEvent = &Event{Kind: EventLatency, At: r.CheckedAt, From: LevelState(from), To: LevelState(change),
		Reason: latencyReason(r.ResponseTimeMS(), baseline)}
	a := NewAlert(kind, *next, r, State{})
	a.DownSince, a.BaselineMS = nil, baseline
	o.Alerts = append(o.Alerts, a)
}

func latencyReason(ms, baseline int64) string {
	return itoa64(ms) + " ms, usually " + itoa64(baseline) + " ms"
}

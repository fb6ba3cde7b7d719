package monitor

import "time"

// What maintenance does to alerts. While a window covers a site its checks run and its status
// follows them, but the alerts that would tell of an outage are held:
//
//   - A down (or a settle in down that opens an outage) is not sent; the site remembers that
//     it owes one (MaintenanceHeld).
//   - A recovery is sent when it answers a down alerted before the window, and dropped when it
//     answers a held one, which settles the debt. Reminders are not sent.
//   - A flapping alert is sent only when it follows a down alerted before the window; one that
//     is dropped no longer answers that down (Flap.DownSince is cleared), so the settle that
//     ends it is announced on its own.
//   - Certificate and latency alerts are not about the outage and go out as usual.
//
// A site still down when its window closes is owed its down alert then, once: by whichever
// comes first, the closing of the window (CloseMaintenance, from the scheduler's sweep) or its
// first check after it (Observe).

// holdForMaintenance applies the rules above to an observation of the site.
func (o *Observation) holdForMaintenance(s Site, prev State, r Result) {
	held := s.MaintenanceHeld
	var out []Alert
	if held && !s.InMaintenance {
		held = false
		if a, ok := owedDown(s, prev, r.CheckedAt); ok {
			out = append(out, a)
			if o.State.Status == StatusDown && o.State.LastAlertAt != nil && o.State.LastAlertAt.Before(r.CheckedAt) {
				at := r.CheckedAt
				o.State.LastAlertAt = &at
			}
		}
	}
	for _, a := range o.Alerts {
		if !s.InMaintenance || !isOutageAlert(a.Kind) {
			out = append(out, a)
			continue
		}
		switch {
		case a.Kind == AlertStillDown:
		case a.Kind == AlertDown, a.Kind == AlertSettled && a.Route() == RouteOpensDown:
			held = true
		case a.Route().Follows() && !held && a.Kind != AlertFlapping:
			out = append(out, a) // a recovery, or a settle, answering what was sent before
		case a.Kind == AlertFlapping && a.DownSince != nil && !held:
			out = append(out, a) // follows a down alerted before the window
		case a.Kind == AlertFlapping:
			o.State.Flap.DownSince = nil
		default: // answers a held down (a recovery, a settle), or a settle in up with no outage open
			held = held && o.State.Status == StatusDown
		}
	}
	if o.State.Status != StatusDown {
		held = false
	}
	o.Alerts = out
	o.Site = o.Site.withState(o.State)
	o.Site.MaintenanceHeld = held
}

// isOutageAlert says whether maintenance holds alerts of the kind: those about the site being
// down or up.
func isOutageAlert(k AlertKind) bool {
	switch k {
	case AlertDown, AlertRecovered, AlertStillDown, AlertFlapping, AlertSettled:
		return true
	}
	return false
}

// owedDown is the down alert a site owes once its window closed, if it does: it is still down
// and not flapping (a flapping site's settle will tell).
func owedDown(s Site, prev State, at time.Time) (Alert, bool) {
	if prev.Status != StatusDown || prev.Flap.Flapping {
		return Alert{}, false
	}
	a := Alert{Kind: AlertDown, SiteID: s.ID, SiteName: s.Name, URL: s.URL, At: at,
		StatusCode: s.StatusCode, Error: s.LastError, DownSince: prev.LastStatusChange}
	if s.ResponseTimeMS != nil {
		a.ResponseTimeMS = *s.ResponseTimeMS
	}
	return a, true
}

// CloseMaintenance settles what a site owes when its maintenance closes at `at`: the down alert
// it held, if it is still down, once. It returns the site as it is afterwards.
func (s Site) CloseMaintenance(at time.Time) (Site, *Alert) {
	if !s.MaintenanceHeld {
		return s, nil
	}
	s.MaintenanceHeld = false
	a, ok := owedDown(s, s.State(), at)
	if !ok {
		return s, nil
	}
	if s.LastAlertAt == nil || s.LastAlertAt.Before(at) {
		s.LastAlertAt = &at
	}
	return s, &a
}

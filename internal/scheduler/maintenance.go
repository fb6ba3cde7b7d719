package scheduler

import "context"

// sweepMaintenance writes the maintenance windows' openings and closings into their sites'
// events, with the down alerts owed by sites still down when their window closed. Checks do
// not wait for it: they read the windows themselves when they are recorded, so an alert is
// held from the window's first second; the sweep only dates the events (exactly, from the
// windows) and settles what is owed once nothing checks a site. The store writes each opening
// and closing once, so every process may sweep.
func (s *Scheduler) sweepMaintenance(ctx context.Context) {
	sweep, err := s.store.SyncMaintenance(ctx, s.now())
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("sync maintenance windows", "err", err)
		}
		return
	}
	if sweep.Opened > 0 || sweep.Closed > 0 {
		s.log.Info("maintenance windows moved", "opened", sweep.Opened, "closed", sweep.Closed, "owed_alerts", sweep.Alerts)
	}
	if sweep.Alerts > 0 && s.cfg.OnAlert != nil {
		s.cfg.OnAlert()
	}
}

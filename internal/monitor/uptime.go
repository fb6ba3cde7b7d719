package monitor

import "time"

// UptimeFigures say how reliable a site (or several) was over a window [from, to).
type UptimeFigures struct {
	Up, Down, Excluded time.Duration
	// Incidents counts the incidents that started inside the window; one already under way
	// when the window begins belongs to the window it started in.
	Incidents int
	// Resolved counts the incidents that ended inside the window, wherever they started, and
	// Repair is their total duration; MTTR is Repair / Resolved, 0 when none ended.
	Resolved int
	Repair   time.Duration
	MTTR     time.Duration
	// Uptime is Up / (Up + Down), nil when the window holds no monitored time (never 1 and never
	// NaN for a window nobody watched).
	Uptime *float64
}

// Figures are the site's uptime figures over [from, to). A window reaching past the present
// would count the future as the current state: end it at now.
func (h History) Figures(from, to time.Time) UptimeFigures {
	var f UptimeFigures
	h.Timeline.walk(from, to, func(p Period, c Coverage) {
		switch c {
		case CoverageUp:
			f.Up += p.Duration()
		case CoverageDown:
			f.Down += p.Duration()
		default:
			f.Excluded += p.Duration()
		}
	})
	window := Period{From: from, To: to}
	for _, inc := range h.Incidents {
		if window.contains(inc.StartedAt) {
			f.Incidents++
		}
		if inc.EndedAt != nil && window.contains(*inc.EndedAt) {
			f.Resolved++
			f.Repair += inc.Duration(*inc.EndedAt)
		}
	}
	return f.derive()
}

func (p Period) contains(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// SumFigures adds figures up: of one site over consecutive windows (its days, say), or of
// several sites over one window. The uptime of the sum is Σup ÷ Σ(up+down), not a mean of
// percentages, and its MTTR is the mean over every resolved incident.
func SumFigures(figures ...UptimeFigures) UptimeFigures {
	var sum UptimeFigures
	for _, f := range figures {
		sum.Up += f.Up
		sum.Down += f.Down
		sum.Excluded += f.Excluded
		sum.Incidents += f.Incidents
		sum.Resolved += f.Resolved
		sum.Repair += f.Repair
	}
	return sum.derive()
}

// derive computes MTTR and Uptime from the durations and counts.
func (f UptimeFigures) derive() UptimeFigures {
	f.MTTR, f.Uptime = 0, nil
	if f.Resolved > 0 {
		f.MTTR = f.Repair / time.Duration(f.Resolved)
	}
	if monitored := f.Up + f.Down; monitored > 0 {
		u := float64(f.Up) / float64(monitored)
		f.Uptime = &u
	}
	return f
}

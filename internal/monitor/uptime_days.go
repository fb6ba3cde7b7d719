package monitor

import "time"

// DayFigures are a site's uptime figures over one UTC day, for a status page's row of day bars.
type DayFigures struct {
	Day time.Time // midnight UTC that begins the day
	UptimeFigures
}

// Days are the figures of each UTC day of the n days that end with today (the day holding now),
// oldest first. Today counts only until now, so its bar says how the day has gone so far. A day
// without monitored time has a nil Uptime: "no data", never "up". The figures of the days add up
// (SumFigures) to those of the whole stretch.
func (h History) Days(now time.Time, n int) []DayFigures {
	now = now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	out := make([]DayFigures, 0, max(n, 0))
	for i := n - 1; i >= 0; i-- {
		day := today.AddDate(0, 0, -i)
		end := day.AddDate(0, 0, 1)
		if end.After(now) {
			end = now
		}
		out = append(out, DayFigures{Day: day, UptimeFigures: h.Figures(day, end)})
	}
	return out
}

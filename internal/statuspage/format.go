package statuspage

import (
	"slices"
	"strconv"
	"time"
)

// humanDuration says how long, to two units at most: "0 s", "5 min", "3 h 12 min", "2 d 3 h".
// A page says it for every day with downtime, so it is written without fmt.
func humanDuration(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	switch {
	case s == 0:
		return "0 s"
	case s < 60:
		return twoUnits(s, "s", 0, "")
	case s < 3600:
		return twoUnits(s/60, "min", s%60, "s")
	case s < 86400:
		return twoUnits(s/3600, "h", s%3600/60, "min")
	}
	return twoUnits(s/86400, "d", s%86400/3600, "h")
}

func twoUnits(a int64, unitA string, b int64, unitB string) string {
	buf := make([]byte, 0, 24)
	buf = strconv.AppendInt(buf, a, 10)
	buf = append(buf, ' ')
	buf = append(buf, unitA...)
	if b != 0 {
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, b, 10)
		buf = append(buf, ' ')
		buf = append(buf, unitB...)
	}
	return string(buf)
}

// sortIncidents puts the newest first: ongoing ones lead, as they began last or matter most.
func sortIncidents(incs []IncidentView) {
	slices.SortStableFunc(incs, func(a, b IncidentView) int {
		if a.Ongoing != b.Ongoing {
			if a.Ongoing {
				return -1
			}
			return 1
		}
		return b.StartedAt.Compare(a.StartedAt)
	})
}

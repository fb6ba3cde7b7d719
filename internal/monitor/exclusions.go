package monitor

import "strings"

// Exclusions is the set of reasons a site's time is left out of uptime at one moment: paused,
// in a gap in monitoring, inside maintenance. Reasons overlap (a pause can outlast the window
// it began in, or a window the pause), so time is left out while any of them holds, and counts
// only when none does. An uptime ledger keeps the set it is in; the events keep each reason's
// beginning and end (see EventMonitoring).
type Exclusions uint8

// The reasons, one bit each.
const (
	ExcludedPaused Exclusions = 1 << iota
	ExcludedGap
	ExcludedMaintenance
)

// exclusionNames are the reasons with the monitoring state that names each, in the order of
// the names: the stored form lists them so.
var exclusionNames = [...]struct {
	bit  Exclusions
	name string
}{{ExcludedGap, MonitoringGap}, {ExcludedMaintenance, MonitoringMaintenance}, {ExcludedPaused, MonitoringPaused}}

// exclusionOf is the reason a monitoring state names: none for active or a state this version
// does not know.
func exclusionOf(state string) Exclusions {
	for _, e := range exclusionNames {
		if e.name == state {
			return e.bit
		}
	}
	return 0
}

// ParseExclusions reads the stored form String writes: MonitoringActive (or "") for none, a
// monitoring state for one reason (what ledgers held before reasons could overlap), or several
// joined by "+". Names this version does not know are ignored: their time counts.
func ParseExclusions(s string) Exclusions {
	if s == MonitoringActive || s == "" {
		return 0
	}
	var x Exclusions
	for name := range strings.SplitSeq(s, "+") {
		x |= exclusionOf(name)
	}
	return x
}

// String is the stored form: "active" for none, one reason's monitoring state for one (so a
// single reason reads as it always did), else the states in name order joined by "+"
// ("maintenance+paused").
func (x Exclusions) String() string {
	switch x {
	case 0:
		return MonitoringActive
	case ExcludedPaused:
		return MonitoringPaused
	case ExcludedGap:
		return MonitoringGap
	case ExcludedMaintenance:
		return MonitoringMaintenance
	}
	var names []string
	for _, e := range exclusionNames {
		if x&e.bit != 0 {
			names = append(names, e.name)
		}
	}
	return strings.Join(names, "+")
}

// Watched says no reason holds: the time counts as the site's status says.
func (x Exclusions) Watched() bool { return x == 0 }

// Has says whether every reason of r holds.
func (x Exclusions) Has(r Exclusions) bool { return r != 0 && x&r == r }

// Apply moves the set through a monitoring event: the reason its From names ends, the one its
// To names begins; the others hold as they were.
func (x Exclusions) Apply(ev Event) Exclusions {
	if ev.From == ev.To {
		return x
	}
	return x&^exclusionOf(string(ev.From)) | exclusionOf(string(ev.To))
}

package monitor

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/robfig/cron/v3"
)

// Bounds of a maintenance window.
const (
	MinMaintenanceDuration = time.Minute
	MaxMaintenanceDuration = 7 * 24 * time.Hour
	// MaxOneOffMaintenance catches a mistyped year in a one-off window's end.
	MaxOneOffMaintenance = 366 * 24 * time.Hour
)

// Maintenance is planned work on some sites. While a window is open their checks still run and
// are recorded, but no down or recovery alert goes out and the time does not count in uptime.
//
// A window is either one-off (Start and End) or recurring (Cron, Duration and Timezone).
type Maintenance struct {
	ID      int64
	OwnerID int64
	Title   string
	// SiteIDs are the sites the window covers; AllSites covers every site of the owner instead.
	SiteIDs  []int64
	AllSites bool
	// Start and End bound a one-off window: open from Start until just before End.
	Start, End time.Time
	// Cron (five fields, or @daily, @weekly, …) names the times a recurring window opens, read
	// on the wall clock of Timezone (an IANA name; empty means UTC). Each opening lasts
	// Duration of elapsed time, so a 2h window that opens just before clocks go forward still
	// lasts two hours.
	Cron      string
	Duration  time.Duration
	Timezone  string
	CreatedAt time.Time
	// UpdatedAt is when the window was last saved: a window opens for its sites no earlier.
	UpdatedAt time.Time
}

// Recurring reports whether the window repeats on a cron schedule.
func (m Maintenance) Recurring() bool { return m.Cron != "" }

// Covers reports whether the window applies to the site.
func (m Maintenance) Covers(siteID int64) bool {
	return m.AllSites || slices.Contains(m.SiteIDs, siteID)
}

// Validate reports the first field of the window that is wrong, as a *FieldError.
func (m Maintenance) Validate() error {
	_, err := m.Schedule()
	return err
}

// Schedule validates the window and prepares it to answer when it is open. Keep the result
// rather than calling Schedule for every question: it parses the cron expression and loads the
// time zone.
func (m Maintenance) Schedule() (MaintenanceSchedule, error) {
	if err := m.validateTitleAndSites(); err != nil {
		return MaintenanceSchedule{}, err
	}
	if m.Recurring() {
		return m.recurringSchedule()
	}
	return m.oneOffSchedule()
}

func (m Maintenance) validateTitleAndSites() error {
	if strings.TrimSpace(m.Title) == "" {
		return fieldErr("title", "must not be empty")
	}
	if utf8.RuneCountInString(m.Title) > maxNameLength {
		return fieldErr("title", "must be at most %d characters", maxNameLength)
	}
	if m.AllSites && len(m.SiteIDs) > 0 {
		return fieldErr("site_ids", "must be left out when all_sites is true")
	}
	if !m.AllSites && len(m.SiteIDs) == 0 {
		return fieldErr("site_ids", "must name at least one site, or set all_sites to true")
	}
	seen := make(map[int64]bool, len(m.SiteIDs))
	for _, id := range m.SiteIDs {
		if id <= 0 {
			return fieldErr("site_ids", "%d is not a site id", id)
		}
		if seen[id] {
			return fieldErr("site_ids", "names site %d twice", id)
		}
		seen[id] = true
	}
	return nil
}

func (m Maintenance) oneOffSchedule() (MaintenanceSchedule, error) {
	switch {
	case m.Duration != 0:
		return MaintenanceSchedule{}, fieldErr("duration", "belongs to a recurring window (with cron); a one-off window has start and end")
	case m.Timezone != "":
		return MaintenanceSchedule{}, fieldErr("timezone", "belongs to a recurring window (with cron); a one-off window's start and end carry their own offset")
	case m.Start.IsZero():
		return MaintenanceSchedule{}, fieldErr("start", "is required (or give cron, duration and timezone for a recurring window)")
	case m.End.IsZero():
		return MaintenanceSchedule{}, fieldErr("end", "is required")
	case !m.End.After(m.Start):
		return MaintenanceSchedule{}, fieldErr("end", "must be after start")
	case m.End.Sub(m.Start) > MaxOneOffMaintenance:
		return MaintenanceSchedule{}, fieldErr("end", "must be at most 366 days after start")
	}
	return MaintenanceSchedule{start: m.Start.UTC(), end: m.End.UTC()}, nil
}

func (m Maintenance) recurringSchedule() (MaintenanceSchedule, error) {
	if !m.Start.IsZero() || !m.End.IsZero() {
		field := "start"
		if m.Start.IsZero() {
			field = "end"
		}
		return MaintenanceSchedule{}, fieldErr(field, "must be left out of a recurring window: it opens at each cron time and lasts duration")
	}
	spec, err := parseMaintenanceCron(m.Cron)
	if err != nil {
		return MaintenanceSchedule{}, err
	}
	if m.Duration == 0 {
		return MaintenanceSchedule{}, fieldErr("duration", "is required for a recurring window")
	}
	if m.Duration < MinMaintenanceDuration || m.Duration > MaxMaintenanceDuration {
		return MaintenanceSchedule{}, fieldErr("duration", "must be between %s and %s", MinMaintenanceDuration, MaxMaintenanceDuration)
	}
	loc, err := MaintenanceZone(m.Timezone)
	if err != nil {
		return MaintenanceSchedule{}, err
	}
	return MaintenanceSchedule{spec: spec, loc: loc, duration: m.Duration}, nil
}

func parseMaintenanceCron(expr string) (*cron.SpecSchedule, error) {
	expr = strings.TrimSpace(expr)
	if strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ=") {
		return nil, fieldErr("cron", "must not name a time zone; put it in timezone")
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	sched, err := parser.Parse(expr)
	if err != nil {
		return nil, fieldErr("cron", "%v (want five fields: minute hour day-of-month month day-of-week, as in \"0 3 * * sun\")", err)
	}
	spec, ok := sched.(*cron.SpecSchedule)
	if !ok { // @every: a delay from whenever it is asked, not a time of day
		return nil, fieldErr("cron", "@every is not a schedule of local times; use five fields or @hourly, @daily, @weekly, @monthly")
	}
	// Matched against the wall clock as if it were UTC; openings are then placed in the zone
	// by wallInstant, which decides what gaps and repeats in the local clock mean.
	spec.Location = time.UTC
	if spec.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return nil, fieldErr("cron", "never matches a real date")
	}
	return spec, nil
}

// MaintenanceSchedule is a validated window, ready to answer when it is open.
type MaintenanceSchedule struct {
	start, end time.Time // one-off
	spec       *cron.SpecSchedule
	loc        *time.Location
	duration   time.Duration
}

// mergeAhead bounds how far ActiveAt follows windows that run into each other.
const mergeAhead = MaxMaintenanceDuration

// ActiveAt reports whether the window is open at t and, if so, when it closes (in UTC).
// Openings that overlap or touch count as one window, followed up to a week past t.
func (s MaintenanceSchedule) ActiveAt(t time.Time) (bool, time.Time) {
	if s.spec == nil {
		if !t.Before(s.start) && t.Before(s.end) {
			return true, s.end
		}
		return false, time.Time{}
	}
	// Only openings in (t - duration, t] are open at t; if there is one, the first is.
	open, ok := s.nextOpening(t.Add(-s.duration))
	if !ok || open.After(t) {
		return false, time.Time{}
	}
	return true, s.closing(open, t.Add(mergeAhead))
}

// Intervals returns the parts of [from, to) the window covers, in order and in UTC, with
// openings that overlap or touch merged into one range. Ranges are cut at from and to.
func (s MaintenanceSchedule) Intervals(from, to time.Time) []Period {
	if !from.Before(to) {
		return nil
	}
	clip := func(start, end time.Time) Period {
		return Period{later(start, from).UTC(), earlier(end, to).UTC()}
	}
	if s.spec == nil {
		if s.start.Before(to) && s.end.After(from) {
			return []Period{clip(s.start, s.end)}
		}
		return nil
	}
	var out []Period
	for after := from.Add(-s.duration); ; {
		open, ok := s.nextOpening(after)
		if !ok || !open.Before(to) {
			return out
		}
		end := s.closing(open, to)
		out = append(out, clip(open, end))
		after = end // nothing opens in (end - duration, end], or the window would go on
	}
}

// closing is when the window opened at `open` closes, following the openings that overlap or
// touch it, or the first time it is found to reach limit.
func (s MaintenanceSchedule) closing(open, limit time.Time) time.Time {
	end := open.Add(s.duration)
	for end.Before(limit) {
		// An opening in (end - duration, end] keeps the window open. Looking at the later half
		// first moves a dense schedule (every minute, for hours) on by half a window per step.
		next, ok := s.nextOpening(end.Add(-s.duration / 2))
		if !ok || next.After(end) {
			next, ok = s.nextOpening(end.Add(-s.duration))
		}
		if !ok || next.After(end) {
			break
		}
		end = next.Add(s.duration)
	}
	return end
}

// nextOpening is the first instant after `after` at which the recurring window opens.
//
// An opening at wall time w is the first instant at which the zone's clock reads w or later.
// So a time the clock skips when it goes forward opens the window when the clock jumps past
// it, and a time the clock shows twice when it goes back opens it once, the first time — what
// cron daemons do for the jobs a window is usually planned around. It also means an opening
// after `after` has a wall time after after's, which is where the search starts.
func (s MaintenanceSchedule) nextOpening(after time.Time) (time.Time, bool) {
	wall := floating(after.In(s.loc))
	for {
		if wall = s.spec.Next(wall); wall.IsZero() {
			return time.Time{}, false // no match within five years
		}
		if open := wallInstant(wall, s.loc); open.After(after) {
			return open.UTC(), true
		}
	}
}

// floating is t's wall clock written as a UTC time.
func floating(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// wallInstant is the first instant at which loc's clock reads wall (a floating time) or later.
func wallInstant(wall time.Time, loc *time.Location) time.Time {
	t := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), wall.Nanosecond(), loc)
	switch reads := floating(t); {
	case reads.Before(wall): // wall is skipped; t is before the jump, which ends t's zone
		_, end := t.ZoneBounds()
		return end
	case reads.After(wall): // wall is skipped; t is after the jump, which starts t's zone
		start, _ := t.ZoneBounds()
		return start
	}
	// The clock may have read wall once already, before it was turned back at the start of t's zone.
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	_, offset := t.Zone()
	_, offsetBefore := start.Add(-time.Nanosecond).Zone()
	if offsetBefore <= offset {
		return t
	}
	first := t.Add(-time.Duration(offsetBefore-offset) * time.Second)
	if first.Before(start) && floating(first.In(loc)).Equal(wall) {
		return first
	}
	return t
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

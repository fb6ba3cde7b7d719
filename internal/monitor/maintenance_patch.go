package monitor

import "time"

// MaintenancePatch is a change to a maintenance window as a user asks for it through any front
// end: the JSON API decodes POST /maintenance and PATCH /maintenance/{id} into it, the
// dashboard's form fills it in. Both hand it to NewMaintenance or Patched, so a window passes
// one set of rules whichever way it comes in.
//
// A window is one-off (start and end) or recurring (cron, duration and timezone). A patch
// changes the fields it gives: giving start or end makes the window one-off, giving cron,
// duration or timezone makes it recurring, and the other kind's fields are dropped; giving
// site_ids covers those sites instead of all, giving all_sites true covers all.
type MaintenancePatch struct {
	Title    *string    `json:"title,omitempty"`
	SiteIDs  *[]int64   `json:"site_ids,omitempty"`
	AllSites *bool      `json:"all_sites,omitempty"`
	Start    *time.Time `json:"start,omitempty"`
	End      *time.Time `json:"end,omitempty"`
	Cron     *string    `json:"cron,omitempty"`
	Duration *string    `json:"duration,omitempty"`
	Timezone *string    `json:"timezone,omitempty"`
}

// NewMaintenance is a window of owner's made at now from the patch, judged by the rules. The
// patch must say which sites the window covers. Whether those sites are the owner's is the
// store's to say when it saves the window (see store.Store.CreateMaintenance). Errors are
// *FieldError.
func NewMaintenance(owner int64, now time.Time, p MaintenancePatch) (Maintenance, error) {
	if p.SiteIDs == nil && p.AllSites == nil {
		return Maintenance{}, fieldErr("site_ids", "must name at least one site, or set all_sites to true")
	}
	now = StoredTime(now)
	m := Maintenance{OwnerID: owner, CreatedAt: now, UpdatedAt: now}
	if err := p.apply(&m); err != nil {
		return Maintenance{}, err
	}
	if err := m.Validate(); err != nil {
		return Maintenance{}, err
	}
	return m, nil
}

// Patched is the window changed by the patch and judged by the rules; m is left as it was.
// UpdatedAt is the caller's to set when it saves the result. Errors are *FieldError.
func (m Maintenance) Patched(p MaintenancePatch) (Maintenance, error) {
	if err := p.apply(&m); err != nil {
		return Maintenance{}, err
	}
	if err := m.Validate(); err != nil {
		return Maintenance{}, err
	}
	return m, nil
}

// apply writes the patch's fields onto the window, as MaintenancePatch's comment says.
func (p MaintenancePatch) apply(m *Maintenance) error {
	if p.Title != nil {
		m.Title = *p.Title
	}
	if p.SiteIDs != nil {
		m.SiteIDs, m.AllSites = *p.SiteIDs, false
		if m.SiteIDs == nil {
			m.SiteIDs = []int64{}
		}
	}
	if p.AllSites != nil {
		m.AllSites = *p.AllSites
		if m.AllSites && p.SiteIDs == nil {
			m.SiteIDs = nil
		}
	}
	if p.Start != nil || p.End != nil {
		m.Cron, m.Duration, m.Timezone = "", 0, ""
		if p.Start != nil {
			m.Start = p.Start.UTC()
		}
		if p.End != nil {
			m.End = p.End.UTC()
		}
	}
	if p.Cron != nil || p.Duration != nil || p.Timezone != nil {
		if p.Start == nil && p.End == nil {
			m.Start, m.End = time.Time{}, time.Time{}
		}
		if p.Cron != nil {
			m.Cron = *p.Cron
			if m.Cron == "" {
				return fieldErr("cron", "must not be empty; give start and end for a one-off window")
			}
		}
		if p.Duration != nil {
			d, err := time.ParseDuration(*p.Duration)
			if err != nil {
				return fieldErr("duration", "%q is not a duration, as in 90m or 2h", *p.Duration)
			}
			m.Duration = d
		}
		if p.Timezone != nil {
			m.Timezone = *p.Timezone
		}
	}
	if m.Cron == "" && (m.Duration != 0 || m.Timezone != "") {
		field := "duration"
		if m.Duration == 0 {
			field = "timezone"
		}
		return fieldErr("cron", "is required with %s: a recurring window opens at each cron time", field)
	}
	return nil
}

// MaintenanceZone loads the IANA time zone a window's times are read in ("" is UTC), by the
// rule a recurring window's timezone follows. Errors are *FieldError on timezone.
func MaintenanceZone(name string) (*time.Location, error) {
	if name == "Local" {
		return nil, fieldErr("timezone", "must name a zone, as in Europe/Berlin; Local depends on the server")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fieldErr("timezone", "%q is not an IANA time zone, as in Europe/Berlin or America/New_York", name)
	}
	return loc, nil
}

// NextOpening is the first instant after t at which the window opens, if it ever does again:
// a one-off window's start while it is still to come.
func (s MaintenanceSchedule) NextOpening(t time.Time) (time.Time, bool) {
	if s.spec == nil {
		return s.start, s.start.After(t)
	}
	return s.nextOpening(t)
}

package statuspage

import (
	"context"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// SiteUptime is what a status page shows of one site's past: a bar per UTC day, oldest first,
// and its incidents, oldest first.
type SiteUptime struct {
	Days      []monitor.DayFigures
	Incidents []monitor.Incident
}

// UptimeSource computes the figures pages and badges show. EventUptime derives them from the
// sites' status events; stored rollups can take its place without the pages changing.
type UptimeSource interface {
	// PageUptime gives each site's last days UTC days (today so far included) and its
	// incidents that were under way at some time since incidentsSince, by site id.
	PageUptime(ctx context.Context, sites []monitor.Site, now time.Time, days int, incidentsSince time.Time) (map[int64]SiteUptime, error)
	// Window gives a site's figures over [from, now).
	Window(ctx context.Context, site monitor.Site, from, now time.Time) (monitor.UptimeFigures, error)
}

// EventsReader reads many sites' events in one query (store.StatusPages.SitesEvents).
type EventsReader interface {
	SitesEvents(ctx context.Context, siteIDs []int64, from time.Time) ([]monitor.Event, error)
}

// EventUptime computes uptime from the status and monitoring events of the sites, read in one
// query per page, with the rules of monitor (NewHistory, Days, Figures).
type EventUptime struct {
	Events EventsReader
}

func (u EventUptime) PageUptime(ctx context.Context, sites []monitor.Site, now time.Time, days int, incidentsSince time.Time) (map[int64]SiteUptime, error) {
	siteIDs := make([]int64, 0, len(sites))
	for _, s := range sites {
		siteIDs = append(siteIDs, s.ID)
	}
	now = now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	from := today.AddDate(0, 0, -(days - 1))
	if incidentsSince.Before(from) {
		from = incidentsSince
	}
	events, err := u.Events.SitesEvents(ctx, siteIDs, from)
	if err != nil {
		return nil, err
	}
	bySite := map[int64][]monitor.Event{}
	for _, ev := range events {
		bySite[ev.SiteID] = append(bySite[ev.SiteID], ev)
	}
	out := make(map[int64]SiteUptime, len(sites))
	for _, site := range sites {
		id := site.ID
		h := monitor.NewHistory(bySite[id], unwatched(site))
		// The bars need each day's up and down time only; without the incidents, Days does
		// not count them for every day again.
		bars := monitor.History{Timeline: h.Timeline}
		su := SiteUptime{Days: bars.Days(now, days)}
		for _, inc := range h.Incidents {
			if inc.Ongoing() || !inc.EndedAt.Before(incidentsSince) {
				inc.Error = "" // never shown: error text stays private
				su.Incidents = append(su.Incidents, inc)
			}
		}
		out[id] = su
	}
	return out, nil
}

func (u EventUptime) Window(ctx context.Context, site monitor.Site, from, now time.Time) (monitor.UptimeFigures, error) {
	events, err := u.Events.SitesEvents(ctx, []int64{site.ID}, from)
	if err != nil {
		return monitor.UptimeFigures{}, err
	}
	return monitor.NewHistory(events, unwatched(site)).Figures(from, now), nil
}

// unwatched is the time a paused site has not been checked: since its last check, for ever.
// Pauses are recorded as monitoring events, which NewHistory leaves out; a site paused before
// they were has none, and this keeps its days from showing as up.
func unwatched(site monitor.Site) []monitor.Period {
	if !site.Paused || site.LastChecked == nil {
		return nil
	}
	return []monitor.Period{{From: *site.LastChecked, To: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}}
}

package web

import (
	"net/http"

	"github.com/tocsin/tocsin/internal/monitor"
)

// windowRow is a maintenance window as the maintenance page lists it.
type windowRow struct {
	ID    int64
	Title string
	// AllSites: every site of the owner's; else Sites, those that still exist.
	AllSites bool
	Sites    []siteLink
	// A one-off window runs From until To; a recurring one opens at Cron's times (said in
	// Words when they can be) on Timezone's clock and lasts Duration.
	Recurring             bool
	From, To              moment
	Cron, Timezone, Words string
	Duration              string
	// State says in a word and a shape whether the window is open now; Closes is when an open
	// one closes, Opens when a closed one opens next (zero: never again).
	State  badge
	Active bool
	Closes moment
	Opens  moment
	// Broken says why a window saved under older rules no longer applies.
	Broken string
}

type siteLink struct {
	ID   int64
	Name string
}

type maintenanceListPage struct {
	layout
	Done    string
	Windows []windowRow
}

// maintenancePage lists the viewer's maintenance windows: what each covers, when it opens,
// whether it is open now and until when. Windows are read as the API reads them.
func (h *Handler) maintenancePage(w http.ResponseWriter, r *http.Request) {
	windows, err := h.store.ListMaintenance(r.Context(), owner(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var ids []int64
	for _, m := range windows {
		ids = append(ids, m.SiteIDs...)
	}
	names := map[int64]string{}
	if len(ids) > 0 {
		sites, err := h.store.SitesByID(r.Context(), owner(r), ids)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, s := range sites {
			names[s.ID] = s.Name
		}
	}
	p := maintenanceListPage{layout: h.layout("Maintenance", "maintenance"), Done: maintenanceDone[r.URL.Query().Get("done")]}
	for _, m := range windows {
		p.Windows = append(p.Windows, h.rowOfWindow(m, names))
	}
	h.render(w, http.StatusOK, "maintenance", p)
}

var maintenanceDone = map[string]string{
	"added":   "Maintenance window added.",
	"saved":   "Changes saved.",
	"deleted": "Maintenance window deleted; if it was open, it closed now.",
}

func (h *Handler) rowOfWindow(m monitor.Maintenance, names map[int64]string) windowRow {
	row := windowRow{ID: m.ID, Title: m.Title, AllSites: m.AllSites, Recurring: m.Recurring()}
	for _, id := range m.SiteIDs {
		if name, ok := names[id]; ok {
			row.Sites = append(row.Sites, siteLink{ID: id, Name: name})
		}
	}
	if row.Recurring {
		row.Cron, row.Timezone, row.Words = m.Cron, m.Timezone, cronWords(m.Cron)
		if row.Timezone == "" {
			row.Timezone = "UTC"
		}
		row.Duration = humanDuration(m.Duration)
	} else {
		row.From, row.To = h.moment(m.Start), h.moment(m.End)
	}
	s, err := m.Schedule()
	if err != nil {
		row.Broken, row.State = err.Error(), badge{"down", "Not applied"}
		return row
	}
	now := h.now()
	if open, until := s.ActiveAt(now); open {
		row.Active, row.Closes, row.State = true, h.moment(until), badge{"pending", "Active now"}
		return row
	}
	if next, ok := s.NextOpening(now); ok {
		row.Opens, row.State = h.moment(next), badge{"paused", "Not active"}
		return row
	}
	row.State = badge{"paused", "Over"}
	return row
}

package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// sitesPerPage bounds the overview: a page never renders thousands of rows.
const sitesPerPage = 50

const maxSearchLength = 200

// overviewQuery is what the overview's GET form asks for.
type overviewQuery struct {
	Search string // part of a name or URL, any case
	Tone   string // "" for all, or a badge tone: down, pending, up, paused
	Page   int    // from 1
}

func parseOverviewQuery(v url.Values) (overviewQuery, error) {
	q := overviewQuery{Search: strings.TrimSpace(v.Get("q")), Tone: v.Get("status"), Page: 1}
	if utf8.RuneCountInString(q.Search) > maxSearchLength {
		return q, &badInput{"q", fmt.Sprintf("the search may be at most %d characters", maxSearchLength)}
	}
	switch q.Tone {
	case "", "down", "pending", "up", "paused":
	default:
		return q, &badInput{"status", "status must be down, pending, up or paused"}
	}
	if raw := v.Get("page"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return q, &badInput{"page", "page must be a whole number from 1"}
		}
		q.Page = n
	}
	return q, nil
}

// href is the overview's URL for this query; page 1 and empty fields are left out.
func (q overviewQuery) href() string {
	v := url.Values{}
	if q.Search != "" {
		v.Set("q", q.Search)
	}
	if q.Tone != "" {
		v.Set("status", q.Tone)
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

// tones are the overview's groups, worst first: down, then pending, then up; paused sites
// apart, last.
func tones() []string { return []string{"down", "pending", "up", "paused"} }

// countView is one of the overview's counters; it links to the sites it counts.
type countView struct {
	badge
	N       int
	Href    string
	Current bool
}

type siteRow struct {
	ID           int64
	Name         string
	Target       string // what is checked: a URL, "tcp · host:port", "push heartbeat"
	Badge        badge
	Since        moment
	ResponseTime string
	Error        string // why it is down
	Spark        template.HTML
	Uptime24h    string
	Uptime30d    string
}

type overviewPage struct {
	layout
	Counts   []countView
	Query    overviewQuery
	Tones    []countView // the status filter's choices
	Active   []siteRow   // this page's sites that are not paused, worst first
	Paused   []siteRow
	Total    int // every site
	Matched  int // the sites the query matches
	From, To int // 1-based range of Matched shown on this page
	Pages    int
	Prev     string
	Next     string
	Down     int
	Done     string // what the action that led here did
	Live     liveView
}

func (h *Handler) overview(w http.ResponseWriter, r *http.Request) {
	q, err := parseOverviewQuery(r.URL.Query())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The counts come from one aggregate and the page from one paged query: the overview
	// never reads every site.
	// The two reads do not depend on each other: they run at once. Without a search, the
	// digest counts the matches, so the page need not.
	sq := store.SitePageQuery{Search: q.Search, State: q.Tone, Limit: sitesPerPage, Offset: (q.Page - 1) * sitesPerPage,
		Counted: q.Search == ""}
	type digestRead struct {
		d   store.SitesDigest
		err error
	}
	digested := make(chan digestRead, 1)
	go func() {
		d, err := h.store.SitesDigest(r.Context(), owner(r))
		digested <- digestRead{d, err}
	}()
	sites, matched, err := h.store.SitePage(r.Context(), owner(r), sq)
	dr := <-digested
	if err == nil {
		err = dr.err
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	digest := dr.d
	if sq.Counted {
		matched = map[string]int{"": digest.Sites, "down": digest.Down, "pending": digest.Pending,
			"up": digest.Up, "paused": digest.Paused}[q.Tone]
	}
	if len(sites) == 0 && matched > 0 {
		// Past the last page: show the last.
		q.Page = (matched + sitesPerPage - 1) / sitesPerPage
		sq.Offset = (q.Page - 1) * sitesPerPage
		if sites, _, err = h.store.SitePage(r.Context(), owner(r), sq); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	ids := make([]int64, len(sites))
	for i, s := range sites {
		ids[i] = s.ID
	}
	end := h.now().UTC()
	trends, err := h.store.Overview(r.Context(), owner(r), ids, end)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.overviewModel(digest, sites, matched, q)
	for _, rows := range [][]siteRow{p.Active, p.Paused} {
		for i := range rows {
			o := trends[rows[i].ID]
			rows[i].Spark = sparkSVG(newSparkline(o.Hours, end))
			rows[i].Uptime24h, rows[i].Uptime30d = uptimeText(o.Day), uptimeText(o.Month)
		}
	}
	p.Done = doneMessage(r.URL.Query().Get("done"))
	p.Live = liveView{Stream: "/app/live", Key: overviewKey(digest)}
	h.render(w, http.StatusOK, "overview", p)
}

// overviewModel is the overview of the sites counted in digest, showing one page of those the
// query matches (matched in all), already in order.
func (h *Handler) overviewModel(digest store.SitesDigest, sites []monitor.Site, matched int, q overviewQuery) overviewPage {
	p := overviewPage{Query: q, Total: digest.Sites, Matched: matched}
	counts := map[string]int{"down": digest.Down, "pending": digest.Pending, "up": digest.Up, "paused": digest.Paused}
	for _, tone := range tones() {
		b := badge{Tone: tone, Label: toneLabel(tone)}
		c := countView{badge: b, N: counts[tone], Href: overviewQuery{Tone: tone}.href(), Current: q.Tone == tone}
		p.Counts = append(p.Counts, c)
		p.Tones = append(p.Tones, c)
	}
	p.Down = counts["down"]
	p.layout = h.layout(fmt.Sprintf("%d down", p.Down), "overview")
	p.Pages = max(1, (matched+sitesPerPage-1)/sitesPerPage)
	p.Query.Page = min(q.Page, p.Pages)
	start := (p.Query.Page - 1) * sitesPerPage
	p.From, p.To = start+1, start+len(sites)
	for _, s := range sites {
		if s.Paused {
			p.Paused = append(p.Paused, h.siteRow(s))
		} else {
			p.Active = append(p.Active, h.siteRow(s))
		}
	}
	if p.Query.Page > 1 {
		p.Prev = overviewQuery{Search: q.Search, Tone: q.Tone, Page: p.Query.Page - 1}.href()
	}
	if p.Query.Page < p.Pages {
		p.Next = overviewQuery{Search: q.Search, Tone: q.Tone, Page: p.Query.Page + 1}.href()
	}
	return p
}

func toneLabel(tone string) string {
	return strings.ToUpper(tone[:1]) + tone[1:]
}

func (h *Handler) siteRow(s monitor.Site) siteRow {
	row := siteRow{ID: s.ID, Name: s.Name, Target: target(s), Badge: siteBadge(s), ResponseTime: milliseconds(s.ResponseTimeMS)}
	since := s.CreatedAt
	if s.LastStatusChange != nil {
		since = *s.LastStatusChange
	}
	row.Since = h.moment(since)
	if !s.Paused && s.Status == monitor.StatusDown {
		row.Error = s.LastError
	}
	return row
}

// target says what a site's checks look at.
func target(s monitor.Site) string {
	switch s.Kind {
	case monitor.KindHTTP, "":
		return s.URL
	case monitor.KindPush:
		return "push heartbeat"
	}
	return string(s.Kind) + " · " + s.URL
}

package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/pageops"
	"github.com/tocsin/tocsin/internal/statuspage"
	"github.com/tocsin/tocsin/internal/store"
	svgbadge "github.com/tocsin/tocsin/internal/web/badge"
)

// The public pages: status pages (/status/{slug}) and badges (/badge/{token}/…). They need no
// sign-in, show only what their owner chose, and are cached briefly, since a status page is
// what a crowd reloads during an outage.

// Public are the public pages' dependencies; main passes them in Deps.
type Public struct {
	Pages  *statuspage.Service
	Uptime statuspage.UptimeSource
	Badges BadgeStore
	// Manage lists status pages for the dashboard's page of them.
	Manage StatusPageLister
	// Edit adds, changes and deletes status pages by the API's rules, for the dashboard's forms;
	// nil offers no form.
	Edit *pageops.Pages
}

// BadgeStore finds the site a badge token belongs to.
type BadgeStore interface {
	SiteByBadgeToken(ctx context.Context, tokenHash string) (monitor.Site, error)
}

type publicHandler struct {
	Public
	now    func() time.Time
	log    *slog.Logger
	status *template.Template
	mux    *http.ServeMux
}

func newPublicHandler(p Public, a *assets, now func() time.Time, log *slog.Logger) *publicHandler {
	h := &publicHandler{Public: p, now: now, log: log}
	h.status = template.Must(template.New("").Funcs(template.FuncMap{
		"asset":   a.URL,
		"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"when":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"isoOf":   func(t *time.Time) string { return t.UTC().Format(time.RFC3339) },
		"whenOf":  func(t *time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"dayBars": dayBars,
	}).ParseFS(templateFiles, "templates/public/*.html"))
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET /status/{slug}", h.statusPage)
	h.mux.HandleFunc("GET /badge/{token}/status.svg", h.badge(h.statusBadge))
	h.mux.HandleFunc("GET /badge/{token}/uptime/{window}", h.badge(h.uptimeBadge))
	h.mux.HandleFunc("GET /badge/{token}/response.svg", h.badge(h.responseBadge))
	return h
}

// isPublic says which requests the public pages answer: every /badge/ path, and /status/
// paths but the JSON form, which the API serves (so that it is in /openapi.json).
func isPublic(p string) bool {
	return strings.HasPrefix(p, "/badge/") || strings.HasPrefix(p, "/status/") && !strings.HasSuffix(p, ".json")
}

// dayBars writes a site's row of day bars. It is the bulk of a page (9,000 bars for 100
// sites), so it is written here rather than by the template, and kept small: each bar is a
// focusable item whose label says the date, uptime and downtime, and which the stylesheet shows
// as its tooltip, on hover and on focus. Every value in it is one statuspage formatted (a date,
// a level, a percentage, a duration), never text a user wrote, so none needs escaping.
func dayBars(days []statuspage.DayView) template.HTML {
	var b strings.Builder
	b.Grow(len(days) * 120)
	for _, d := range days {
		b.WriteString(`<li tabindex="0" data-date="`)
		b.WriteString(d.Date)
		b.WriteString(`" data-level="`)
		b.WriteString(string(d.Level))
		b.WriteString(`" aria-label="`)
		b.WriteString(d.Date)
		b.WriteString(": ")
		writeDayText(&b, d)
		b.WriteString(`"></li>`)
	}
	return template.HTML(b.String())
}

func writeDayText(b *strings.Builder, d statuspage.DayView) {
	switch {
	case d.Level == monitor.DayNoData:
		b.WriteString("No data")
	case d.DowntimeSeconds == 0:
		b.WriteString(d.UptimeText)
		b.WriteString(" uptime, no downtime")
	default:
		b.WriteString(d.UptimeText)
		b.WriteString(" uptime, down ")
		b.WriteString(d.DowntimeText)
	}
}

func (h *publicHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	h.mux.ServeHTTP(sw, r)
	h.log.Info("request", "method", r.Method, "path", maskedPublicPath(r.URL.Path), "status", sw.status,
		"duration_ms", time.Since(start).Milliseconds(), "remote", r.RemoteAddr)
}

// maskedPublicPath hides a badge token, the credential of its badges, from the request log.
func maskedPublicPath(p string) string {
	cleaned := path.Clean("/" + p)
	const prefix = "/badge/"
	if len(cleaned) <= len(prefix) || !strings.EqualFold(cleaned[:len(prefix)], prefix) {
		return p
	}
	_, after, more := strings.Cut(cleaned[len(prefix):], "/")
	masked := prefix + monitor.Masked
	if more {
		masked += "/" + after
	}
	return masked
}

type statusPageData struct {
	View    statuspage.View
	JSONURL string
}

func (h *publicHandler) statusPage(w http.ResponseWriter, r *http.Request) {
	pageHeaders(w.Header())
	slug := r.PathValue("slug")
	if h.Pages == nil || !monitor.ValidSlug(slug) {
		publicNotFound(w, "There is no status page here.")
		return
	}
	snap, err := h.Pages.Page(r.Context(), slug)
	if errors.Is(err, store.ErrNotFound) {
		publicNotFound(w, "There is no status page here.")
		return
	}
	if unavailable(w, err) {
		return
	}
	if err != nil {
		h.log.Error("status page failed", "slug", slug, "err", err)
		http.Error(w, "something went wrong on our side; it has been logged", http.StatusInternalServerError)
		return
	}
	body, etag, err := snap.HTML(func(v statuspage.View) ([]byte, error) {
		var buf bytes.Buffer
		buf.Grow(16<<10 + statusPageSites(v)*12<<10) // a site's day bars take some 11 KB
		err := h.status.ExecuteTemplate(&buf, "status", statusPageData{View: v, JSONURL: "/status/" + slug + ".json"})
		return buf.Bytes(), err
	})
	if err != nil {
		h.log.Error("render status page", "slug", slug, "err", err)
		http.Error(w, "something went wrong on our side; it has been logged", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", snap.MaxAge(h.now())))
	w.Header().Set("ETag", etag)
	w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; object-src 'none'")
	if etagListed(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func statusPageSites(v statuspage.View) int {
	n := 0
	for _, s := range v.Sections {
		n += len(s.Sites)
	}
	return n
}

// etagListed reads an If-None-Match list (or *).
func etagListed(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

func publicNotFound(w http.ResponseWriter, message string) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, message, http.StatusNotFound)
}

// badgeMaxAge lets README hosts and their caches keep a badge a minute.
const badgeMaxAge = 60

// badge adapts a badge drawer: it finds the token's site, and answers 404 for a token that is
// unknown or revoked, as for one that never was.
func (h *publicHandler) badge(draw func(r *http.Request, site monitor.Site) ([]byte, bool, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		token := r.PathValue("token")
		if h.Badges == nil || !strings.HasPrefix(token, auth.BadgeTokenPrefix) || len(token) > 100 {
			publicNotFound(w, "no such badge")
			return
		}
		site, err := h.Badges.SiteByBadgeToken(r.Context(), auth.HashBadgeToken(token))
		if errors.Is(err, store.ErrNotFound) {
			publicNotFound(w, "no such badge")
			return
		}
		if unavailable(w, err) {
			return
		}
		if err != nil {
			h.log.Error("badge failed", "err", err)
			http.Error(w, "something went wrong on our side; it has been logged", http.StatusInternalServerError)
			return
		}
		svg, ok, err := draw(r, site)
		if err != nil {
			h.log.Error("badge failed", "site_id", site.ID, "err", err)
			http.Error(w, "something went wrong on our side; it has been logged", http.StatusInternalServerError)
			return
		}
		if !ok {
			publicNotFound(w, "no such badge: uptime windows are 24h, 7d, 30d and 90d")
			return
		}
		etag := statuspage.ETag(svg)
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", badgeMaxAge))
		w.Header().Set("ETag", etag)
		if etagListed(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(svg)
		}
	}
}

func siteWord(s monitor.Site) string {
	if s.Paused {
		return "paused"
	}
	return string(s.Status)
}

func (h *publicHandler) statusBadge(r *http.Request, site monitor.Site) ([]byte, bool, error) {
	return svgbadge.Status(siteWord(site)), true, nil
}

// badgeWindows are the uptime badges' windows.
var badgeWindows = map[string]time.Duration{"24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour, "90d": 90 * 24 * time.Hour}

func (h *publicHandler) uptimeBadge(r *http.Request, site monitor.Site) ([]byte, bool, error) {
	window, ok := strings.CutSuffix(r.PathValue("window"), ".svg")
	length, known := badgeWindows[window]
	if !ok || !known || h.Uptime == nil {
		return nil, false, nil
	}
	now := h.now()
	f, err := h.Uptime.Window(r.Context(), site, now.Add(-length), now)
	if err != nil {
		return nil, false, err
	}
	return svgbadge.Uptime(window, f.Uptime), true, nil
}

func (h *publicHandler) responseBadge(r *http.Request, site monitor.Site) ([]byte, bool, error) {
	if site.ResponseTimeMS == nil || site.Status != monitor.StatusUp {
		return svgbadge.ResponseTime(nil), true, nil
	}
	d := time.Duration(*site.ResponseTimeMS) * time.Millisecond
	return svgbadge.ResponseTime(&d), true, nil
}

// unavailable answers 503 with Retry-After, and reports true, when err says the database is
// away: a public page or badge then tells its visitors to come back, and nothing is logged per
// visit (the scheduler logs the outage).
func unavailable(w http.ResponseWriter, err error) bool {
	if !errors.Is(err, store.ErrUnavailable) {
		return false
	}
	w.Header().Set("Retry-After", "5")
	http.Error(w, "the database is unavailable right now; try again shortly", http.StatusServiceUnavailable)
	return true
}

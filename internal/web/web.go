// Package web serves Tocsin's dashboard: server-rendered pages (html/template, one handler per
// page, one shared layout) and their embedded assets. Pages print what monitor and the store
// decided; they hold no rules of their own. Requests that are not pages go to the JSON API.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/accounts"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/pageops"
	"github.com/tocsin/tocsin/internal/siteops"
	"github.com/tocsin/tocsin/internal/store"
)

// Store is what the pages read. Each page loads what it shows with one or two of these calls.
type Store interface {
	// FirstAdmin is whom a single-user (auth off) Tocsin acts as.
	FirstAdmin(ctx context.Context) (monitor.User, error)
	SitesDigest(ctx context.Context, owner int64) (store.SitesDigest, error)
	SitePage(ctx context.Context, owner int64, q store.SitePageQuery) ([]monitor.Site, int, error)
	// The uptime rollups and ledgers: the overview's sparklines and uptime, the site page's
	// long chart windows, uptime and incidents.
	Overview(ctx context.Context, owner int64, siteIDs []int64, now time.Time) (map[int64]store.SiteOverview, error)
	Stats(ctx context.Context, owner, siteID int64, q store.StatsQuery) ([]store.StatsPoint, error)
	SiteUptime(ctx context.Context, owner, siteID int64, windows []monitor.Period) ([]monitor.UptimeFigures, error)
	Incidents(ctx context.Context, owner, siteID int64, q store.HistoryQuery) ([]monitor.Incident, error)
	Site(ctx context.Context, owner, id int64) (monitor.Site, error)
	ListSites(ctx context.Context, owner int64, filter store.SiteFilter) ([]monitor.Site, error)
	History(ctx context.Context, owner, siteID int64, q store.HistoryQuery) ([]monitor.Check, error)
	Events(ctx context.Context, owner, siteID int64, q store.HistoryQuery) ([]monitor.Event, error)
	ListWebhooks(ctx context.Context, owner int64) ([]monitor.Webhook, error)
	ListNotifications(ctx context.Context, owner int64, q store.NotificationQuery) ([]monitor.Notification, error)
	ListMaintenance(ctx context.Context, owner int64) ([]monitor.Maintenance, error)
	// What sign-in, the account page and the alerts page's forms use (signin.go, account.go,
	// alerts_forms.go).
	accountStore
	channelStore
	// For the maintenance page and its forms (maintenance_forms.go).
	maintenanceStore
	// For the site forms and actions.
	ListChannels(ctx context.Context, owner int64) ([]monitor.Channel, error)
	DeleteSite(ctx context.Context, owner, id int64) error
}

// Deps are the dashboard's dependencies, built by main.
type Deps struct {
	Store Store
	// API answers every request that is not a page: the JSON API, and GET / when the client
	// does not ask for HTML.
	API http.Handler
	Now func() time.Time
	Log *slog.Logger
	// AuthOff says Tocsin runs single-user without sign-in (TOCSIN_AUTH=off): pages act as
	// the first admin, and the API's state-changing routes are guarded against cross-site
	// requests, as the pages' forms are.
	AuthOff bool
	Version string
	// Sites adds, changes and checks sites by the API's rules, for the forms.
	Sites *siteops.Sites
	// Stopping is closed when the server shuts down: live update streams, which never end on
	// their own, end then. Nil: they end only when their client goes.
	Stopping <-chan struct{}
	// LivePoll is how often a live update stream asks the store for changes (default 2 s).
	LivePoll time.Duration
	// Public serves the status pages and badges; without it they are not found.
	Public Public
	// Accounts applies the rules of sign-in, sign-up, passwords and API keys: the API's.
	Accounts *accounts.Service
	// Channels are the drivers of every channel type, for the alerts page's forms.
	Channels channel.Registry
	// PublicOrigin is TOCSIN_PUBLIC_URL's origin: https marks the sign-in cookie Secure, and
	// forms posted from it are trusted besides the page's own host.
	PublicOrigin string
	// ClientAddr finds a request's client behind the trusted proxies, for the login limit;
	// nil: the peer.
	ClientAddr func(*http.Request) string
}

// Handler serves the pages and assets and hands everything else to the API.
type Handler struct {
	store   Store
	api     http.Handler
	now     func() time.Time
	log     *slog.Logger
	authOff bool
	version string
	sites   *siteops.Sites
	// Live updates.
	stopping <-chan struct{}
	livePoll time.Duration
	digests  digests
	assets   *assets
	pages    *pages
	signin   signin
	// channels are the drivers of every channel type, for the alerts page's forms.
	channels channel.Registry
	// web serves the pages and assets, logged and shielded from panics; the API does both
	// for itself.
	web http.Handler
	mux *http.ServeMux
	// public serves status pages and badges, logged with badge tokens masked.
	public http.Handler
	// statusPages lists the viewer's status pages; nil hides their dashboard page.
	statusPages StatusPageLister
	// pageEdits adds, changes and deletes status pages for the forms; nil offers none.
	pageEdits *pageops.Pages
}

// New builds the dashboard. The assets' content hashes are computed and the templates parsed
// here, once; a template that does not parse is a bug, so New panics on it (a test runs New).
func New(d Deps) http.Handler {
	h := &Handler{store: d.Store, api: d.API, now: d.Now, log: d.Log, authOff: d.AuthOff, version: d.Version, sites: d.Sites}
	h.stopping, h.livePoll = d.Stopping, d.LivePoll
	if h.livePoll <= 0 {
		h.livePoll = defaultLivePoll
	}
	h.assets = mustLoadAssets()
	h.pages = mustParsePages(h.assets)
	h.signin, h.channels = newSignin(d), d.Channels
	mux := http.NewServeMux()
	h.signinRoutes(mux)
	mux.Handle("GET /{$}", h.page(h.overview))
	mux.Handle("GET /app/sites/{id}", h.page(h.sitePage))
	mux.Handle("GET /app/alerts", h.page(h.alertsPage))
	h.registerSiteActions(mux)
	h.maintenanceRoutes(mux)
	mux.Handle("GET /app/live", h.page(h.live))
	mux.Handle("GET /app/status-pages", h.page(h.statusPagesPage))
	h.statusPageFormRoutes(mux)
	mux.Handle("GET /app/assets/{name...}", h.assets)
	mux.Handle("/app/", h.page(h.notFoundOrNotAllowed(mux)))
	h.web = h.recoverPanics(h.logRequests(h.signin.crossOrigin.Handler(mux)))
	if h.authOff {
		// Without sign-in, any page another site shows could make the browser call the API.
		h.api = h.signin.apiCrossOrigin.Handler(h.api)
	}
	h.public = h.recoverPanics(newPublicHandler(d.Public, h.assets, d.Now, d.Log))
	h.statusPages, h.pageEdits = d.Public.Manage, d.Public.Edit
	return http.HandlerFunc(h.route)
}

// route sends /app/… to the pages, GET / to the overview when a browser asks for HTML, and the
// rest to the API. Both answers of / vary with Accept, which caches must know.
func (h *Handler) route(w http.ResponseWriter, r *http.Request) {
	switch {
	case isPublic(r.URL.Path):
		h.public.ServeHTTP(w, r)
	case strings.HasPrefix(r.URL.Path, "/app/"):
		h.web.ServeHTTP(w, r)
	case r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		w.Header().Add("Vary", "Accept")
		if wantsHTML(r.Header.Values("Accept")) {
			h.web.ServeHTTP(w, r)
			return
		}
		h.api.ServeHTTP(w, r)
	default:
		h.api.ServeHTTP(w, r)
	}
}

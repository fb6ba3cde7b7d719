// Package api serves Tocsin's REST API: JSON in, JSON out, one error shape, never a stack trace.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/tocsin/tocsin/internal/accounts"
	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/pageops"
	"github.com/tocsin/tocsin/internal/siteops"
	"github.com/tocsin/tocsin/internal/statuspage"
	"github.com/tocsin/tocsin/internal/store"
)

// Checker runs a check of a site now and records it; the scheduler is one. Once it is shutting
// down it returns an error wrapping context.Canceled.
type Checker interface {
	CheckNow(ctx context.Context, site monitor.Site) (store.Recorded, error)
}

// Handler holds what the API's handlers depend on.
type Handler struct {
	store   store.Store
	checker Checker
	now     func() time.Time
	log     *slog.Logger
	limits  monitor.Limits
	version string
	discord DiscordClient
	// discordHosts are the hosts webhook URLs may point at; empty means Discord's own.
	discordHosts []string
	// channels are the drivers of the channel types /channels takes.
	channels channel.Registry
	auth     Auth
	// trustedProxies are the peers whose X-Forwarded-For is believed.
	trustedProxies []netip.Prefix
	// accounts holds the rules of sign-up, login, passwords and API keys.
	accounts *accounts.Service
	onAlert  func()
	// sitesChanged wakes the scheduler; never nil.
	sitesChanged func()
	observe      Observer
	ready        func() error
	pings        PingBuffer
	// statusPages serves status pages' public data and forgets a page when it changes.
	statusPages StatusPages
	// pages adds, changes and deletes status pages by the rules the dashboard's forms follow too.
	pages *pageops.Pages

	firstCheckWait time.Duration
	// sites adds and changes sites by the rules the dashboard's forms follow too.
	sites *siteops.Sites
}

// Auth is how requests are authenticated.
type Auth struct {
	// Off runs single-user without tokens: every request acts as the first admin (or, before
	// any account exists, as the owner of everything).
	Off bool
	// SignupOpen lets anyone sign up; otherwise only the very first account can.
	SignupOpen bool
	Tokens     *auth.Tokens
	// Attempts limits logins and sign-ups per client address and per user name.
	Attempts *auth.AttemptLimiter
	// TargetCheck refuses site URLs that may never be checked (cloud metadata addresses); nil
	// allows all.
	TargetCheck func(rawURL string) error
}

// Deps are the Handler's dependencies, built by main.
type Deps struct {
	Store   store.Store
	Checker Checker
	Now     func() time.Time
	Log     *slog.Logger
	Limits  monitor.Limits
	Version string
	Discord DiscordClient
	// DiscordHosts replaces Discord's hosts for webhook URLs (tests point it at a stand-in).
	DiscordHosts []string
	// Channels are the drivers of every channel type (notify/channels); nil serves the
	// discord type only, through Discord and DiscordHosts.
	Channels channel.Registry
	Auth     Auth
	// Accounts applies the account rules; main shares one with the dashboard, so both go
	// through one limiter. Nil: the API builds its own from Auth.
	Accounts *accounts.Service
	// OnAlert, if set, is called when a request queued an alert (a push site's recovery), so the
	// dispatcher sends it at once.
	OnAlert func()
	// OnSitesChanged, if set, is called when sites were added or changed, so the scheduler
	// looks for due sites at once instead of at its next poll.
	OnSitesChanged func()
	// FirstCheckWait bounds how long POST /sites waits for a new site's first check (default 30s).
	FirstCheckWait time.Duration
	// TrustedProxies are the reverse proxies in front of Tocsin: only from them is
	// X-Forwarded-For believed, to find the client's address (for the login limit and the
	// request log). Empty: the peer is the client.
	TrustedProxies []netip.Prefix
	// Observer, if set, is told of every request answered (for metrics).
	Observer Observer
	// Metrics, if set, is served at GET /metrics: to anyone when MetricsPublic, otherwise to
	// admins (a session token or an API key).
	Metrics       http.Handler
	MetricsPublic bool
	// Ready, if set, says whether check results are being written: /readyz fails while it
	// returns an error (the scheduler's writer cannot write), even if the database answers
	// a ping.
	Ready func() error
	// Pings, if set, keeps push pings that arrive while the database is away, to be written
	// when it is back; the ping is answered 202.
	Pings PingBuffer
	// StatusPages serves the public data of status pages, shared with the dashboard's HTML
	// form; nil builds one over Store.
	StatusPages StatusPages
}

// PingBuffer keeps a push site's heartbeat while the database is away; the scheduler is one.
// It reports false when it cannot keep it (its buffer is full, or it is shutting down).
type PingBuffer interface {
	BufferPing(token string, at time.Time) bool
}

// New returns the API as one http.Handler.
func New(d Deps) http.Handler {
	h := &Handler{store: d.Store, checker: d.Checker, now: d.Now, log: d.Log, limits: d.Limits, version: d.Version,
		discord: d.Discord, discordHosts: d.DiscordHosts, auth: d.Auth, accounts: d.Accounts, onAlert: d.OnAlert,
		firstCheckWait: d.FirstCheckWait, trustedProxies: d.TrustedProxies, channels: d.Channels, observe: d.Observer,
		ready: d.Ready, pings: d.Pings}
	if h.channels == nil {
		h.channels = discordOnly{&discord.Driver{Client: d.Discord, Hosts: d.DiscordHosts}}
	}
	if h.statusPages = d.StatusPages; h.statusPages == nil {
		h.statusPages = statuspage.New(d.Store, statuspage.EventUptime{Events: d.Store}, d.Now, 0)
	}
	h.pages = &pageops.Pages{Store: d.Store, Cache: h.statusPages}
	if h.observe == nil {
		h.observe = nopObserver{}
	}
	if h.sitesChanged = d.OnSitesChanged; h.sitesChanged == nil {
		h.sitesChanged = func() {}
	}
	if h.firstCheckWait <= 0 {
		h.firstCheckWait = 30 * time.Second
	}
	h.sites = &siteops.Sites{Store: d.Store, Checker: d.Checker, Now: d.Now, Log: d.Log, Limits: d.Limits,
		TargetCheck: d.Auth.TargetCheck, FirstCheckWait: h.firstCheckWait, Rescheduled: d.OnSitesChanged}
	if h.auth.Attempts == nil {
		h.auth.Attempts = auth.NewAttemptLimiter(10, 15*time.Minute, d.Now)
	}
	if h.accounts == nil {
		h.accounts = accounts.New(d.Store, h.auth.Attempts, h.auth.SignupOpen, d.Now, d.Log)
	}
	mux := http.NewServeMux()
	routes := h.routes()
	for _, rt := range routes {
		mux.Handle(rt.Method+" "+rt.Path, h.serve(rt))
	}
	for pattern, allowed := range shadowedMethods(routes) {
		mux.Handle(pattern, h.methodNotAllowed(allowed))
	}
	if d.Metrics != nil {
		mux.Handle("GET /metrics", h.metricsRoute(d.Metrics, d.MetricsPublic))
	}
	return h.recoverPanics(h.logRequests(h.jsonMuxErrors(mux)))
}

func (h *Handler) root(w http.ResponseWriter, r *http.Request) error {
	return reply(w, http.StatusOK, rootView{Name: "tocsin", Version: h.version, Sites: "/sites", OpenAPI: "/openapi.json"})
}

type rootView struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Sites   string `json:"sites"`
	OpenAPI string `json:"openapi"`
}

type healthView struct {
	Status   string `json:"status"`
	Database string `json:"database,omitempty"`
}

func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) error {
	return reply(w, http.StatusOK, healthView{Status: "ok"})
}

func (h *Handler) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		h.log.Warn("readiness check failed", "err", err)
		w.Header().Set("Retry-After", retryAfterSeconds)
		return &Error{Status: http.StatusServiceUnavailable, Code: "database_unavailable", Message: "the database is not reachable"}
	}
	if h.ready != nil {
		if err := h.ready(); err != nil {
			w.Header().Set("Retry-After", retryAfterSeconds)
			return &Error{Status: http.StatusServiceUnavailable, Code: "database_unavailable",
				Message: "check results cannot be written to the database: " + err.Error()}
		}
	}
	return reply(w, http.StatusOK, healthView{Status: "ok", Database: "ok"})
}

// discordOnly is the registry of an API built without one: Discord webhooks only.
type discordOnly struct{ driver *discord.Driver }

func (d discordOnly) Driver(t monitor.ChannelType) (channel.Driver, bool) {
	if t != monitor.ChannelDiscord {
		return nil, false
	}
	return d.driver, true
}

// Package api serves Tocsin's REST API: JSON in, JSON out, one error shape, never a stack trace.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/notify/discord"
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
	// hashing bounds the password hashes computed at once: each takes 19 MiB.
	hashing chan struct{}
	onAlert func()
	// sitesChanged wakes the scheduler; never nil.
	sitesChanged func()
	observe      Observer

	firstCheckWait time.Duration
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
}

// New returns the API as one http.Handler.
func New(d Deps) http.Handler {
	h := &Handler{store: d.Store, checker: d.Checker, now: d.Now, log: d.Log, limits: d.Limits, version: d.Version,
		discord: d.Discord, discordHosts: d.DiscordHosts, auth: d.Auth, hashing: make(chan struct{}, 2), onAlert: d.OnAlert,
		firstCheckWait: d.FirstCheckWait, trustedProxies: d.TrustedProxies, channels: d.Channels, observe: d.Observer}
	if h.channels == nil {
		h.channels = discordOnly{&discord.Driver{Client: d.Discord, Hosts: d.DiscordHosts}}
	}
	if h.observe == nil {
		h.observe = nopObserver{}
	}
	if h.sitesChanged = d.OnSitesChanged; h.sitesChanged == nil {
		h.sitesChanged = func() {}
	}
	if h.firstCheckWait <= 0 {
		h.firstCheckWait = 30 * time.Second
	}
	if h.auth.Attempts == nil {
		h.auth.Attempts = auth.NewAttemptLimiter(10, 15*time.Minute, d.Now)
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
		return &Error{Status: http.StatusServiceUnavailable, Code: "database_unavailable", Message: "the database is not reachable"}
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

// Package api serves Tocsin's REST API: JSON in, JSON out, one error shape, never a stack trace.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
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

	firstCheckWait time.Duration
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
	// FirstCheckWait bounds how long POST /sites waits for a new site's first check (default 30s).
	FirstCheckWait time.Duration
}

// New returns the API as one http.Handler.
func New(d Deps) http.Handler {
	h := &Handler{store: d.Store, checker: d.Checker, now: d.Now, log: d.Log, limits: d.Limits, version: d.Version,
		discord: d.Discord, discordHosts: d.DiscordHosts, firstCheckWait: d.FirstCheckWait}
	if h.firstCheckWait <= 0 {
		h.firstCheckWait = 30 * time.Second
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.root)
	mux.HandleFunc("GET /healthz", h.healthz)
	mux.HandleFunc("GET /readyz", h.readyz)

	mux.HandleFunc("POST /sites", h.createSite)
	mux.HandleFunc("GET /sites", h.listSites)
	mux.HandleFunc("GET /sites/{id}", h.getSite)
	mux.HandleFunc("PATCH /sites/{id}", h.updateSite)
	mux.HandleFunc("DELETE /sites/{id}", h.deleteSite)
	mux.HandleFunc("POST /sites/{id}/check", h.checkSite)
	mux.HandleFunc("GET /sites/{id}/history", h.siteHistory)
	mux.HandleFunc("GET /sites/{id}/events", h.siteEvents)

	mux.HandleFunc("POST /webhook", h.setDefaultWebhook)
	mux.HandleFunc("GET /webhook", h.getDefaultWebhook)
	mux.HandleFunc("DELETE /webhook", h.deleteDefaultWebhook)
	mux.HandleFunc("POST /webhook/test", h.testDefaultWebhook)
	mux.HandleFunc("POST /webhooks", h.createWebhook)
	mux.HandleFunc("GET /webhooks", h.listWebhooks)
	mux.HandleFunc("GET /webhooks/{id}", h.getWebhook)
	mux.HandleFunc("DELETE /webhooks/{id}", h.deleteWebhook)
	mux.HandleFunc("POST /webhooks/{id}/test", h.testWebhook)
	mux.HandleFunc("GET /notifications", h.listNotifications)

	return h.recoverPanics(h.logRequests(h.jsonMuxErrors(mux)))
}

// owner is whose data a request may touch. Until accounts exist, everything belongs to owner 0.
func owner(*http.Request) int64 { return 0 }

func (h *Handler) root(w http.ResponseWriter, r *http.Request) {
	h.ok(w, http.StatusOK, map[string]string{"name": "tocsin", "version": h.version, "sites": "/sites"})
}

func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	h.ok(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (h *Handler) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		h.log.Warn("readiness check failed", "err", err)
		h.fail(w, r, &Error{Status: http.StatusServiceUnavailable, Code: "database_unavailable", Message: "the database is not reachable"})
		return
	}
	h.ok(w, http.StatusOK, map[string]string{"status": "ok", "database": "ok"})
}

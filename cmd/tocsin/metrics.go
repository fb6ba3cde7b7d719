package main

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/tocsin/tocsin/internal/api"
	"github.com/tocsin/tocsin/internal/config"
	"github.com/tocsin/tocsin/internal/metrics"
	"github.com/tocsin/tocsin/internal/notify"
	"github.com/tocsin/tocsin/internal/scheduler"
)

// observers are what the scheduler, the dispatcher and the API report to, and the handler of
// GET /metrics: all nil (nothing observed, no route) when metrics are off.
type observers struct {
	scheduler scheduler.Observer
	notify    notify.Observer
	api       api.Observer
	handler   http.Handler
}

func newObservers(cfg config.Config, st metrics.Store, log *slog.Logger) observers {
	switch cfg.Metrics {
	case "off":
		return observers{}
	case "on":
		log.Warn("METRICS ARE PUBLIC (TOCSIN_METRICS=on): anyone who can reach " + cfg.Addr +
			" reads /metrics, site names included. Use TOCSIN_METRICS=token to ask for an admin's token.")
	}
	m := metrics.New(st, time.Now, buildVersion(), log.With("component", "metrics"))
	return observers{scheduler: m, notify: m, api: m, handler: m.Handler()}
}

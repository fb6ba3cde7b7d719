package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tocsin/tocsin/internal/accounts"
	"github.com/tocsin/tocsin/internal/api"
	"github.com/tocsin/tocsin/internal/config"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/notify"
	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/notify/telegram"
	"github.com/tocsin/tocsin/internal/pageops"
	"github.com/tocsin/tocsin/internal/probe"
	"github.com/tocsin/tocsin/internal/retention"
	"github.com/tocsin/tocsin/internal/scheduler"
	"github.com/tocsin/tocsin/internal/siteops"
	"github.com/tocsin/tocsin/internal/statuspage"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/postgres"
	"github.com/tocsin/tocsin/internal/store/sqlite"
	"github.com/tocsin/tocsin/internal/web"
)

// settingsHelp prints the usage of a command that takes the settings as flags.
func settingsHelp(name, what string) func(io.Writer) {
	return func(w io.Writer) {
		fmt.Fprintf(w, "Usage: tocsin %s [flags]\n\n%s Every flag can also be set with the environment variable in brackets.\n\n%s",
			name, what, config.Usage())
	}
}

func loadConfig(name string, args []string, env map[string]string, stdout, stderr io.Writer) (config.Config, int, bool) {
	cfg, err := config.Load(args, env)
	if errors.Is(err, flag.ErrHelp) {
		c, _ := findCommand(name)
		c.help(stdout)
		return cfg, 0, false
	}
	if err != nil {
		fmt.Fprintf(stderr, "tocsin %s: invalid settings:\n%v\n", name, err)
		return cfg, 2, false
	}
	return cfg, 0, true
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// migrator is a store that can bring its schema up to date.
type migrator interface {
	store.Store
	Migrate(ctx context.Context, log *slog.Logger) error
}

// maintainer is a store that keeps its own tables in shape while Tocsin runs (PostgreSQL
// without autovacuum).
type maintainer interface {
	Maintain(ctx context.Context, log *slog.Logger)
}

// openStore opens the configured database and applies pending migrations.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (store.Store, error) {
	db, err := config.ParseDatabase(cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	var st migrator
	switch db.Kind {
	case "postgres":
		log.Info("using PostgreSQL", "server", safeLocation(db.URL))
		st, err = postgres.Open(ctx, db.URL)
	default:
		log.Info("using SQLite", "path", db.Path)
		st, err = sqlite.Open(db.Path)
	}
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx, log); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// safeLocation names a database server without its credentials, for logs.
func safeLocation(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Host + u.Path
}

func migrate(args []string, env map[string]string, stdout, stderr io.Writer) int {
	cfg, code, ok := loadConfig("migrate", args, env, stdout, stderr)
	if !ok {
		return code
	}
	log := newLogger(cfg, stderr)
	st, err := openStore(context.Background(), cfg, log)
	if err != nil {
		log.Error("migration failed", "err", err)
		return 1
	}
	st.Close()
	log.Info("database is up to date")
	return 0
}

func serve(args []string, env map[string]string, stdout, stderr io.Writer) int {
	cfg, code, ok := loadConfig("serve", args, env, stdout, stderr)
	if !ok {
		return code
	}
	log := newLogger(cfg, stderr)
	if err := checkOpenFileLimit(cfg.MaxConcurrentChecks); err != nil {
		log.Error("cannot start", "err", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		log.Error("cannot listen", "addr", cfg.Addr, "err", err)
		return 1
	}
	if err := runService(ctx, cfg, ln, log); err != nil {
		log.Error("tocsin stopped", "err", err)
		return 1
	}
	return 0
}

// runService serves the API on ln and runs the scheduler until ctx is cancelled, then shuts
// down in order: stop taking requests, finish (or abandon) running checks, close the database.
func runService(ctx context.Context, cfg config.Config, ln net.Listener, log *slog.Logger) error {
	defer ln.Close()
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()

	if m, ok := st.(maintainer); ok {
		go m.Maintain(ctx, log.With("component", "vacuum"))
	}
	worker := instanceID(cfg, ln.Addr())
	if err := st.ReleaseClaims(ctx, worker); err != nil {
		return err
	}
	guard := netguard.Policy{BlockPrivate: cfg.BlockPrivateTargets}
	authn, err := buildAuth(ctx, cfg, st, guard, log)
	if err != nil {
		return err
	}
	// Status pages are cached briefly; every write that changes a site's status (the
	// scheduler's, a push ping's, an edit) goes through watched, which drops the pages that
	// show it.
	uptime := statuspage.EventUptime{Events: st}
	pages := statuspage.New(st, uptime, time.Now, 0)
	watched := statuspage.Watch(st, pages)
	obs := newObservers(cfg, st, log)
	drivers := channels.New(channels.Config{Policy: guard, UserAgent: userAgent(), DiscordHosts: cfg.DiscordHosts(),
		SlackHosts: cfg.SlackHosts(), TelegramAPIURL: cfg.TelegramAPIURL})
	dispatcher := notify.New(st, drivers, time.Now, log.With("component", "notify"), notify.Config{
		Worker: worker, GiveUpAfter: cfg.AlertGiveUpAfter, Observer: obs.notify,
	})
	checker := probe.NewChecker(userAgent(), guard)
	canaries, err := canaryTargets(cfg)
	if err != nil {
		return err
	}
	// A claim looks ahead a quarter of the shortest interval at most: a claimed check runs even
	// if its site is paused or edited meanwhile, so a site checked every second must not have
	// its next two slots queued already.
	lookAhead := min(2*time.Second, time.Duration(cfg.MinIntervalSeconds)*time.Second/4)
	sched := scheduler.New(watched, checker.Check, time.Now, log.With("component", "scheduler"), scheduler.Config{
		LookAhead:     lookAhead,
		PollInterval:  lookAhead / 4,
		Worker:        worker,
		MaxConcurrent: cfg.MaxConcurrentChecks,
		OutageBuffer:  cfg.OutageBuffer,
		DrainTimeout:  cfg.ShutdownTimeout,
		OnAlert:       dispatcher.Wake,
		Observer:      obs.scheduler,
		Canaries:      canaries,
	})
	proxies, err := cfg.Proxies()
	if err != nil {
		return err
	}
	publicOrigin, err := cfg.PublicOrigin()
	if err != nil {
		return err
	}
	// One set of account rules, and one login limiter, for the API and the dashboard.
	accts := accounts.New(st, authn.Attempts, authn.SignupOpen, time.Now, log.With("component", "accounts"))
	handler := api.New(api.Deps{
		Accounts: accts,
		Store:    watched, StatusPages: pages, Checker: sched, Now: time.Now, Log: log.With("component", "api"),
		Limits: monitor.Limits{MinIntervalSeconds: cfg.MinIntervalSeconds}, Version: buildVersion(),
		Discord: drivers.Discord(), DiscordHosts: cfg.DiscordHosts(), Channels: drivers, Auth: authn, OnAlert: dispatcher.Wake,
		OnSitesChanged: sched.Wake,
		TrustedProxies: proxies, Observer: obs.api, Metrics: obs.handler, MetricsPublic: cfg.Metrics == "on",
		Ready: sched.Ready, Pings: sched,
	})
	if proxies != nil {
		log.Info("client addresses are read from X-Forwarded-For behind trusted proxies", "proxies", proxies)
	}
	// One server: the dashboard's pages and assets, and the API for everything else.
	webLog := log.With("component", "web")
	// The forms add and change sites by the rules the API follows (siteops), through watched
	// like the API, so an edit or a deletion in the dashboard drops the status pages showing it.
	sites := &siteops.Sites{Store: watched, Checker: sched, Now: time.Now, Log: webLog,
		Limits: monitor.Limits{MinIntervalSeconds: cfg.MinIntervalSeconds}, TargetCheck: authn.TargetCheck, Rescheduled: sched.Wake}
	// Live update streams never end on their own: they end when shutdown begins.
	stopping := make(chan struct{})
	handler = web.New(web.Deps{Store: watched, API: handler, Now: time.Now, Log: webLog,
		AuthOff: authn.Off, Version: buildVersion(), Public: web.Public{Pages: pages, Uptime: uptime, Badges: st, Manage: st,
			Edit: &pageops.Pages{Store: st, Cache: pages}},
		Sites: sites, Stopping: stopping,
		Accounts: accts, Channels: drivers, PublicOrigin: publicOrigin, ClientAddr: api.ClientAddr(proxies)})
	if hosts := cfg.DiscordHosts(); hosts != nil {
		log.Warn("webhook URLs may point at hosts other than Discord's", "hosts", hosts)
	}
	if hosts := cfg.SlackHosts(); hosts != nil {
		log.Warn("Slack webhook URLs may point at hosts other than Slack's", "hosts", hosts)
	}
	if cfg.TelegramAPIURL != telegram.DefaultAPIURL {
		log.Warn("Telegram's Bot API is reached somewhere else than Telegram", "url", cfg.TelegramAPIURL)
	}

	if cfg.PprofAddr != "" {
		stopProfiler, err := startProfiler(cfg.PprofAddr, log)
		if err != nil {
			return err
		}
		defer stopProfiler()
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      time.Duration(monitor.MaxTimeoutSeconds)*time.Second + time.Minute, // a manual check may take its whole timeout
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(func() { close(stopping) })
	schedCtx, stopScheduler := context.WithCancel(context.Background())
	schedDone := make(chan struct{})
	go func() {
		defer close(schedDone)
		sched.Run(schedCtx)
	}()
	pruner := retention.New(st, time.Now, log.With("component", "retention"), retention.Config{
		Checks: cfg.RetainChecks, Hourly: cfg.RetainHourly, Daily: cfg.RetainDaily,
	})
	pruneCtx, stopPruner := context.WithCancel(context.Background())
	pruneDone := make(chan struct{})
	go func() {
		defer close(pruneDone)
		pruner.Run(pruneCtx)
	}()
	notifyCtx, stopDispatcher := context.WithCancel(context.Background())
	notifyDone := make(chan struct{})
	go func() {
		defer close(notifyDone)
		dispatcher.Run(notifyCtx)
	}()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("tocsin is running", "version", buildVersion(), "addr", "http://"+ln.Addr().String())

	select {
	case <-ctx.Done():
		log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	case err = <-serveErr:
		log.Error("HTTP server failed", "err", err)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("HTTP requests still open at shutdown were cut", "err", err)
	}
	stopScheduler()
	<-schedDone
	stopPruner()
	<-pruneDone
	stopDispatcher() // what it had not sent stays in the outbox for the next start
	<-notifyDone
	// Sites claimed ahead of their time but not yet started, and webhooks leased, are free for
	// another process (or this one's next start, under whatever name) at once, not after
	// their leases run out.
	releaseCtx, cancelRelease := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelRelease()
	if err := st.ReleaseClaims(releaseCtx, worker); err != nil {
		log.Warn("leases not released at shutdown: they end on their own", "err", err)
	}
	log.Info("stopped")
	return err
}

// instanceID names this process in leases: the host name and the port it listens on, unless
// set. A process restarted after a crash gets the same name, so it finds and frees the leases
// its previous run left; two processes on one host cannot share a port, so they never share a
// name.
func instanceID(cfg config.Config, listening net.Addr) string {
	if cfg.InstanceID != "" {
		return cfg.InstanceID
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "tocsin"
	}
	if tcp, ok := listening.(*net.TCPAddr); ok {
		return fmt.Sprintf("%s:%d", host, tcp.Port)
	}
	return host
}

// canaryTargets are the checks that tell whether Tocsin's own network is down.
func canaryTargets(cfg config.Config) ([]monitor.Target, error) {
	list, err := cfg.CanaryList()
	if err != nil {
		return nil, err
	}
	targets := make([]monitor.Target, len(list))
	for i, c := range list {
		targets[i] = scheduler.CanaryTarget(c.URL, c.TCP)
	}
	return targets, nil
}

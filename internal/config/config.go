// Package config reads Tocsin's settings from TOCSIN_* environment variables and matching
// command-line flags (a flag wins over its variable), and validates them once at start.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Config is every setting. Each field names its variable, its flag and its default; the README's
// settings table lists the same (a test keeps the two in step). The fields without a flag are
// the older setup's names (DB_*, SECRET_KEY), read from its users' .env files: see compat.go.
type Config struct {
	Addr                string        `env:"TOCSIN_ADDR" envDefault:"127.0.0.1:8080" flag:"addr" help:"address the HTTP API listens on"`
	EnvFile             string        `env:"TOCSIN_ENV_FILE" flag:"env-file" help:"file of NAME=value lines read at start; variables already set win (default: .env in the working directory, if there is one)"`
	DatabaseURL         string        `env:"DATABASE_URL" flag:"database-url" help:"empty: SQLite file tocsin.db; sqlite:PATH; or postgres://user:pass@host/db"`
	DBName              string        `env:"DB_NAME" flag:"-"`
	DBUser              string        `env:"DB_USER" flag:"-"`
	DBPassword          string        `env:"DB_PASSWORD" flag:"-"`
	DBHost              string        `env:"DB_HOST" flag:"-"`
	DBPort              string        `env:"DB_PORT" flag:"-"`
	MaxConcurrentChecks int           `env:"TOCSIN_MAX_CONCURRENT_CHECKS" envDefault:"500" flag:"max-concurrent-checks" help:"checks running at once"`
	OutageBuffer        int           `env:"TOCSIN_OUTAGE_BUFFER" envDefault:"50000" flag:"outage-buffer" help:"check results and push pings kept in memory while the database is away; past it the oldest are dropped"`
	MinIntervalSeconds  int           `env:"TOCSIN_MIN_INTERVAL_SECONDS" envDefault:"10" flag:"min-interval-seconds" help:"smallest check_interval_seconds the API accepts"`
	LogFormat           string        `env:"TOCSIN_LOG_FORMAT" envDefault:"text" flag:"log-format" help:"text or json"`
	LogLevel            string        `env:"TOCSIN_LOG_LEVEL" envDefault:"info" flag:"log-level" help:"debug, info, warn or error"`
	ShutdownTimeout     time.Duration `env:"TOCSIN_SHUTDOWN_TIMEOUT" envDefault:"10s" flag:"shutdown-timeout" help:"how long shutdown waits for requests and running checks"`
	InstanceID          string        `env:"TOCSIN_INSTANCE_ID" flag:"instance-id" help:"names this process in leases (default: host name and listening port)"`
	DiscordAllowedHosts string        `env:"TOCSIN_DISCORD_ALLOWED_HOSTS" flag:"discord-allowed-hosts" help:"comma-separated host[:port] list that replaces Discord's hosts for webhook URLs; http:// only for loopback hosts named here"`
	SlackAllowedHosts   string        `env:"TOCSIN_SLACK_ALLOWED_HOSTS" flag:"slack-allowed-hosts" help:"comma-separated host[:port] list that replaces Slack's hosts for incoming webhook URLs; http:// only for loopback hosts named here"`
	TelegramAPIURL      string        `env:"TOCSIN_TELEGRAM_API_URL" envDefault:"https://api.telegram.org" flag:"telegram-api-url" help:"where Telegram's Bot API is reached; http:// only on loopback"`
	AlertGiveUpAfter    time.Duration `env:"TOCSIN_ALERT_GIVE_UP_AFTER" envDefault:"24h" flag:"alert-give-up-after" help:"an alert Discord has not taken after this long is given up"`
	Auth                string        `env:"TOCSIN_AUTH" envDefault:"on" flag:"auth" help:"on: every route but health, auth and the API document needs a token; off: single user, no tokens, for a trusted machine"`
	Signup              string        `env:"TOCSIN_SIGNUP" envDefault:"closed" flag:"signup" help:"closed: only the first account signs up, admins create the rest; open: anyone may sign up"`
	JWTSecret           string        `env:"TOCSIN_JWT_SECRET" flag:"jwt-secret" help:"signs session tokens, at least 32 bytes (default: a random secret kept in the database)"`
	SecretKey           string        `env:"SECRET_KEY" flag:"-"`
	JWTTTL              time.Duration `env:"TOCSIN_JWT_TTL" envDefault:"24h" flag:"jwt-ttl" help:"how long a session token lasts"`
	BlockPrivateTargets bool          `env:"TOCSIN_BLOCK_PRIVATE_TARGETS" envDefault:"false" flag:"block-private-targets" help:"also refuse checks and webhooks to loopback and private addresses (cloud metadata addresses are always refused)"`
	TrustedProxies      string        `env:"TOCSIN_TRUSTED_PROXIES" flag:"trusted-proxies" help:"comma-separated CIDRs (or addresses) of the reverse proxies in front of Tocsin; only from them is X-Forwarded-For believed"`
	Metrics             string        `env:"TOCSIN_METRICS" envDefault:"off" flag:"metrics" help:"Prometheus metrics at /metrics: off; on, for anyone who can reach Tocsin; or token, for an admin's session token or API key"`
	RetainChecks        time.Duration `env:"TOCSIN_RETAIN_CHECKS" envDefault:"720h" flag:"retain-checks" help:"how long raw checks are kept; 0 keeps them for ever (uptime, incidents and rollups outlive them)"`
	RetainHourly        time.Duration `env:"TOCSIN_RETAIN_HOURLY" envDefault:"2160h" flag:"retain-hourly" help:"how long hourly rollups are kept; 0 keeps them for ever"`
	RetainDaily         time.Duration `env:"TOCSIN_RETAIN_DAILY" envDefault:"17520h" flag:"retain-daily" help:"how long daily rollups are kept; 0 keeps them for ever"`
	PublicURL           string        `env:"TOCSIN_PUBLIC_URL" flag:"public-url" help:"the address people open Tocsin at, e.g. https://tocsin.example.com: an https one marks the dashboard's sign-in cookie Secure, and the origin is trusted for the dashboard's forms (default: none)"`
	PprofAddr           string        `env:"TOCSIN_PPROF_ADDR" flag:"pprof-addr" help:"loopback address (e.g. 127.0.0.1:6060) serving Go's profiler at /debug/pprof/, for performance work (default: off)"`
	Canaries            string        `env:"TOCSIN_CANARIES" flag:"canaries" help:"comma-separated http(s) URLs or host:port that should always answer; when they fail along with the sites, Tocsin holds the sites' alerts as its own network is down (default: none)"`
}

// Proxies lists the trusted reverse proxies' networks; nil when there are none. A bare address
// is a network of one.
func (c Config) Proxies() ([]netip.Prefix, error) {
	var nets []netip.Prefix
	for _, item := range strings.Split(c.TrustedProxies, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			addr, aerr := netip.ParseAddr(item)
			if aerr != nil {
				return nil, fmt.Errorf("%q is not a CIDR like 10.0.0.0/8 or an address", item)
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		nets = append(nets, p.Masked())
	}
	return nets, nil
}

// DiscordHosts lists the hosts webhook URLs may point at; nil means Discord's own.
func (c Config) DiscordHosts() []string { return hostList(c.DiscordAllowedHosts) }

// SlackHosts lists the hosts Slack webhook URLs may point at; nil means Slack's own.
func (c Config) SlackHosts() []string { return hostList(c.SlackAllowedHosts) }

func hostList(setting string) []string {
	var hosts []string
	for _, h := range strings.Split(setting, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, strings.ToLower(h))
		}
	}
	return hosts
}

// Load reads the environment, an .env file (see EnvFile) under it, then the flags in args, and
// validates the result. The error says which setting is wrong.
func Load(args []string, environ map[string]string) (Config, error) {
	first, err := parse(args, environ) // only to find the .env file
	if err != nil {
		return Config{}, err
	}
	fromFile, err := readEnvFile(first.EnvFile)
	if err != nil {
		return Config{}, err
	}
	c, err := parse(args, underlay(environ, fromFile))
	if err != nil {
		return Config{}, err
	}
	return c, errors.Join(c.useCompatSettings(), c.Validate())
}

// parse reads environ, then the flags in args.
func parse(args []string, environ map[string]string) (Config, error) {
	var c Config
	if err := env.ParseWithOptions(&c, env.Options{Environment: environ}); err != nil {
		return Config{}, envError(err)
	}
	fs := flag.NewFlagSet("tocsin serve", flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	register(fs, &c)
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return c, nil
}

// envError names the variables that could not be parsed, rather than the Go fields behind them.
func envError(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return err
	}
	errs := make([]error, 0, len(agg.Errors))
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			if f, ok := reflect.TypeOf(Config{}).FieldByName(pe.Name); ok {
				e = fmt.Errorf("%s: %w", f.Tag.Get("env"), pe.Err)
			}
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// register adds a flag for every field, with the value read from the environment as its default.
func register(fs *flag.FlagSet, c *Config) {
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		f, field := v.Type().Field(i), v.Field(i)
		if f.Tag.Get("flag") == "-" {
			continue
		}
		name, help := f.Tag.Get("flag"), f.Tag.Get("help")+" ("+f.Tag.Get("env")+")"
		switch p := field.Addr().Interface().(type) {
		case *string:
			fs.StringVar(p, name, *p, help)
		case *int:
			fs.IntVar(p, name, *p, help)
		case *time.Duration:
			fs.DurationVar(p, name, *p, help)
		case *bool:
			fs.BoolVar(p, name, *p, help)
		default:
			panic("config: no flag type for " + f.Name)
		}
	}
}

// Usage lists the flags with their variables and defaults, for --help.
func Usage() string {
	fs := flag.NewFlagSet("tocsin serve", flag.ContinueOnError)
	var b strings.Builder
	fs.SetOutput(&b)
	c, _ := Load(nil, map[string]string{})
	register(fs, &c)
	fs.PrintDefaults()
	return b.String()
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	var errs []error
	bad := func(envName, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", envName, fmt.Sprintf(format, args...)))
	}
	if c.Addr == "" {
		bad("TOCSIN_ADDR", "must not be empty")
	}
	if _, err := ParseDatabase(c.DatabaseURL); err != nil {
		bad("DATABASE_URL", "%v", err)
	}
	if c.MaxConcurrentChecks < 1 || c.MaxConcurrentChecks > 100000 {
		bad("TOCSIN_MAX_CONCURRENT_CHECKS", "must be between 1 and 100000, got %d", c.MaxConcurrentChecks)
	}
	if c.OutageBuffer < 100 || c.OutageBuffer > 10000000 {
		bad("TOCSIN_OUTAGE_BUFFER", "must be between 100 and 10000000, got %d", c.OutageBuffer)
	}
	if c.MinIntervalSeconds < 1 || c.MinIntervalSeconds > 86400 {
		bad("TOCSIN_MIN_INTERVAL_SECONDS", "must be between 1 and 86400, got %d", c.MinIntervalSeconds)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("TOCSIN_LOG_FORMAT", "must be text or json, got %q", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("TOCSIN_LOG_LEVEL", "must be debug, info, warn or error, got %q", c.LogLevel)
	}
	if c.ShutdownTimeout <= 0 {
		bad("TOCSIN_SHUTDOWN_TIMEOUT", "must be positive, got %s", c.ShutdownTimeout)
	}
	for name, d := range map[string]time.Duration{"TOCSIN_RETAIN_CHECKS": c.RetainChecks, "TOCSIN_RETAIN_HOURLY": c.RetainHourly, "TOCSIN_RETAIN_DAILY": c.RetainDaily} {
		if d < 0 {
			bad(name, "must be 0 (keep for ever) or positive, got %s", d)
		}
	}
	if c.Auth != "on" && c.Auth != "off" {
		bad("TOCSIN_AUTH", "must be on or off, got %q", c.Auth)
	}
	switch c.Metrics {
	case "off", "on", "token":
	default:
		bad("TOCSIN_METRICS", "must be off, on or token, got %q", c.Metrics)
	}
	if c.Signup != "closed" && c.Signup != "open" {
		bad("TOCSIN_SIGNUP", "must be closed or open, got %q", c.Signup)
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		bad("TOCSIN_JWT_SECRET", "must be at least 32 bytes, got %d", len(c.JWTSecret)) // never the secret itself
	}
	if c.JWTTTL < time.Minute || c.JWTTTL > 365*24*time.Hour {
		bad("TOCSIN_JWT_TTL", "must be between 1m and 8760h, got %s", c.JWTTTL)
	}
	if c.AlertGiveUpAfter < time.Minute {
		bad("TOCSIN_ALERT_GIVE_UP_AFTER", "must be at least 1m, got %s", c.AlertGiveUpAfter)
	}
	if _, err := c.Proxies(); err != nil {
		bad("TOCSIN_TRUSTED_PROXIES", "%v", err)
	}
	if _, err := c.PublicOrigin(); err != nil {
		bad("TOCSIN_PUBLIC_URL", "%v", err)
	}
	if _, err := c.CanaryList(); err != nil {
		bad("TOCSIN_CANARIES", "%v", err)
	}
	for name, hosts := range map[string][]string{"TOCSIN_DISCORD_ALLOWED_HOSTS": c.DiscordHosts(), "TOCSIN_SLACK_ALLOWED_HOSTS": c.SlackHosts()} {
		for _, h := range hosts {
			if strings.ContainsAny(h, "/ @") {
				bad(name, "%q is not a host or host:port", h)
			}
		}
	}
	if err := checkServiceURL(c.TelegramAPIURL); err != nil {
		bad("TOCSIN_TELEGRAM_API_URL", "%v", err)
	}
	return errors.Join(errs...)
}

// Database is where Tocsin keeps its data.
type Database struct {
	Kind string // "sqlite" or "postgres"
	Path string // the SQLite file
	URL  string // the PostgreSQL connection URL (holds a password: never log it)
}

// ParseDatabase reads DATABASE_URL: empty means the SQLite file tocsin.db, "sqlite:PATH" another
// SQLite file, and postgres:// or postgresql:// a PostgreSQL server.
func ParseDatabase(raw string) (Database, error) {
	switch {
	case raw == "":
		return Database{Kind: "sqlite", Path: "tocsin.db"}, nil
	case strings.HasPrefix(raw, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
		if path == "" {
			return Database{}, errors.New("sqlite: needs a file path, as in sqlite:/var/lib/tocsin/tocsin.db")
		}
		return Database{Kind: "sqlite", Path: path}, nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return Database{Kind: "postgres", URL: raw}, nil
	}
	return Database{}, errors.New("must be empty, sqlite:PATH, or a postgres:// URL")
}

// checkServiceURL accepts the address of a service's API: https, or http on loopback (a
// stand-in), with no path beyond the root.
func checkServiceURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.User != nil || u.RawQuery != "":
		return errors.New("must be a URL like https://api.telegram.org")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	}
	return errors.New("must be https (http only on loopback)")
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

package config

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadDefaultsEnvironmentAndFlags(t *testing.T) {
	c, err := Load(nil, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Addr: "127.0.0.1:8080", MaxConcurrentChecks: 500, OutageBuffer: 50000, MinIntervalSeconds: 10, LogFormat: "text", LogLevel: "info", ShutdownTimeout: 10 * time.Second, AlertGiveUpAfter: 24 * time.Hour,
		Auth: "on", Signup: "closed", JWTTTL: 24 * time.Hour, TelegramAPIURL: "https://api.telegram.org", Metrics: "off",
		RetainChecks: 720 * time.Hour, RetainHourly: 2160 * time.Hour, RetainDaily: 17520 * time.Hour}
	if c != want {
		t.Errorf("defaults %+v, want %+v", c, want)
	}

	env := map[string]string{"TOCSIN_ADDR": "0.0.0.0:9000", "TOCSIN_MAX_CONCURRENT_CHECKS": "50", "TOCSIN_LOG_FORMAT": "json", "DATABASE_URL": "sqlite:/tmp/x.db"}
	c, err = Load(nil, env)
	if err != nil || c.Addr != "0.0.0.0:9000" || c.MaxConcurrentChecks != 50 || c.LogFormat != "json" || c.DatabaseURL != "sqlite:/tmp/x.db" {
		t.Errorf("from environment: %+v %v", c, err)
	}
	c, err = Load([]string{"--block-private-targets", "--auth=off"}, env)
	if err != nil || !c.BlockPrivateTargets || c.Auth != "off" {
		t.Errorf("boolean and string flags: %+v %v", c, err)
	}
	c, err = Load([]string{"--addr", "127.0.0.1:9001", "--shutdown-timeout", "3s"}, env)
	if err != nil || c.Addr != "127.0.0.1:9001" || c.ShutdownTimeout != 3*time.Second || c.MaxConcurrentChecks != 50 {
		t.Errorf("a flag must win over its variable: %+v %v", c, err)
	}
}

func TestLoadNamesTheBadSetting(t *testing.T) {
	tests := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"TOCSIN_MAX_CONCURRENT_CHECKS": "lots"}, nil, "TOCSIN_MAX_CONCURRENT_CHECKS"},
		{map[string]string{"TOCSIN_MAX_CONCURRENT_CHECKS": "0"}, nil, "TOCSIN_MAX_CONCURRENT_CHECKS"},
		{map[string]string{"TOCSIN_MIN_INTERVAL_SECONDS": "0"}, nil, "TOCSIN_MIN_INTERVAL_SECONDS"},
		{map[string]string{"TOCSIN_LOG_FORMAT": "xml"}, nil, "TOCSIN_LOG_FORMAT"},
		{map[string]string{"TOCSIN_LOG_LEVEL": "loud"}, nil, "TOCSIN_LOG_LEVEL"},
		{map[string]string{"TOCSIN_SHUTDOWN_TIMEOUT": "soon"}, nil, "TOCSIN_SHUTDOWN_TIMEOUT"},
		{map[string]string{"DATABASE_URL": "mysql://u:hunter2@db/x"}, nil, "DATABASE_URL"},
		{map[string]string{"DATABASE_URL": "sqlite:"}, nil, "DATABASE_URL"},
		{nil, []string{"--addr", ""}, "TOCSIN_ADDR"},
		{map[string]string{"TOCSIN_ALERT_GIVE_UP_AFTER": "5s"}, nil, "TOCSIN_ALERT_GIVE_UP_AFTER"},
		{map[string]string{"TOCSIN_AUTH": "maybe"}, nil, "TOCSIN_AUTH"},
		{map[string]string{"TOCSIN_SIGNUP": "sometimes"}, nil, "TOCSIN_SIGNUP"},
		{map[string]string{"TOCSIN_METRICS": "public"}, nil, "TOCSIN_METRICS"},
		{map[string]string{"TOCSIN_JWT_SECRET": "hunter2"}, nil, "TOCSIN_JWT_SECRET"},
		{map[string]string{"TOCSIN_JWT_TTL": "1s"}, nil, "TOCSIN_JWT_TTL"},
		{map[string]string{"TOCSIN_BLOCK_PRIVATE_TARGETS": "perhaps"}, nil, "TOCSIN_BLOCK_PRIVATE_TARGETS"},
		{map[string]string{"TOCSIN_DISCORD_ALLOWED_HOSTS": "https://x/"}, nil, "TOCSIN_DISCORD_ALLOWED_HOSTS"},
		{map[string]string{"TOCSIN_SLACK_ALLOWED_HOSTS": "hooks.example, user@x"}, nil, "TOCSIN_SLACK_ALLOWED_HOSTS"},
		{map[string]string{"TOCSIN_TELEGRAM_API_URL": "http://api.telegram.org"}, nil, "TOCSIN_TELEGRAM_API_URL"},
		{map[string]string{"TOCSIN_TELEGRAM_API_URL": "api.telegram.org"}, nil, "TOCSIN_TELEGRAM_API_URL"},
		{map[string]string{"TOCSIN_TELEGRAM_API_URL": "https://bot:hunter2@api.telegram.org"}, nil, "TOCSIN_TELEGRAM_API_URL"},
		{map[string]string{"TOCSIN_TRUSTED_PROXIES": "10.0.0.0/8, proxy.internal"}, nil, "TOCSIN_TRUSTED_PROXIES"},
		{nil, []string{"--trusted-proxies", "10.0.0.0/33"}, "TOCSIN_TRUSTED_PROXIES"},
		{nil, []string{"--no-such-flag"}, "no-such-flag"},
		{nil, []string{"stray"}, "stray"},
	}
	for _, tt := range tests {
		_, err := Load(tt.args, tt.env)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: error %v, want it to name %s", tt.env, tt.args, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error shows the database password: %v", err)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := Load(nil, map[string]string{"TOCSIN_TRUSTED_PROXIES": " 10.0.0.0/8, 192.168.1.7 ,fd00::1/64,"})
	if err != nil {
		t.Fatal(err)
	}
	nets, err := c.Proxies()
	if err != nil || fmt.Sprint(nets) != "[10.0.0.0/8 192.168.1.7/32 fd00::/64]" {
		t.Errorf("proxies %v %v", nets, err)
	}
	if nets, err := (Config{}).Proxies(); nets != nil || err != nil {
		t.Errorf("default proxies %v %v, want none", nets, err)
	}
}

func TestDiscordHosts(t *testing.T) {
	c, err := Load(nil, map[string]string{"TOCSIN_DISCORD_ALLOWED_HOSTS": " 127.0.0.1:9999, Discord.com ,"})
	if err != nil || fmt.Sprint(c.DiscordHosts()) != "[127.0.0.1:9999 discord.com]" {
		t.Errorf("hosts %v %v", c.DiscordHosts(), err)
	}
	if c, _ := Load(nil, map[string]string{}); c.DiscordHosts() != nil {
		t.Errorf("default hosts %v, want nil (Discord's own)", c.DiscordHosts())
	}
}

func TestParseDatabase(t *testing.T) {
	tests := []struct{ raw, kind, path string }{
		{"", "sqlite", "tocsin.db"},
		{"sqlite:data/t.db", "sqlite", "data/t.db"},
		{"sqlite:///var/lib/tocsin.db", "sqlite", "/var/lib/tocsin.db"},
		{"postgres://u:p@localhost/db", "postgres", ""},
		{"postgresql://localhost/db", "postgres", ""},
	}
	for _, tt := range tests {
		db, err := ParseDatabase(tt.raw)
		if err != nil || db.Kind != tt.kind || db.Path != tt.path {
			t.Errorf("%q: %+v %v", tt.raw, db, err)
		}
	}
}

// The README's settings table must list every setting, so the docs cannot drift from the code.
func TestReadmeListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeOf(Config{})
	for i := range typ.NumField() {
		f := typ.Field(i)
		flagCell := "`--" + f.Tag.Get("flag") + "`"
		if f.Tag.Get("flag") == "-" {
			flagCell = "—"
		}
		row := "| `" + f.Tag.Get("env") + "` | " + flagCell + " |"
		if !strings.Contains(string(readme), row) {
			t.Errorf("README has no settings row starting %q", row)
		}
	}
}

func TestCanaries(t *testing.T) {
	c := Config{Canaries: " https://www.google.com/generate_204, 1.1.1.1:53,http://127.0.0.1:8081/x ,[::1]:80,"}
	got, err := c.CanaryList()
	want := []Canary{{URL: "https://www.google.com/generate_204"}, {URL: "1.1.1.1:53", TCP: true},
		{URL: "http://127.0.0.1:8081/x"}, {URL: "[::1]:80", TCP: true}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("canaries %+v (%v), want %+v", got, err, want)
	}
	if got, err := (Config{}).CanaryList(); got != nil || err != nil {
		t.Errorf("none by default: %v %v", got, err)
	}
	_, err = Load(nil, map[string]string{"TOCSIN_CANARIES": "https://u:hunter2@example.com/"})
	if err == nil || !strings.Contains(err.Error(), "TOCSIN_CANARIES") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("credentials in a canary: %v, want an error that does not show them", err)
	}
	for _, bad := range []string{"1.1.1.1", "ftp://example.com", "https://", "example.com:0",
		"example.com:99999", "https://example.com:70000/", ":53", "a b:53"} {
		_, err := Load(nil, map[string]string{"TOCSIN_CANARIES": bad})
		if err == nil || !strings.Contains(err.Error(), "TOCSIN_CANARIES") || !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) {
			t.Errorf("%q: %v, want an error naming TOCSIN_CANARIES and the item", bad, err)
		}
	}
}

func TestRetentionIsZeroOrPositive(t *testing.T) {
	c, err := Load(nil, map[string]string{"TOCSIN_RETAIN_CHECKS": "0", "TOCSIN_RETAIN_HOURLY": "10m"})
	if err != nil || c.RetainChecks != 0 || c.RetainHourly != 10*time.Minute {
		t.Errorf("retention 0 and 10m: %+v %v", c, err)
	}
	if _, err := Load(nil, map[string]string{"TOCSIN_RETAIN_DAILY": "-1h"}); err == nil || !strings.Contains(err.Error(), "TOCSIN_RETAIN_DAILY") {
		t.Errorf("a negative retention: %v, want an error naming TOCSIN_RETAIN_DAILY", err)
	}
}

func TestPublicOrigin(t *testing.T) {
	for raw, want := range map[string]string{"": "", "https://Tocsin.example.com/": "https://tocsin.example.com",
		"http://127.0.0.1:8080/tocsin": "http://127.0.0.1:8080"} {
		c, err := Load(nil, map[string]string{"TOCSIN_PUBLIC_URL": raw})
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		if got, _ := c.PublicOrigin(); got != want {
			t.Errorf("%q: origin %q, want %q", raw, got, want)
		}
	}
	for _, raw := range []string{"tocsin.example.com", "ftp://x", "https://u:p@x", "https://x/?q=1"} {
		if _, err := Load(nil, map[string]string{"TOCSIN_PUBLIC_URL": raw}); err == nil || !strings.Contains(err.Error(), "TOCSIN_PUBLIC_URL") {
			t.Errorf("%q: %v", raw, err)
		}
	}
}

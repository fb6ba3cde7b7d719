package declare_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/api"
	"github.com/tocsin/tocsin/internal/declare"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/notify/discordtest"
	"github.com/tocsin/tocsin/internal/probe"
	"github.com/tocsin/tocsin/internal/scheduler"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// server is a Tocsin API on loopback, single-user, with a stand-in Discord.
type server struct {
	store   store.Store
	client  *declare.Client
	discord *discordtest.Fake
}

func newServer(t *testing.T, st store.Store) *server {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	fake := discordtest.New(t)
	h := api.New(api.Deps{
		Store: st, Now: time.Now, Log: quiet, Limits: monitor.Limits{MinIntervalSeconds: 10}, Version: "test",
		Checker: scheduler.New(st, probe.NewChecker("Tocsin/test", netguard.Policy{}).Check, time.Now, quiet, scheduler.Config{}),
		Discord: &discord.Client{HTTP: discord.NewHTTPClient(netguard.Policy{})}, DiscordHosts: []string{fake.Host()},
		Auth: api.Auth{Off: true, TargetCheck: netguard.Policy{}.CheckURL},
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &server{store: st, client: &declare.Client{Server: srv.URL}, discord: fake}
}

func forEachStore(t *testing.T, fn func(t *testing.T, s *server)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newServer(t, b.Open(t)))
		})
	}
}

// plan parses a file and plans it against the server.
func (s *server) plan(t *testing.T, file string, prune bool) (*declare.Run, []declare.Change, error) {
	t.Helper()
	doc, err := declare.Parse("sites.yaml", []byte(file), declare.Sections())
	if err != nil {
		return nil, nil, err
	}
	return declare.Plan(context.Background(), s.client, doc, prune)
}

// apply applies a file and returns the diff it printed.
func (s *server) apply(t *testing.T, file string, prune bool) string {
	t.Helper()
	run, changes, err := s.plan(t, file, prune)
	if err != nil {
		t.Fatal(err)
	}
	var diff strings.Builder
	declare.Print(&diff, changes)
	if err := declare.Apply(context.Background(), run, changes); err != nil {
		t.Fatal(err)
	}
	return diff.String()
}

func (s *server) sites(t *testing.T) map[string]monitor.Site {
	t.Helper()
	list, err := s.store.ListSites(context.Background(), 0, store.SiteFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]monitor.Site{}
	for _, site := range list {
		out[site.Name] = site
	}
	return out
}

func (s *server) webhooks(t *testing.T) map[string]monitor.Webhook {
	t.Helper()
	list, err := s.store.ListWebhooks(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]monitor.Webhook{}
	for _, w := range list {
		out[w.Name] = w
	}
	return out
}

func (s *server) firstFile() string {
	return fmt.Sprintf(`
webhooks:
  - name: ops
    webhook_url: %s
    default: true
  - name: pager
    webhook_url: %s
sites:
  - name: Shop
    url: https://shop.example/health
    check_interval_seconds: 60
    bearer_token: tok-secret
    headers: {Accept: application/json}
    webhooks: [pager, ops]
  - name: DB
    type: tcp
    url: db.example:5432
  - name: backup
    type: push
    check_interval_seconds: 86400
    grace_seconds: 3600
`, s.discord.WebhookURL("1"), s.discord.WebhookURL("2"))
}

func TestApplyCreatesThenChangesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *server) {
		diff := s.apply(t, s.firstFile(), false)
		if !strings.Contains(diff, `+ webhook "ops"`) || !strings.Contains(diff, `+ site "backup"`) || !strings.HasSuffix(diff, "5 to create, 0 to update, 0 to delete\n") {
			t.Errorf("first apply:\n%s", diff)
		}
		hooks, sites := s.webhooks(t), s.sites(t)
		shop := sites["Shop"]
		if len(sites) != 3 || shop.CheckIntervalSeconds != 60 || shop.HTTP.BearerToken != "tok-secret" || shop.Status != monitor.StatusPending ||
			fmt.Sprint(shop.WebhookIDs) != fmt.Sprint([]int64{hooks["ops"].ID, hooks["pager"].ID}) || !hooks["ops"].Default {
			t.Errorf("after the first apply: sites %+v webhooks %+v", sites, hooks)
		}
		if sites["backup"].Kind != monitor.KindPush || sites["backup"].GraceSeconds != 3600 {
			t.Errorf("the push site: %+v", sites["backup"])
		}
		if diff := s.apply(t, s.firstFile(), true); diff != "no changes\n" {
			t.Errorf("the same file again:\n%s", diff)
		}
	})
}

func TestApplyUpdatesAndPrunesWhatTheFileSays(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *server) {
		s.apply(t, s.firstFile(), false)
		before := s.sites(t)
		second := fmt.Sprintf(`
webhooks:
  - name: ops
    webhook_url: %s
sites:
  - name: Shop
    url: https://shop.example/health
    check_interval_seconds: 30
    bearer_token: "****"
    webhooks: [ops]
  - name: backup
    type: push
    check_interval_seconds: 86400
    grace_seconds: 3600
`, strings.Replace(s.discord.WebhookURL("1"), "token-1", "****", 1))
		// Without --prune nothing is deleted; the default is unset since the file leaves it out.
		_, changes, err := s.plan(t, second, false)
		if err != nil {
			t.Fatal(err)
		}
		var diff strings.Builder
		declare.Print(&diff, changes)
		want := `~ webhook "ops"
    default: true -> false
~ site "Shop"
    check_interval_seconds: 60 -> 30
    headers: {"Accept":"application/json"} -> (none)
    webhooks: ["ops","pager"] -> ["ops"]
0 to create, 2 to update, 0 to delete
`
		if diff.String() != want {
			t.Errorf("the diff:\n%s\nwant:\n%s", diff.String(), want)
		}
		if after := s.sites(t); after["Shop"].CheckIntervalSeconds != 60 || len(after) != 3 {
			t.Errorf("planning changed something: %+v", after)
		}

		pruneDiff := s.apply(t, second, true)
		if !strings.Contains(pruneDiff, `- site "DB"`) || !strings.Contains(pruneDiff, `- webhook "pager"`) {
			t.Errorf("with --prune:\n%s", pruneDiff)
		}
		sites, hooks := s.sites(t), s.webhooks(t)
		shop := sites["Shop"]
		if len(sites) != 2 || len(hooks) != 1 || shop.CheckIntervalSeconds != 30 || shop.HTTP.BearerToken != "tok-secret" ||
			len(shop.HTTP.Headers) != 0 || fmt.Sprint(shop.WebhookIDs) != fmt.Sprint([]int64{hooks["ops"].ID}) || hooks["ops"].Default {
			t.Errorf("after pruning: sites %+v webhooks %+v", sites, hooks)
		}
		if shop.ID != before["Shop"].ID || sites["backup"].PushToken != before["backup"].PushToken {
			t.Errorf("an update made a new site, or a new push token")
		}
		if diff := s.apply(t, second, true); diff != "no changes\n" {
			t.Errorf("again:\n%s", diff)
		}
	})
}

func TestExportAppliesBackAsNoChanges(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *server) {
		s.apply(t, s.firstFile(), false)
		for _, withSecrets := range []bool{false, true} {
			out, err := declare.Export(context.Background(), s.client, withSecrets)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(out), "tok-secret") != withSecrets || strings.Contains(string(out), "token-1") != withSecrets {
				t.Errorf("secrets %v, export:\n%s", withSecrets, out)
			}
			if diff := s.apply(t, string(out), true); diff != "no changes\n" {
				t.Errorf("secrets %v: the export applied:\n%s\nexport:\n%s", withSecrets, diff, out)
			}
		}
	})
}

func TestABadFileChangesNothingAndSaysWhere(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		for range 2 {
			if _, err := s.store.CreateSite(ctx, monitor.Site{Name: "twin", URL: "http://twin.example", CheckIntervalSeconds: 60,
				TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1, CreatedAt: time.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		good := "  - name: ok\n    url: https://ok.example\n"
		tests := []struct{ name, file, want string }{
			{"a bad value", "sites:\n" + good + "  - name: bad\n    url: ftp://x\n", "sites.yaml:5: sites[1].url: must start with http:// or https://"},
			{"a wrong type", "sites:\n" + good + "  - name: bad\n    url: https://x\n    paused: sometimes\n", "sites.yaml:6: sites[1].paused: must be true or false"},
			{"a name two sites share", "sites:\n" + good + "  - name: twin\n    url: https://x\n", `sites.yaml:4: sites[1].name: 2 existing sites are named "twin"`},
			{"an unknown webhook", "sites:\n" + good + "  - name: x\n    url: https://x\n    webhooks: [nope]\n", `sites.yaml:6: sites[1].webhooks: there is no webhook named "nope"`},
			{"a masked secret on a new site", "sites:\n" + good + "  - name: x\n    url: https://x\n    bearer_token: '****'\n", "sites.yaml:6: sites[1].bearer_token: a new site needs the secret itself"},
			{"a masked new webhook", "webhooks:\n  - name: w\n    webhook_url: https://discord.com/api/webhooks/1/****\n", "sites.yaml:3: webhooks[0].webhook_url: a new webhook needs its whole URL"},
			{"a webhook Discord does not know", "webhooks:\n  - name: w\n    webhook_url: " + s.gone() + "\n", "sites.yaml:3: webhooks[0].webhook_url: Discord does not know this webhook"},
			{"two defaults", fmt.Sprintf("webhooks:\n  - name: a\n    webhook_url: %s\n    default: true\n  - name: b\n    webhook_url: %s\n    default: true\n",
				s.discord.WebhookURL("1"), s.discord.WebhookURL("2")), "sites.yaml:7: webhooks[1].default: only one webhook can be the default"},
		}
		for _, tt := range tests {
			_, _, err := s.plan(t, tt.file, true)
			var fe *declare.FileError
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("%s: %v\nwant it to start %q", tt.name, err, tt.want)
			}
		}
		if sites := s.sites(t); len(sites) != 1 {
			t.Errorf("refused files changed the sites: %v", sites)
		}
		if hooks := s.webhooks(t); len(hooks) != 0 {
			t.Errorf("refused files made webhooks: %v", hooks)
		}
	})
}

func (s *server) gone() string {
	s.discord.Gone("66")
	return s.discord.WebhookURL("66")
}

// A file without channels (no channels section, no site naming any) leaves a site's channels of
// other types alone: they are not exported as webhooks, nor unlinked when the file changes its
// webhooks. (This server sends to Discord only, so it does not list them as channels either.)
func TestApplyKeepsChannelsTheFileCannotNameYet(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		s.apply(t, s.firstFile(), false)
		slack, err := s.store.CreateChannel(ctx, monitor.Channel{Type: monitor.ChannelSlack, Name: "team", URL: "https://hooks.slack.com/services/T/B/x", CreatedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		shop := s.sites(t)["Shop"]
		shop.WebhookIDs = append(shop.WebhookIDs, slack.ID)
		if _, err := s.store.UpdateSite(ctx, shop, false); err != nil {
			t.Fatal(err)
		}
		if diff := s.apply(t, s.firstFile(), false); diff != "no changes\n" {
			t.Errorf("a Slack channel beside the file's webhooks:\n%s", diff)
		}
		out, err := declare.Export(ctx, s.client, false)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "team") || strings.Contains(string(out), `""`) {
			t.Errorf("the Slack channel exported as a webhook:\n%s", out)
		}
		s.apply(t, strings.Replace(s.firstFile(), "webhooks: [pager, ops]", "webhooks: [ops]", 1), false)
		hooks := s.webhooks(t)
		if got := s.sites(t)["Shop"].WebhookIDs; fmt.Sprint(got) != fmt.Sprint([]int64{hooks["ops"].ID, slack.ID}) {
			t.Errorf("Shop alerts %v, want ops (%d) and still the Slack channel (%d)", got, hooks["ops"].ID, slack.ID)
		}
	})
}

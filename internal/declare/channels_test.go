package declare_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/api"
	"github.com/tocsin/tocsin/internal/declare"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/notify/standin"
	"github.com/tocsin/tocsin/internal/probe"
	"github.com/tocsin/tocsin/internal/scheduler"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// channelServer is a Tocsin API that sends to every channel type, each pointed at a stand-in.
type channelServer struct {
	*server
	services *standin.Services
}

func forEachStoreWithChannels(t *testing.T, fn func(t *testing.T, s *channelServer)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			st := b.Open(t)
			services := standin.NewServices(t)
			quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
			h := api.New(api.Deps{
				Store: st, Now: time.Now, Log: quiet, Limits: monitor.Limits{MinIntervalSeconds: 10}, Version: "test",
				Checker:  scheduler.New(st, probe.NewChecker("Tocsin/test", netguard.Policy{}).Check, time.Now, quiet, scheduler.Config{}),
				Channels: channels.New(services.Config()), Discord: &discord.Client{HTTP: discord.NewHTTPClient(netguard.Policy{})},
				DiscordHosts: []string{services.Discord.Host()}, Auth: api.Auth{Off: true, TargetCheck: netguard.Policy{}.CheckURL},
			})
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			fn(t, &channelServer{server: &server{store: st, client: &declare.Client{Server: srv.URL}, discord: services.Discord}, services: services})
		})
	}
}

func (s *channelServer) channelFile() string {
	sv := s.services
	return fmt.Sprintf(`
channels:
  - name: team
    type: slack
    url: %s
  - name: phone
    type: telegram
    bot_token: %s
    chat_id: "-1001234567890"
  - name: topic
    type: ntfy
    server_url: %s
    topic: tocsin-alerts
    token: %s
  - name: mail
    type: email
    host: %s
    port: %d
    tls: none
    username: %s
    password: %s
    from: Tocsin <tocsin@example.com>
    to: [ops@example.com]
  - name: receiver
    type: webhook
    url: %s
    secret: %s
    default: true
  - name: disc
    type: discord
    url: %s
sites:
  - name: Shop
    url: https://shop.example/health
    channels: [team, mail, disc]
  - name: Blog
    url: https://blog.example
maintenance:
  - title: DB upgrade
    sites: [Shop]
    start: 2030-01-01T00:00:00+01:00
    end: 2030-01-01T02:00:00Z
  - title: Weekly patching
    all_sites: true
    cron: 0 3 * * sun
    duration: 90m
    timezone: Europe/Berlin
`, sv.Slack.WebhookURL(), standin.TelegramToken, sv.Ntfy.ServerURL(), standin.NtfyToken, sv.SMTP.Host, sv.SMTP.Port,
		standin.SMTPUser, standin.SMTPPassword, sv.Receiver.URL(), standin.ReceiverSecret, sv.Discord.WebhookURL("5"))
}

func (s *channelServer) channels(t *testing.T) map[string]monitor.Channel {
	t.Helper()
	list, err := s.store.ListChannels(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]monitor.Channel{}
	for _, c := range list {
		out[c.Name] = c
	}
	return out
}

func (s *channelServer) windows(t *testing.T) map[string]monitor.Maintenance {
	t.Helper()
	list, err := s.store.ListMaintenance(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]monitor.Maintenance{}
	for _, m := range list {
		out[m.Title] = m
	}
	return out
}

func TestApplyChannelsAndMaintenanceThenChangeNothing(t *testing.T) {
	forEachStoreWithChannels(t, func(t *testing.T, s *channelServer) {
		diff := s.apply(t, s.channelFile(), false)
		if !strings.Contains(diff, `+ channel "mail"`) || !strings.Contains(diff, `+ maintenance window "Weekly patching"`) ||
			!strings.HasSuffix(diff, "10 to create, 0 to update, 0 to delete\n") {
			t.Fatalf("first apply:\n%s", diff)
		}
		chans, sites, windows := s.channels(t), s.sites(t), s.windows(t)
		if len(chans) != 6 || chans["mail"].Settings.Password != standin.SMTPPassword || !chans["receiver"].Default ||
			chans["phone"].Settings.BotToken != standin.TelegramToken || chans["disc"].Kind() != monitor.ChannelDiscord {
			t.Errorf("channels after the first apply: %+v", chans)
		}
		want := []int64{chans["team"].ID, chans["mail"].ID, chans["disc"].ID}
		slices.Sort(want)
		if got := sites["Shop"].WebhookIDs; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Shop alerts %v, want %v", got, want)
		}
		db, weekly := windows["DB upgrade"], windows["Weekly patching"]
		if fmt.Sprint(db.SiteIDs) != fmt.Sprint([]int64{sites["Shop"].ID}) || !db.Start.Equal(time.Date(2029, 12, 31, 23, 0, 0, 0, time.UTC)) ||
			!weekly.AllSites || weekly.Duration != 90*time.Minute || weekly.Timezone != "Europe/Berlin" {
			t.Errorf("windows after the first apply: %+v", windows)
		}
		if diff := s.apply(t, s.channelFile(), true); diff != "no changes\n" {
			t.Errorf("the same file again:\n%s", diff)
		}
		for _, withSecrets := range []bool{false, true} {
			out, err := declare.Export(context.Background(), s.client, withSecrets)
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{standin.SMTPPassword, standin.NtfyToken, standin.ReceiverSecret, standin.SlackToken, "AAHsecretTelegramToken"} {
				if strings.Contains(string(out), secret) != withSecrets {
					t.Errorf("secrets %v: %q in the export:\n%s", withSecrets, secret, out)
				}
			}
			if !strings.Contains(string(out), "title: Weekly patching") || !strings.Contains(string(out), "channels:\n") {
				t.Errorf("export:\n%s", out)
			}
			if diff := s.apply(t, string(out), true); diff != "no changes\n" {
				t.Errorf("secrets %v: the export applied:\n%s\nexport:\n%s", withSecrets, diff, out)
			}
		}
	})
}

func TestApplyUpdatesAndPrunesChannelsAndWindows(t *testing.T) {
	forEachStoreWithChannels(t, func(t *testing.T, s *channelServer) {
		s.apply(t, s.channelFile(), false)
		before := s.channels(t)
		file := s.channelFile()
		// Slack goes, the email channel moves port and keeps its password (****), Shop alerts
		// only by email, the one-off window goes and the weekly one lasts longer.
		file = file[:strings.Index(file, "  - name: team\n")] + file[strings.Index(file, "  - name: phone\n"):]
		file = strings.Replace(file, fmt.Sprintf("port: %d", s.services.SMTP.Port), "port: 2525", 1)
		file = strings.Replace(file, "password: "+standin.SMTPPassword, `password: "****"`, 1)
		file = strings.Replace(file, "channels: [team, mail, disc]", "channels: [mail]", 1)
		file = file[:strings.Index(file, "  - title: DB upgrade\n")] + file[strings.Index(file, "  - title: Weekly patching\n"):]
		file = strings.Replace(file, "duration: 90m", "duration: 2h", 1)
		diff := s.apply(t, file, true)
		for _, line := range []string{`- channel "team"`, `~ channel "mail"`, "    port: ", `~ site "Shop"`,
			`~ maintenance window "Weekly patching"`, `    duration: "1h30m0s" -> "2h0m0s"`, `- maintenance window "DB upgrade"`} {
			if !strings.Contains(diff, line) {
				t.Errorf("diff lacks %q:\n%s", line, diff)
			}
		}
		chans, windows := s.channels(t), s.windows(t)
		mail := chans["mail"]
		if _, ok := chans["team"]; ok || mail.Settings.Port != 2525 || mail.Settings.Password != standin.SMTPPassword || mail.ID != before["mail"].ID {
			t.Errorf("channels after the update: %+v", chans)
		}
		if got := s.sites(t)["Shop"].WebhookIDs; fmt.Sprint(got) != fmt.Sprint([]int64{mail.ID}) {
			t.Errorf("Shop alerts %v, want only mail %d", got, mail.ID)
		}
		if _, ok := windows["DB upgrade"]; ok || windows["Weekly patching"].Duration != 2*time.Hour {
			t.Errorf("windows after the update: %+v", windows)
		}
		if diff := s.apply(t, file, true); diff != "no changes\n" {
			t.Errorf("again:\n%s", diff)
		}
	})
}

func TestABadChannelOrWindowChangesNothingAndSaysWhere(t *testing.T) {
	forEachStoreWithChannels(t, func(t *testing.T, s *channelServer) {
		site := "sites:\n  - name: Shop\n    url: https://shop.example\n"
		tests := []struct{ name, file, want string }{
			{"a channel without a type", "channels:\n  - name: x\n    topic: t\n", "sites.yaml:2: channels[0].type: every channel needs a type"},
			{"an unknown type", "channels:\n  - name: x\n    type: pigeon\n", "sites.yaml:3: channels[0].type: every channel needs a type"},
			{"a setting of another type", "channels:\n  - name: x\n    type: ntfy\n    server_url: https://ntfy.example\n    topic: t\n    host: smtp.example\n",
				"sites.yaml:6: channels[0].host: is not a setting of ntfy channels"},
			{"a masked secret on a new channel", "channels:\n  - name: x\n    type: ntfy\n    server_url: https://ntfy.example\n    topic: t\n    token: '****'\n",
				"sites.yaml:6: channels[0].token: a new channel needs the secret itself"},
			{"a Discord webhook declared twice", fmt.Sprintf("webhooks:\n  - name: d\n    webhook_url: %s\nchannels:\n  - name: d\n    type: discord\n    url: %s\n",
				s.services.Discord.WebhookURL("1"), s.services.Discord.WebhookURL("1")), "sites.yaml:5: channels[0].name: \"d\" is declared under webhooks too"},
			{"a site naming an unknown channel", site + "    channels: [nope]\n", `sites.yaml:4: sites[0].channels: there is no channel named "nope"`},
			{"a window over an unknown site", "maintenance:\n  - title: w\n    sites: [nope]\n    start: 2030-01-01T00:00:00Z\n    end: 2030-01-01T01:00:00Z\n",
				`sites.yaml:3: maintenance[0].sites: there is no site named "nope"`},
			{"a window over no site", site + "maintenance:\n  - title: w\n    sites: []\n    start: 2030-01-01T00:00:00Z\n    end: 2030-01-01T01:00:00Z\n",
				"sites.yaml:6: maintenance[0].sites: must name at least one site"},
			{"a window in no time zone", site + "maintenance:\n  - title: w\n    sites: [Shop]\n    cron: 0 3 * * *\n    duration: 1h\n    timezone: Mars/Olympus\n",
				"sites.yaml:9: maintenance[0].timezone: "},
			{"a window that ends before it starts", site + "maintenance:\n  - title: w\n    all_sites: true\n    start: 2030-01-01T02:00:00Z\n    end: 2030-01-01T01:00:00Z\n",
				"sites.yaml:8: maintenance[0].end: must be after start"},
			{"a window without a title", "maintenance:\n  - all_sites: true\n", "sites.yaml:2: maintenance[0].title: every entry needs a title"},
			{"an unknown window field", "maintenance:\n  - title: w\n    colour: red\n", "sites.yaml:3: maintenance[0].colour: is not a field of maintenance"},
		}
		for _, tt := range tests {
			_, _, err := s.plan(t, tt.file, true)
			var fe *declare.FileError
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("%s: %v\nwant it to start %q", tt.name, err, tt.want)
			}
		}
		if len(s.channels(t)) != 0 || len(s.sites(t)) != 0 || len(s.windows(t)) != 0 {
			t.Errorf("refused files changed something")
		}
	})
}

// A recurring window whose zone the file leaves out is in UTC, whatever zone it had.
func TestApplyPutsAWindowBackInUTC(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *server) {
		file := "maintenance:\n  - title: w\n    all_sites: true\n    cron: 0 3 * * *\n    duration: 1h\n    timezone: Europe/Berlin\n"
		s.apply(t, file, false)
		utcFile := strings.Replace(file, "    timezone: Europe/Berlin\n", "", 1)
		if diff := s.apply(t, utcFile, false); !strings.Contains(diff, `timezone: "Europe/Berlin" -> "UTC"`) {
			t.Errorf("diff:\n%s", diff)
		}
		if diff := s.apply(t, utcFile, false); diff != "no changes\n" {
			t.Errorf("again:\n%s", diff)
		}
	})
}

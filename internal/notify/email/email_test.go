package email_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/notify/email"
	"github.com/tocsin/tocsin/internal/notify/standin"
)

func settings(s *standin.SMTP, mode string) monitor.ChannelSettings {
	return monitor.ChannelSettings{Host: "127.0.0.1", Port: s.Port, TLS: mode, Username: standin.SMTPUser, Password: standin.SMTPPassword,
		From: "Tocsin <tocsin@example.com>", To: []string{"ops@example.com", "dev@example.com"}}
}

func TestNormalizeChecksTheServerAndTheAddresses(t *testing.T) {
	ok := monitor.ChannelSettings{Host: "SMTP.example.com", From: "a@example.com", To: []string{"b@example.com"}}
	c, err := (&email.Driver{}).Normalize(monitor.Channel{Settings: ok})
	if err != nil || c.Settings.Host != "smtp.example.com" || c.Settings.TLS != monitor.EmailSTARTTLS || c.Settings.Port != 587 || c.Settings.From != "<a@example.com>" {
		t.Errorf("defaults: %+v %v", c.Settings, err)
	}
	if c, _ := (&email.Driver{}).Normalize(monitor.Channel{Settings: monitor.ChannelSettings{Host: "h", TLS: "implicit", From: "a@x.example", To: []string{"b@x.example"}}}); c.Settings.Port != 465 {
		t.Errorf("implicit TLS port %d", c.Settings.Port)
	}
	tests := []struct {
		name  string
		edit  func(*monitor.ChannelSettings)
		field string
	}{
		{"no host", func(s *monitor.ChannelSettings) { s.Host = "" }, "host"},
		{"a host with a port", func(s *monitor.ChannelSettings) { s.Host = "smtp.example.com:25" }, "host"},
		{"a URL for a host", func(s *monitor.ChannelSettings) { s.Host = "smtp://smtp.example.com" }, "host"},
		{"a metadata host", func(s *monitor.ChannelSettings) { s.Host = "169.254.169.254" }, "host"},
		{"no sender", func(s *monitor.ChannelSettings) { s.From = "" }, "from"},
		{"no recipients", func(s *monitor.ChannelSettings) { s.To = nil }, "to"},
		{"a bad recipient", func(s *monitor.ChannelSettings) { s.To = []string{"ops"} }, "to"},
		{"a password alone", func(s *monitor.ChannelSettings) { s.Password = "p" }, "username"},
		{"a user alone", func(s *monitor.ChannelSettings) { s.Username = "u" }, "password"},
		{"a password in clear", func(s *monitor.ChannelSettings) { s.Username, s.Password, s.TLS = "u", "p", "none" }, "tls"},
		{"an unknown tls", func(s *monitor.ChannelSettings) { s.TLS = "ssl" }, "tls"},
		{"a bad port", func(s *monitor.ChannelSettings) { s.Port = -1 }, "port"},
	}
	for _, tt := range tests {
		s := ok
		s.To = append([]string(nil), ok.To...)
		tt.edit(&s)
		_, err := (&email.Driver{}).Normalize(monitor.Channel{Settings: s})
		if fe, _ := err.(*monitor.FieldError); fe == nil || fe.Field != tt.field {
			t.Errorf("%s: %v, want field %s", tt.name, err, tt.field)
		}
	}
	// In clear to this machine is fine: a relay beside Tocsin.
	local := ok
	local.Host, local.TLS, local.Username, local.Password = "127.0.0.1", "none", "u", "p"
	if _, err := (&email.Driver{}).Normalize(monitor.Channel{Settings: local}); err != nil {
		t.Errorf("a local relay without TLS: %v", err)
	}
}

// The message goes out over each kind of connection, signed in, with both parts; and each of
// the server's refusals is judged.
func TestSendOverEveryKindOfConnection(t *testing.T) {
	cert, pool := standin.Certificate(t)
	alerts := []monitor.Alert{{Kind: monitor.AlertDown, SiteID: 1, SiteName: "<b>shop</b> & co", URL: "https://shop.example", At: time.Unix(1_800_000_000, 0), Error: "timeout", StatusCode: 0},
		{Kind: monitor.AlertRecovered, SiteID: 2, SiteName: "blog", URL: "https://blog.example", At: time.Unix(1_800_000_000, 0)}}
	for _, tt := range []struct {
		name string
		mode standin.SMTPMode
		tls  string
	}{{"no TLS", standin.SMTPPlain, monitor.EmailNoTLS}, {"STARTTLS", standin.SMTPStartTLS, monitor.EmailSTARTTLS}, {"implicit TLS", standin.SMTPImplicit, monitor.EmailImplicitTLS}} {
		t.Run(tt.name, func(t *testing.T) {
			server := standin.NewSMTP(t, tt.mode, cert)
			d := &email.Driver{RootCAs: pool}
			c := monitor.Channel{Settings: settings(server, tt.tls)}
			batches := email.Pack(alerts)
			if len(batches) != 1 || len(batches[0].Alerts) != 2 {
				t.Fatalf("batches %+v: want one message for the batch", batches)
			}
			resp := d.Send(context.Background(), c, batches[0].Message)
			if resp.Outcome() != channel.Delivered {
				t.Fatalf("send: %v %s", resp.Outcome(), resp.Detail)
			}
			mails := server.Mails()
			if len(mails) != 1 || len(mails[0].To) != 2 || mails[0].Subject != "2 alerts: 1 down, 1 recovered" {
				t.Fatalf("mails %+v", mails)
			}
			m := mails[0]
			if !strings.Contains(m.Text, "<b>shop</b> & co is down") || !strings.Contains(m.HTML, "&lt;b&gt;shop&lt;/b&gt; &amp; co is down") || strings.Contains(m.HTML, "<b>shop") {
				t.Errorf("parts:\n%s\n%s", m.Text, m.HTML)
			}
		})
	}
}

func TestTheServersRefusalsAreJudged(t *testing.T) {
	server := standin.NewSMTP(t, standin.SMTPPlain, nil)
	d := &email.Driver{}
	msg := (&email.Driver{}).Test(monitor.Channel{Name: "ops"})
	tests := []struct {
		name  string
		reply standin.Reply
		edit  func(*monitor.ChannelSettings)
		want  channel.Outcome
		says  string
	}{
		{"a wrong password", standin.Reply{}, func(s *monitor.ChannelSettings) { s.Password = "wrong-password" }, channel.Gone, "535"},
		{"no such recipient", standin.Reply{Dead: true}, nil, channel.Gone, "550"},
		{"try again later", standin.Reply{Status: 451}, nil, channel.Retry, "451"},
		{"a refused message", standin.Reply{Status: 554}, nil, channel.Rejected, "554"},
		{"STARTTLS required but not offered", standin.Reply{}, func(s *monitor.ChannelSettings) { s.TLS = monitor.EmailSTARTTLS }, channel.Gone, "STARTTLS"},
		{"nobody listening", standin.Reply{}, func(s *monitor.ChannelSettings) { s.Port = 1 }, channel.Retry, "connection refused"},
	}
	for _, tt := range tests {
		server.Always(tt.reply)
		s := settings(server, monitor.EmailNoTLS)
		if tt.edit != nil {
			tt.edit(&s)
		}
		resp := d.Send(context.Background(), monitor.Channel{Settings: s}, msg)
		if resp.Outcome() != tt.want || !strings.Contains(resp.Detail, tt.says) || strings.Contains(resp.Detail, "password") && strings.Contains(resp.Detail, s.Password) {
			t.Errorf("%s: %v %q, want %v saying %q", tt.name, resp.Outcome(), resp.Detail, tt.want, tt.says)
		}
	}
}

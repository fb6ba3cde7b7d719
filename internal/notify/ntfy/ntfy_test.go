package ntfy

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

func TestNormalizeFillsTheServerAndChecksTheTopic(t *testing.T) {
	d := &Driver{Policy: netguard.Policy{BlockPrivate: true}}
	c, err := d.Normalize(monitor.Channel{Settings: monitor.ChannelSettings{Topic: " alerts_1 "}})
	if err != nil || c.Settings.ServerURL != DefaultServer || c.Settings.Topic != "alerts_1" {
		t.Errorf("defaults: %+v %v", c.Settings, err)
	}
	for _, tt := range []struct{ server, topic, field string }{
		{"https://ntfy.example.com/", "a", ""},
		{"ftp://ntfy.example.com", "a", "server_url"},
		{"http://10.0.0.5", "a", "server_url"}, // private, with BlockPrivate
		{"https://ntfy.example.com?x=1", "a", "server_url"},
		{"", "a/b", "topic"},
		{"", "", "topic"},
	} {
		_, err := d.Normalize(monitor.Channel{Settings: monitor.ChannelSettings{ServerURL: tt.server, Topic: tt.topic}})
		fe, _ := err.(*monitor.FieldError)
		if tt.field == "" && err != nil || tt.field != "" && (fe == nil || fe.Field != tt.field) {
			t.Errorf("%q %q: %v, want field %q", tt.server, tt.topic, err, tt.field)
		}
	}
}

func TestNtfysAnswersAreJudged(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   channel.Outcome
		wait   time.Duration
	}{
		{200, `{"id":"x"}`, channel.Delivered, 0},
		{429, `{"code":42901,"http":429,"error":"limit reached: too many requests"}`, channel.RateLimited, limitWait},
		{401, `{"code":40101,"http":401,"error":"unauthorized"}`, channel.Gone, 0},
		{403, `{"code":40301,"http":403,"error":"forbidden"}`, channel.Gone, 0},
		{404, `{"code":40401,"http":404,"error":"page not found"}`, channel.Gone, 0},
		{413, `{"code":41301,"http":413,"error":"too large"}`, channel.Rejected, 0},
		{507, `{"code":50701,"http":507,"error":"insufficient storage"}`, channel.Retry, 0},
	}
	for _, tt := range tests {
		var auth string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			auth = r.Header.Get("Authorization")
			w.WriteHeader(tt.status)
			fmt.Fprint(w, tt.body)
		}))
		d := &Driver{Poster: channel.Poster{HTTP: channel.NewHTTPClient(netguard.Policy{}, channel.DefaultTimeouts()), Service: "ntfy"}}
		c := monitor.Channel{Settings: monitor.ChannelSettings{ServerURL: srv.URL, Topic: "t", Token: "tk_secret123"}}
		resp := d.Send(context.Background(), c, Message{Title: "x", Message: "y"})
		srv.Close()
		if resp.Outcome() != tt.want || resp.RetryAfter != tt.wait || auth != "Bearer tk_secret123" || strings.Contains(resp.Detail, "tk_secret") {
			t.Errorf("%d: %v wait %v %q, auth %q", tt.status, resp.Outcome(), resp.RetryAfter, resp.Detail, auth)
		}
	}
}

func TestPackSetsPriorityByTheWorstNewsAndStaysUnder4096Bytes(t *testing.T) {
	at := time.Unix(1_800_000_000, 0)
	down := monitor.Alert{Kind: monitor.AlertDown, SiteID: 1, SiteName: "shop", URL: "https://shop.example", At: at, Error: strings.Repeat("é", 3000)}
	up := monitor.Alert{Kind: monitor.AlertRecovered, SiteID: 2, SiteName: "blog", URL: "https://blog.example", At: at}
	one := Pack([]monitor.Alert{up})[0].Message.(Message)
	if one.Priority != 3 || one.Tags[0] != "white_check_mark" || one.Title != "🟢 blog recovered" || one.Click != "https://blog.example" {
		t.Errorf("a recovery: %+v", one)
	}
	var storm []monitor.Alert
	for i := range 80 {
		a := down
		a.SiteID, a.SiteName = int64(i+10), fmt.Sprintf("site-%02d", i)
		storm = append(storm, a)
	}
	batches := Pack(append([]monitor.Alert{up}, storm...))
	for i, b := range batches {
		m := b.Message.(Message)
		if len(m.Message) > MaxMessageBytes || len(m.Title) > MaxTitleBytes || m.Priority != 5 && i > 0 {
			t.Errorf("message %d: %d bytes, title %d bytes, priority %d", i, len(m.Message), len(m.Title), m.Priority)
		}
	}
}

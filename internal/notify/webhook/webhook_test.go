package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/notify/standin"
	"github.com/tocsin/tocsin/internal/notify/webhook"
)

func driver() *webhook.Driver {
	return &webhook.Driver{Poster: channel.Poster{HTTP: channel.NewHTTPClient(netguard.Policy{}, channel.DefaultTimeouts()), Service: "the receiver"}}
}

func TestNormalizeMakesASecretWhenNoneIsGiven(t *testing.T) {
	c, err := driver().Normalize(monitor.Channel{URL: "https://example.com/hooks/x?key=abc"})
	if err != nil || !strings.HasPrefix(c.Settings.Secret, "tws_") || len(c.Settings.Secret) != 68 {
		t.Fatalf("%+v %v", c, err)
	}
	other, _ := driver().Normalize(monitor.Channel{URL: "https://example.com/hooks/x"})
	if other.Settings.Secret == c.Settings.Secret {
		t.Errorf("two channels got one secret")
	}
	if m := driver().Mask(c); m.URL != "https://example.com/****" || m.Settings.Secret != "****" {
		t.Errorf("masked %+v", m)
	}
	if got := driver().Destination(monitor.Channel{URL: "https://example.com"}); got != "https://example.com" {
		t.Errorf("an origin alone stays shown: %q", got)
	}
}

// One alert per request, signed as Verify checks it, with the notification's id as the
// delivery id on every try.
func TestEachAlertIsOneSignedRequestWithAStableDeliveryID(t *testing.T) {
	receiver := standin.NewReceiver(t, "a-secret-of-16-chars")
	receiver.Script(standin.Reply{Status: 503})
	d := driver()
	c := monitor.Channel{URL: receiver.URL(), Settings: monitor.ChannelSettings{Secret: "a-secret-of-16-chars"}}
	down := time.Unix(1_800_000_000, 0).UTC()
	ns := []monitor.Notification{
		{ID: 41, Alert: monitor.Alert{Kind: monitor.AlertDown, SiteID: 7, SiteName: "shop", URL: "https://shop.example", At: down, StatusCode: 503, Error: "expected 200", DownSince: &down}},
		{ID: 42, Alert: monitor.Alert{Kind: monitor.AlertRecovered, SiteID: 7, SiteName: "shop", URL: "https://shop.example", At: down.Add(5 * time.Minute), DownSince: &down, ResponseTimeMS: 80}},
	}
	batches := d.Pack(ns)
	if len(batches) != 2 {
		t.Fatalf("%d requests for two alerts", len(batches))
	}
	if resp := d.Send(context.Background(), c, batches[0].Message); resp.Outcome() != channel.Retry || !strings.Contains(resp.Detail, "503") {
		t.Errorf("a 503: %v %q", resp.Outcome(), resp.Detail)
	}
	for _, b := range batches {
		if resp := d.Send(context.Background(), c, b.Message); resp.Outcome() != channel.Delivered {
			t.Fatalf("send: %v %s", resp.Outcome(), resp.Detail)
		}
	}
	got := receiver.Deliveries()
	if len(got) != 2 || got[0].ID != "41" || got[1].ID != "42" || receiver.Attempts() != 3 {
		t.Fatalf("deliveries %+v after %d requests", got, receiver.Attempts())
	}
	var body map[string]any
	json.Unmarshal(got[1].Raw, &body)
	want := map[string]any{"id": 42.0, "kind": "recovered", "severity": "good", "title": "🟢 shop recovered", "status_code": nil,
		"error": nil, "response_time_ms": 80.0, "downtime_seconds": 300.0, "down_since": "2027-01-15T08:00:00Z"}
	for k, v := range want {
		if fmt.Sprint(body[k]) != fmt.Sprint(v) {
			t.Errorf("%s = %v, want %v", k, body[k], v)
		}
	}
	if site := body["site"].(map[string]any); site["name"] != "shop" || site["id"] != 7.0 {
		t.Errorf("site %v", site)
	}
}

func TestTheReceiversAnswersAreJudged(t *testing.T) {
	tests := []struct {
		status int
		want   channel.Outcome
	}{{200, channel.Delivered}, {204, channel.Delivered}, {410, channel.Gone}, {404, channel.Gone}, {401, channel.Gone},
		{403, channel.Gone}, {408, channel.Retry}, {422, channel.Rejected}, {429, channel.RateLimited}, {500, channel.Retry}}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "2")
			http.Error(w, "answer from the receiver: sekrit-path", tt.status)
		}))
		resp := driver().Send(context.Background(), monitor.Channel{URL: srv.URL + "/sekrit-path", Settings: monitor.ChannelSettings{Secret: "0123456789abcdef"}},
			webhook.Message{Delivery: "1", Body: []byte(`{}`)})
		srv.Close()
		if resp.Outcome() != tt.want || strings.Contains(resp.Detail, "sekrit-path") && tt.status >= 300 {
			t.Errorf("%d: %v %q", tt.status, resp.Outcome(), resp.Detail)
		}
	}
}

// Flapping and Tocsin's own network reach a receiver as fields it can read: the status a site
// settled in, how often it changed, the downtime a settle in up ends, and no site for an alert
// about Tocsin itself.
func TestFlappingAndNetworkBodies(t *testing.T) {
	at := time.Unix(1_800_000_000, 0).UTC()
	since := at.Add(-10 * time.Minute)
	shop := func(kind monitor.AlertKind, status monitor.Status, downSince *time.Time) monitor.Alert {
		return monitor.Alert{Kind: kind, SiteID: 7, SiteName: "shop", URL: "https://shop.example", At: at, SiteStatus: status, Changes: 6, DownSince: downSince}
	}
	tests := []struct {
		alert monitor.Alert
		want  string
	}{
		{shop(monitor.AlertFlapping, monitor.StatusDown, nil), `"kind":"flapping","severity":"warning","title":"🔀 shop is flapping",` +
			`"site":{"id":7,"name":"shop","url":"https://shop.example"}|"downtime_seconds":null|"status":"down","changes":6`},
		{shop(monitor.AlertSettled, monitor.StatusUp, &since), `"severity":"good","title":"🔀 shop settled: up"|"downtime_seconds":600|"status":"up"`},
		{shop(monitor.AlertSettled, monitor.StatusDown, nil), `"severity":"bad","title":"🔀 shop settled: down"|"status":"down"`},
		{monitor.Alert{Kind: monitor.AlertNetworkDown, At: at, Error: "no canary answered"},
			`"severity":"bad","title":"📡 Tocsin cannot reach the network","site":null|"error":"no canary answered"`},
		{monitor.Alert{Kind: monitor.AlertNetworkUp, At: at, DownSince: &since}, `"title":"📡 Tocsin reaches the network again","site":null|"downtime_seconds":600`},
	}
	for _, tt := range tests {
		body, err := json.Marshal(webhook.NewBody(1, tt.alert))
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range strings.Split(tt.want, "|") {
			if !strings.Contains(string(body), part) {
				t.Errorf("%s: no %s in %s", tt.alert.Kind, part, body)
			}
		}
		if tt.alert.SiteID == 0 && strings.Contains(string(body), `"status"`) {
			t.Errorf("%s: a status of no site: %s", tt.alert.Kind, body)
		}
	}
}

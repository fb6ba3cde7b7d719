package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

func (e *env) setWebhook(id string) map[string]any {
	e.t.Helper()
	return e.expect(e.do("POST", "/webhook", fmt.Sprintf(`{"webhook_url": %q}`, e.discord.WebhookURL(id))), http.StatusOK)
}

// noToken fails the test if a webhook token shows in a response.
func noToken(t *testing.T, r response) {
	t.Helper()
	if strings.Contains(r.raw, "token-") {
		t.Errorf("a webhook token leaked into a response: %s", r.raw)
	}
}

func TestDefaultWebhookIsVerifiedNormalisedAndMasked(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		r := e.do("POST", "/webhook", fmt.Sprintf(`{"webhook_url": %q}`, e.discord.WebhookURL("42")))
		got := e.expect(r, http.StatusOK)
		noToken(t, r)
		want := map[string]any{"webhook_url": e.discord.URL + "/api/v10/webhooks/42/****", "name": "Alerts 42",
			"channel_id": "chan-42", "state": "active", "default": true, "last_error": nil}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %v, want %v", k, got[k], v)
			}
		}
		stored, err := e.store.DefaultWebhook(context.Background(), 0)
		if err != nil || stored.URL != e.discord.URL+"/api/v10/webhooks/42/token-42" {
			t.Errorf("stored %q %v, want the normalised URL", stored.URL, err)
		}
		r = e.do("GET", "/webhook", "")
		noToken(t, r)
		if g := e.expect(r, 200); g["id"] != got["id"] {
			t.Errorf("GET /webhook: %v", g)
		}
		if len(e.discord.Messages()) != 0 {
			t.Errorf("verifying a webhook posted a message")
		}
	})
}

func TestWebhookURLsAreRefusedWithAReason(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.discord.Gone("404")
		good := e.discord.WebhookURL("7")
		tests := []struct{ name, url, says string }{
			{"not a URL", "hello", "webhook_url"},
			{"another host", "https://example.com/api/webhooks/1/token-1", "not a Discord host"},
			{"plain http to Discord", "http://discord.com/api/webhooks/1/token-1", "https"},
			{"not a webhook path", strings.Replace(good, "/webhooks/", "/channels/", 1), "webhook"},
			{"deleted in Discord", e.discord.WebhookURL("404"), "does not know this webhook"},
			{"wrong token", strings.Replace(good, "token-7", "token-8", 1), "token"},
		}
		for _, tt := range tests {
			r := e.do("POST", "/webhook", fmt.Sprintf(`{"webhook_url": %q}`, tt.url))
			got := e.expect(r, http.StatusBadRequest)
			noToken(t, r)
			errObj := got["error"].(map[string]any)
			if errObj["field"] != "webhook_url" || !strings.Contains(errObj["message"].(string), tt.says) {
				t.Errorf("%s: %v, want it to say %q", tt.name, errObj, tt.says)
			}
		}
		e.expect(e.do("POST", "/webhook", `{}`), http.StatusBadRequest)
		e.expect(e.do("POST", "/webhook", `{"webhook_url": "x", "default": true}`), http.StatusBadRequest)
		e.expect(e.do("GET", "/webhook", ""), http.StatusNotFound)
	})
}

func TestWebhookTestMessageReportsDiscordsAnswer(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.expect(e.do("POST", "/webhook/test", ""), http.StatusNotFound)
		e.setWebhook("42")
		got := e.expect(e.do("POST", "/webhook/test", ""), http.StatusOK)
		if got["delivered"] != true || len(e.discord.Messages()) != 1 || got["webhook"].(map[string]any)["last_delivery_at"] == nil {
			t.Errorf("test message: %v, %d messages", got, len(e.discord.Messages()))
		}
		e.discord.Gone("42")
		r := e.do("POST", "/webhook/test", "")
		got = e.expect(r, http.StatusBadGateway)
		noToken(t, r)
		if msg := got["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "Unknown Webhook") || !strings.Contains(msg, "disabled") {
			t.Errorf("gone webhook: %v", got)
		}
		hook := e.expect(e.do("GET", "/webhook", ""), 200)
		if hook["state"] != "disabled" || !strings.Contains(fmt.Sprint(hook["last_error"]), "Unknown Webhook") {
			t.Errorf("after a 404 the webhook is %v", hook)
		}
	})
}

func TestDeleteDefaultWebhook(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.expect(e.do("DELETE", "/webhook", ""), http.StatusNotFound)
		e.setWebhook("42")
		e.expect(e.do("DELETE", "/webhook", ""), http.StatusNoContent)
		e.expect(e.do("GET", "/webhook", ""), http.StatusNotFound)
	})
}

func TestSeveralWebhooksAndSitesThatNameThem(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		def := e.setWebhook("1")
		r := e.do("POST", "/webhooks", fmt.Sprintf(`{"webhook_url": %q}`, e.discord.WebhookURL("2")))
		second := e.expect(r, http.StatusCreated)
		if second["default"] != false || r.header.Get("Location") != fmt.Sprintf("/webhooks/%v", second["id"]) {
			t.Errorf("second webhook: %v", second)
		}
		var list []map[string]any
		lr := e.do("GET", "/webhooks", "")
		lr.json(t, &list)
		noToken(t, lr)
		if len(list) != 2 || list[0]["id"] != def["id"] {
			t.Errorf("list: %v", list)
		}
		e.expect(e.do("GET", fmt.Sprintf("/webhooks/%v", second["id"]), ""), 200)
		e.expect(e.do("POST", fmt.Sprintf("/webhooks/%v/test", second["id"]), ""), 200)

		site := e.createSite(e.siteJSON(fmt.Sprintf(`, "webhook_ids": [%v, %v, %v]`, second["id"], def["id"], second["id"])))
		if fmt.Sprint(site["webhook_ids"]) != fmt.Sprintf("[%v %v]", def["id"], second["id"]) {
			t.Errorf("webhook_ids %v", site["webhook_ids"])
		}
		bad := e.expect(e.do("PATCH", idPath(site, ""), `{"webhook_ids": [999]}`), http.StatusBadRequest)
		if bad["error"].(map[string]any)["field"] != "webhook_ids" {
			t.Errorf("unknown webhook id: %v", bad)
		}
		got := e.expect(e.do("PATCH", idPath(site, ""), `{"webhook_ids": []}`), 200)
		if fmt.Sprint(got["webhook_ids"]) != "[]" {
			t.Errorf("cleared webhook_ids: %v", got["webhook_ids"])
		}
		e.expect(e.do("DELETE", fmt.Sprintf("/webhooks/%v", second["id"]), ""), http.StatusNoContent)
		e.expect(e.do("GET", fmt.Sprintf("/webhooks/%v", second["id"]), ""), http.StatusNotFound)
		e.expect(e.do("DELETE", fmt.Sprintf("/webhooks/%v", second["id"]), ""), http.StatusNotFound)
	})
}

func TestAlertSettingsOnSites(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(e.siteJSON(""))
		if site["failure_threshold"] != 1.0 || site["resend_interval_minutes"] != 0.0 {
			t.Errorf("defaults: %v", site)
		}
		got := e.expect(e.do("PATCH", idPath(site, ""), `{"failure_threshold": 3, "resend_interval_minutes": 30}`), 200)
		if got["failure_threshold"] != 3.0 || got["resend_interval_minutes"] != 30.0 {
			t.Errorf("patched: %v", got)
		}
		for body, field := range map[string]string{
			`{"failure_threshold": 0}`: "failure_threshold", `{"resend_interval_minutes": -5}`: "resend_interval_minutes",
		} {
			if bad := e.expect(e.do("PATCH", idPath(site, ""), body), 400); bad["error"].(map[string]any)["field"] != field {
				t.Errorf("%s: %v", body, bad)
			}
		}
	})
}

func TestNotificationsListDeliveries(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.setWebhook("42")
		site := e.createSite(e.siteJSON(""))
		e.code.Store(503)
		e.expect(e.do("POST", idPath(site, "/check"), ""), 200)

		r := e.do("GET", "/notifications", "")
		page := e.expect(r, 200)
		noToken(t, r)
		ns := page["notifications"].([]any)
		if len(ns) != 1 {
			t.Fatalf("notifications: %v", ns)
		}
		n := ns[0].(map[string]any)
		event, siteObj, hook := n["event"].(map[string]any), n["site"].(map[string]any), n["webhook"].(map[string]any)
		if n["state"] != string(monitor.NotificationPending) || n["attempts"] != 0.0 || event["kind"] != "down" || event["status_code"] != 503.0 ||
			siteObj["name"] != "web" || siteObj["id"] != site["id"] || !strings.HasSuffix(hook["url"].(string), "/****") || n["next_attempt_at"] == nil {
			t.Errorf("notification %v", n)
		}
		if got := e.expect(e.do("GET", "/notifications?state=delivered", ""), 200)["notifications"].([]any); len(got) != 0 {
			t.Errorf("delivered filter: %v", got)
		}
		for _, q := range []string{"state=lost", "limit=0", "before=x"} {
			e.expect(e.do("GET", "/notifications?"+q, ""), http.StatusBadRequest)
		}
	})
}

func TestASiteWhoseAlertsGoNowhereSaysSo(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(e.siteJSON(""))
		if site["alerting"] != monitor.AlertingNoWebhook {
			t.Errorf("a site with no webhook anywhere: alerting %v", site["alerting"])
		}
		e.setWebhook("42")
		if got := e.expect(e.do("GET", idPath(site, ""), ""), 200); got["alerting"] != nil {
			t.Errorf("with a default webhook: alerting %v", got["alerting"])
		}
	})
}

func TestDeletedWebhooksAlertsStayListed(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.setWebhook("42")
		site := e.createSite(e.siteJSON(""))
		e.code.Store(503)
		e.expect(e.do("POST", idPath(site, "/check"), ""), 200)
		e.expect(e.do("DELETE", "/webhook", ""), http.StatusNoContent)

		r := e.do("GET", "/notifications", "")
		noToken(t, r)
		// The down alert was still pending, so deleting its webhook dropped it; a delivered
		// one would stay. Deliver one first to see it kept.
		if ns := e.expect(r, 200)["notifications"].([]any); len(ns) != 0 {
			t.Fatalf("a pending alert of a deleted webhook is still listed: %v", ns)
		}
		e.setWebhook("43")
		e.code.Store(200)
		e.expect(e.do("POST", idPath(site, "/check"), ""), 200)
		e.code.Store(503)
		e.expect(e.do("POST", idPath(site, "/check"), ""), 200)
		hooks, err := e.store.ListWebhooks(context.Background(), 0)
		if err != nil || len(hooks) != 1 {
			t.Fatalf("webhooks %v %v", hooks, err)
		}
		pending, err := e.store.PendingNotifications(context.Background(), hooks[0].ID, 10)
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending %v %v", pending, err)
		}
		if err := e.store.RecordDelivery(context.Background(), store.Delivery{WebhookID: hooks[0].ID,
			IDs: []int64{pending[0].ID}, Outcome: store.Delivered, At: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		e.expect(e.do("DELETE", "/webhook", ""), http.StatusNoContent)
		ns := e.expect(e.do("GET", "/notifications", ""), 200)["notifications"].([]any)
		if len(ns) != 1 {
			t.Fatalf("the delivered alert of a deleted webhook: %v", ns)
		}
		n := ns[0].(map[string]any)
		if hook := n["webhook"].(map[string]any); hook["deleted_at"] == nil || n["state"] != "delivered" {
			t.Errorf("a deleted webhook's delivered alert: %v", n)
		}
	})
}

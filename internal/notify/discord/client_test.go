package discord

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tocsin/tocsin/internal/netguard"
)

const webhookPathForTests = "/api/v10/webhooks/123/" + token

// fakeDiscord serves handler on loopback and returns the webhook URL to call.
func fakeDiscord(t *testing.T, handler http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv.URL + webhookPathForTests
}

// answer replies with status, headers and body.
func answer(status int, headers map[string]string, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		if strings.HasPrefix(body, "{") {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func newTestClient() *Client { return &Client{HTTP: NewHTTPClient(netguard.Policy{})} }

func assertNoSecret(t *testing.T, r Response) {
	t.Helper()
	if strings.Contains(r.Detail, token) {
		t.Errorf("Detail %q holds the token", r.Detail)
	}
	if r.Err != nil && (strings.Contains(r.Err.Error(), token) || strings.Contains(r.Err.Error(), "webhooks/")) {
		t.Errorf("Err %q holds the URL or the token", r.Err)
	}
	if n := runes(r.Detail); n > MaxDetailRunes {
		t.Errorf("Detail is %d runes", n)
	}
}

func TestVerifyReadsTheWebhook(t *testing.T) {
	var gotMethod, gotPath, gotUA string
	url := fakeDiscord(t, func(w http.ResponseWriter, r *http.Request) {
		gotMethod, gotPath, gotUA = r.Method, r.URL.Path, r.UserAgent()
		answer(200, nil, `{"type": 1, "id": "123", "name": "Alerts", "channel_id": "456", "guild_id": "789", "token": "`+token+`"}`)(w, r)
	})
	info, resp := newTestClient().Verify(context.Background(), url)
	if resp.Outcome() != Delivered || resp.Status != 200 || resp.Err != nil {
		t.Fatalf("response = %+v", resp)
	}
	want := WebhookInfo{ID: "123", Name: "Alerts", ChannelID: "456", GuildID: "789"}
	if info != want {
		t.Errorf("info = %+v, want %+v", info, want)
	}
	if gotMethod != http.MethodGet || gotPath != webhookPathForTests || !strings.HasPrefix(gotUA, "Tocsin") {
		t.Errorf("request = %s %s, User-Agent %q", gotMethod, gotPath, gotUA)
	}
}

func TestVerifyRefusals(t *testing.T) {
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		outcome   Outcome
		detailHas string
	}{
		{"401", answer(401, nil, `{"message": "401: Unauthorized", "code": 0}`), Gone, "401: Unauthorized"},
		{"404", answer(404, nil, `{"message": "Unknown Webhook", "code": 10015}`), Gone, "404 Unknown Webhook (code 10015)"},
		{"403", answer(403, nil, `{"message": "Missing Access", "code": 50001}`), Gone, "Missing Access"},
		{"200 that is not a webhook", answer(200, nil, `<html>welcome to the hotel wifi</html>`), Retry, "not a Discord webhook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, resp := newTestClient().Verify(context.Background(), fakeDiscord(t, tt.handler))
			if resp.Outcome() != tt.outcome || !strings.Contains(resp.Detail, tt.detailHas) {
				t.Errorf("outcome %v, detail %q; want %v with %q", resp.Outcome(), resp.Detail, tt.outcome, tt.detailHas)
			}
			if info != (WebhookInfo{}) {
				t.Errorf("info = %+v, want none", info)
			}
			assertNoSecret(t, resp)
		})
	}
}

func TestExecuteSendsTheMessage(t *testing.T) {
	var (
		method, query, contentType string
		body                       []byte
	)
	url := fakeDiscord(t, func(w http.ResponseWriter, r *http.Request) {
		method, query, contentType = r.Method, r.URL.RawQuery, r.Header.Get("Content-Type")
		body, _ = io.ReadAll(r.Body)
		answer(200, nil, `{"id": "999", "content": ""}`)(w, r)
	})
	msg := TestMessage("Alerts")
	resp := newTestClient().Execute(context.Background(), url, msg)
	if resp.Outcome() != Delivered {
		t.Fatalf("response = %+v", resp)
	}
	if method != http.MethodPost || query != "wait=true" || contentType != "application/json" {
		t.Errorf("request = %s ?%s, Content-Type %q", method, query, contentType)
	}
	var raw struct {
		AllowedMentions struct {
			Parse *[]string `json:"parse"`
		} `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	if p := raw.AllowedMentions.Parse; p == nil || len(*p) != 0 {
		t.Errorf("allowed_mentions.parse = %v in %s, want []", p, body)
	}
	var got Message
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(msg)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("body decodes to %s, want %s", gotJSON, wantJSON)
	}
}

func TestExecuteAnswers(t *testing.T) {
	rateHeaders := map[string]string{
		"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4",
		"X-RateLimit-Reset-After": "1.25", "X-RateLimit-Bucket": "abcd",
	}
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		outcome    Outcome
		retryAfter time.Duration
		global     bool
		detailHas  string
	}{
		{"204", answer(204, nil, ""), Delivered, 0, false, "204 No Content"},
		{"200", answer(200, nil, `{"id": "1"}`), Delivered, 0, false, "200 OK"},
		{"429 header longer", answer(429, map[string]string{"Retry-After": "3"}, `{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}`), RateLimited, 3 * time.Second, false, "retry after 3s"},
		{"429 body longer", answer(429, map[string]string{"Retry-After": "1"}, `{"message": "You are being rate limited.", "retry_after": 4.2, "global": false}`), RateLimited, 4200 * time.Millisecond, false, "You are being rate limited."},
		{"429 global", answer(429, nil, `{"message": "You are being rate limited.", "retry_after": 0.5, "global": true}`), RateLimited, 500 * time.Millisecond, true, "global"},
		{"429 from a proxy", answer(429, map[string]string{"Retry-After": "60"}, `<html>slow down</html>`), RateLimited, time.Minute, false, "429 Too Many Requests"},
		{"500", answer(500, nil, ""), Retry, 0, false, "500 Internal Server Error"},
		{"502 page", answer(502, nil, "<html>bad gateway</html>"), Retry, 0, false, "502 Bad Gateway"},
		{"400", answer(400, nil, `{"message": "Invalid Form Body", "code": 50035, "errors": {"embeds": {"0": {"description": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 4096 or fewer in length."}]}}}}}`),
			Rejected, 0, false, "400 Invalid Form Body (code 50035): embeds.0.description: Must be 4096 or fewer in length."},
		{"413", answer(413, nil, ""), Rejected, 0, false, "413 Request Entity Too Large"},
		{"404 that echoes the token", answer(404, nil, `{"message": "no webhook `+token+`", "code": 10015}`), Gone, 0, false, "no webhook ****"},
		{"redirect is not followed", answer(302, map[string]string{"Location": "/elsewhere"}, ""), Retry, 0, false, "302 Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := newTestClient().Execute(context.Background(), fakeDiscord(t, tt.handler), TestMessage(""))
			if resp.Outcome() != tt.outcome || resp.RetryAfter != tt.retryAfter || resp.Global != tt.global {
				t.Errorf("outcome %v, retry after %v, global %v; want %v, %v, %v",
					resp.Outcome(), resp.RetryAfter, resp.Global, tt.outcome, tt.retryAfter, tt.global)
			}
			if !strings.Contains(resp.Detail, tt.detailHas) {
				t.Errorf("detail %q, want it to contain %q", resp.Detail, tt.detailHas)
			}
			if resp.Err != nil || resp.Status == 0 {
				t.Errorf("status %d, err %v", resp.Status, resp.Err)
			}
			assertNoSecret(t, resp)
		})
	}
	t.Run("rate-limit headers", func(t *testing.T) {
		resp := newTestClient().Execute(context.Background(), fakeDiscord(t, answer(204, rateHeaders, "")), TestMessage(""))
		want := RateLimit{Limit: 5, Remaining: 4, ResetAfter: 1250 * time.Millisecond, Bucket: "abcd", Known: true}
		if resp.RateLimit != want {
			t.Errorf("rate limit = %+v, want %+v", resp.RateLimit, want)
		}
	})
	t.Run("no rate-limit headers", func(t *testing.T) {
		resp := newTestClient().Execute(context.Background(), fakeDiscord(t, answer(204, nil, "")), TestMessage(""))
		if resp.RateLimit.Known {
			t.Errorf("rate limit = %+v, want unknown", resp.RateLimit)
		}
	})
}

func TestExecuteWithoutAnswer(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + webhookPathForTests
	closed.Close()

	release := make(chan struct{})
	hanging := fakeDiscord(t, func(w http.ResponseWriter, r *http.Request) {
		// Reading the body lets the server notice the client hanging up.
		io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) }) // before the server's Close, which waits for handlers
	shortTimeout := &Client{HTTP: NewHTTPClient(netguard.Policy{})}
	shortTimeout.HTTP.Timeout = 50 * time.Millisecond
	canceled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name      string
		client    *Client
		ctx       context.Context
		url       string
		detailHas string
	}{
		{"closed port", newTestClient(), context.Background(), closedURL, "connection refused"},
		{"client timeout", shortTimeout, context.Background(), hanging, "timeout after 50ms"},
		{"canceled", newTestClient(), canceled, hanging, "canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := tt.client.Execute(tt.ctx, tt.url, TestMessage(""))
			if resp.Outcome() != Retry || resp.Status != 0 || resp.Err == nil {
				t.Fatalf("response = %+v, want Retry with status 0 and an error", resp)
			}
			if !strings.Contains(resp.Detail, tt.detailHas) {
				t.Errorf("detail %q, want it to contain %q", resp.Detail, tt.detailHas)
			}
			assertNoSecret(t, resp)
			t.Logf("detail %q, err %q", resp.Detail, resp.Err)
			var urlErr interface{ URL() string }
			if errors.As(resp.Err, &urlErr) {
				t.Errorf("Err %T still leads to the URL", resp.Err)
			}
		})
	}
}

func TestRedactRewritesErrorsNamingTheURL(t *testing.T) {
	target := "https://discord.com/api/v10/webhooks/123/" + token + "?wait=true"
	err := redact(errors.New("proxy refused https://discord.com/api/v10/webhooks/123/"+token), target)
	if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "webhooks/") {
		t.Errorf("redacted error %q still names the URL", err)
	}
	if errors.Unwrap(err) != nil {
		t.Errorf("redacted error unwraps to the original")
	}
}

func TestOutcome(t *testing.T) {
	tests := []struct {
		resp Response
		want Outcome
		name string
	}{
		{Response{Status: 200}, Delivered, "delivered"},
		{Response{Status: 204}, Delivered, "delivered"},
		{Response{Status: 429}, RateLimited, "rate_limited"},
		{Response{Status: 401}, Gone, "gone"},
		{Response{Status: 403}, Gone, "gone"},
		{Response{Status: 404}, Gone, "gone"},
		{Response{Status: 400}, Rejected, "rejected"},
		{Response{Status: 422}, Rejected, "rejected"},
		{Response{Status: 500}, Retry, "retry"},
		{Response{Status: 503}, Retry, "retry"},
		{Response{Status: 302}, Retry, "retry"},
		{Response{}, Retry, "retry"},
		{Response{Status: 200, Err: errors.New("unreadable")}, Retry, "retry"},
	}
	for _, tt := range tests {
		if got := tt.resp.Outcome(); got != tt.want || got.String() != tt.name {
			t.Errorf("%+v: Outcome() = %v, want %v (%s)", tt.resp, got, tt.want, tt.name)
		}
	}
}

func TestNewHTTPClient(t *testing.T) {
	c := NewHTTPClient(netguard.Policy{})
	if c.Timeout != SendTimeout || SendTimeout < 30*time.Second {
		t.Errorf("timeout = %v, want SendTimeout, at least 30s", c.Timeout)
	}
	transport, ok := c.Transport.(*http.Transport)
	if !ok || c.Transport == http.DefaultTransport {
		t.Fatalf("transport is not its own")
	}
	if transport.TLSHandshakeTimeout != ConnectTimeout || ConnectTimeout >= SendTimeout {
		t.Errorf("TLS handshake timeout %v, want ConnectTimeout (%v), shorter than the send", transport.TLSHandshakeTimeout, ConnectTimeout)
	}
	if err := c.CheckRedirect(nil, nil); !errors.Is(err, http.ErrUseLastResponse) {
		t.Errorf("CheckRedirect = %v, want http.ErrUseLastResponse", err)
	}
}

// A message Discord read but did not answer may have been posted; one that never left may not.
// The dispatcher waits long before resending the first kind, so it must be told apart.
func TestExecuteSaysWhenTheMessageWasSentButNotAnswered(t *testing.T) {
	release := make(chan struct{})
	slow := fakeDiscord(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
		answer(200, nil, `{"id": "1"}`)(w, r)
	})
	t.Cleanup(func() { close(release) })
	dropping := fakeDiscord(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		conn.Close()
	})
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + webhookPathForTests
	closed.Close()
	short := &Client{HTTP: NewHTTPClientWithTimeouts(netguard.Policy{}, Timeouts{Connect: time.Second, Send: 100 * time.Millisecond})}

	tests := []struct {
		name       string
		url        string
		unanswered bool
		detailHas  string
	}{
		{"answer later than the send timeout", slow, true, "timeout after 100ms; the message was sent"},
		{"connection closed after the request", dropping, true, "Discord may have posted it"},
		{"connection refused", closedURL, false, "connection refused"},
		{"an answer", fakeDiscord(t, answer(502, nil, "")), false, "502"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := short.Execute(context.Background(), tt.url, TestMessage(""))
			if resp.Unanswered != tt.unanswered || resp.Outcome() != Retry {
				t.Errorf("unanswered %v, outcome %v; want %v, retry", resp.Unanswered, resp.Outcome(), tt.unanswered)
			}
			if !strings.Contains(resp.Detail, tt.detailHas) {
				t.Errorf("detail %q, want it to contain %q", resp.Detail, tt.detailHas)
			}
			assertNoSecret(t, resp)
		})
	}
	t.Run("a check of the webhook", func(t *testing.T) {
		if _, resp := short.Verify(context.Background(), dropping); resp.Unanswered || strings.Contains(resp.Detail, "posted") {
			t.Errorf("unanswered %v, detail %q; a GET posts nothing", resp.Unanswered, resp.Detail)
		}
	})
}

// A Detail is stored as the webhook's last error; PostgreSQL refuses NUL, so it holds none.
func TestDetailHoldsNoNUL(t *testing.T) {
	resp := newTestClient().Execute(context.Background(), fakeDiscord(t, answer(400, nil, `{"message": "bad\u0000form", "code": 1}`)), TestMessage(""))
	if strings.ContainsRune(resp.Detail, 0) || !utf8.ValidString(resp.Detail) || !strings.Contains(resp.Detail, "badform") {
		t.Errorf("detail %q", resp.Detail)
	}
}

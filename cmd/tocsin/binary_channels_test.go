package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tocsin/tocsin/internal/notify/standin"
)

// testSlackAndSignedWebhookFromOutside drives the built binary as a user would: a Slack
// channel (a stand-in of Slack) and a webhook channel whose secret Tocsin makes, a site that
// alerts both, and a receiver that checks every request's signature with the README's Go
// recipe (standin.Verify), then once more with the README's shell recipe.
func testSlackAndSignedWebhookFromOutside(t *testing.T, bin string) {
	slack := standin.NewSlack(t)
	receiver := standin.NewReceiver(t, "")
	var code atomic.Int32
	code.Store(503)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(int(code.Load())) }))
	defer target.Close()
	addr, dir := freeAddr(t), t.TempDir()
	env := append(cleanEnv(), "TOCSIN_ADDR="+addr, "DATABASE_URL=sqlite:"+filepath.Join(dir, "tocsin.db"),
		"TOCSIN_SLACK_ALLOWED_HOSTS="+slack.Host(), "TOCSIN_MIN_INTERVAL_SECONDS=10")
	p := startBinary(t, bin, dir, env)
	base := "http://" + addr
	p.waitForReady(t, base)
	u := user{t: t, base: base}
	var session struct{ Token string }
	u.must("POST", "/auth/signup", `{"username": "ada", "password": "correct horse"}`, 201, &session)
	u.token = session.Token

	var slackChannel, hook map[string]any
	u.must("POST", "/channels", fmt.Sprintf(`{"type": "slack", "name": "ops", "url": %q}`, slack.WebhookURL()), 201, &slackChannel)
	u.must("POST", "/channels", fmt.Sprintf(`{"type": "webhook", "name": "pager", "url": %q}`, receiver.URL()), 201, &hook)
	secret, _ := hook["secret"].(string)
	if !strings.HasPrefix(secret, "tws_") {
		t.Fatalf("the new webhook channel's secret is not shown once: %v", hook)
	}
	receiver.SetSecret(secret)
	var again map[string]any
	u.must("GET", fmt.Sprintf("/channels/%v", hook["id"]), "", 200, &again)
	if again["secret"] != "****" {
		t.Errorf("the secret is shown again: %v", again["secret"])
	}

	site := fmt.Sprintf(`{"url": %q, "name": "shop", "check_interval_seconds": 60, "channel_ids": [%v, %v]}`, target.URL, slackChannel["id"], hook["id"])
	var created map[string]any
	u.must("POST", "/sites", site, 201, &created)
	// The down is taken before the recovery is raised: queued together, they would go to Slack
	// as one message.
	waitUntil(t, "Slack and the receiver to take the down", func() bool {
		return len(slack.Messages()) == 1 && len(receiver.Deliveries()) == 1
	})
	code.Store(200)
	u.must("POST", fmt.Sprintf("/sites/%v/check", created["id"]), "", 200, nil)
	waitUntil(t, "Slack and the receiver to take the down and the recovery", func() bool {
		return len(slack.Messages()) == 2 && len(receiver.Deliveries()) == 2
	})
	titles := []string{receiver.Deliveries()[0].Body.Title, receiver.Deliveries()[1].Body.Title}
	if !strings.Contains(titles[0], "shop is down") || !strings.Contains(titles[1], "shop recovered") {
		t.Errorf("the receiver got %q", titles)
	}
	for i, m := range slack.Messages() {
		if want := []string{"shop is down", "shop recovered"}[i]; !strings.Contains(m.Blocks[0].Text.Text, want) {
			t.Errorf("Slack message %d: %+v, want %q", i, m.Blocks[0], want)
		}
	}
	d := receiver.Deliveries()[0]
	if out := runShellRecipe(t, secret, d); out != "valid" {
		t.Errorf("the README's shell recipe says %q of a request Tocsin signed", out)
	}
	d.Signature = "v1=" + strings.Repeat("0", 64)
	if out := runShellRecipe(t, secret, d); out != "invalid" {
		t.Errorf("the README's shell recipe says %q of a forged signature", out)
	}

	var page struct {
		Notifications []struct {
			State   string
			Channel struct{ Type, Destination string }
		}
	}
	raw := u.must("GET", "/notifications", "", 200, &page)
	if len(page.Notifications) != 4 {
		t.Errorf("%d notifications, want 4: %s", len(page.Notifications), raw)
	}
	for _, n := range page.Notifications {
		if n.State != "delivered" || (n.Channel.Type != "slack" && n.Channel.Type != "webhook") {
			t.Errorf("notification %+v", n)
		}
	}
	for _, leak := range []string{standin.SlackToken, secret, "tocsin-private-path"} {
		if strings.Contains(raw, leak) || strings.Contains(p.log.String(), leak) {
			t.Errorf("a secret (%q) is in an answer or the log", leak)
		}
	}
}

// runShellRecipe runs the README's shell recipe on a received request and returns what it
// prints.
func runShellRecipe(t *testing.T, secret string, d standin.Delivery) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "<!-- signature recipe: shell -->\n```sh\n")
	script, _, ok2 := strings.Cut(after, "\n```")
	if !ok || !ok2 {
		t.Fatal("the README has no shell recipe for signatures")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "body.json"), d.Raw, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TOCSIN_SECRET="+secret, "TS="+d.Timestamp, "SIG="+d.Signature)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the recipe failed: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// user calls the API with a session token.
type user struct {
	t     *testing.T
	base  string
	token string
}

// must calls the API, fails the test unless the status is want, and returns the raw answer.
func (u user) must(method, path, body string, want int, out any) string {
	u.t.Helper()
	req, _ := http.NewRequest(method, u.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if u.token != "" {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	if resp.StatusCode != want {
		u.t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, buf.String())
	}
	if out != nil {
		if err := json.Unmarshal(buf.Bytes(), out); err != nil {
			u.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return buf.String()
}

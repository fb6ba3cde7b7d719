// Package discordtest is a stand-in for Discord's webhook API on a loopback httptest server, for
// tests that need Discord to answer 2xx, 429, 5xx, 404 or 400 on cue.
package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/notify/discord"
)

// Reply is one scripted answer to a POST.
type Reply struct {
	Status     int
	RetryAfter float64 // seconds, sent in the 429 body (and, rounded up, the Retry-After header)
	Body       string  // JSON error body; a Discord-like one is made up when empty
	// Delay is how long a 2xx answer comes after the message was stored: a slow Discord
	// that posts the message at once but answers late.
	Delay time.Duration
	// Drop stores the message, whatever Status says, and closes the connection without an
	// answer: a Discord that read the POST and was cut off.
	Drop bool
}

// Fake plays Discord. Every webhook id exists with token "token-ID" unless marked Gone.
type Fake struct {
	*httptest.Server

	mu       sync.Mutex
	script   []Reply
	fallback Reply
	episode  episode
	gone     map[string]bool
	messages []discord.Message
	posts    int
}

// episode is a stretch of time in which every POST gets the same answer.
type episode struct {
	reply  Reply
	length time.Duration
	start  time.Time // of the first POST it answered; zero until then
	set    bool
}

// New starts a fake Discord that accepts every message until told otherwise.
func New(t testing.TB) *Fake {
	f := &Fake{fallback: Reply{Status: http.StatusOK}, gone: map[string]bool{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// Host is the fake's host:port, for TOCSIN_DISCORD_ALLOWED_HOSTS.
func (f *Fake) Host() string {
	u, _ := url.Parse(f.Server.URL)
	return u.Host
}

// WebhookURL is a webhook URL of the fake, as a user would paste it.
func (f *Fake) WebhookURL(id string) string {
	return f.Server.URL + "/api/webhooks/" + id + "/token-" + id
}

// Script queues answers for the next POSTs; after them, Always's answer (200 by default) holds.
func (f *Fake) Script(replies ...Reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script = append(f.script, replies...)
}

// Always sets the answer given once the script has run out.
func (f *Fake) Always(r Reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fallback = r
}

// Episode answers every POST with r, from the next POST until length has passed since it;
// then the script and Always hold again. It plays a Discord that is slow, or drops
// connections, for a while.
func (f *Fake) Episode(r Reply, length time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.episode = episode{reply: r, length: length, set: true}
}

// Gone makes the webhook id answer 404 Unknown Webhook to everything.
func (f *Fake) Gone(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gone[id] = true
}

// Messages returns the messages Discord accepted, in order.
func (f *Fake) Messages() []discord.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]discord.Message(nil), f.messages...)
}

// Posts counts every POST, accepted or not.
func (f *Fake) Posts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.posts
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	// api/[vN/]webhooks/ID/TOKEN
	if len(parts) < 4 || parts[0] != "api" || parts[len(parts)-3] != "webhooks" {
		writeError(w, http.StatusNotFound, `{"message": "404: Not Found", "code": 0}`)
		return
	}
	id, token := parts[len(parts)-2], parts[len(parts)-1]
	reply, refusal := f.take(r, id, token)
	switch {
	case refusal != "":
		status, body, _ := strings.Cut(refusal, " ")
		code, _ := strconv.Atoi(status)
		writeError(w, code, body)
	case r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"type": 1, "id": %q, "name": "Alerts %s", "channel_id": "chan-%s", "guild_id": "guild-1", "token": %q}`, id, id, id, token)
	case (reply.Status/100 == 2 || reply.Drop) && !f.store(r):
		writeError(w, http.StatusBadRequest, `{"message": "Cannot send an empty message", "code": 50006}`)
	case reply.Drop:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
	default:
		if reply.Delay > 0 {
			select {
			case <-time.After(reply.Delay):
			case <-r.Context().Done():
				return // the client gave up; the message stays posted
			}
		}
		f.answer(w, reply)
	}
}

// take counts a POST and picks its answer; a refusal is "STATUS BODY" for a webhook that is
// gone or a token that is wrong.
func (f *Fake) take(r *http.Request, id, token string) (Reply, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method == http.MethodPost {
		f.posts++
	}
	switch {
	case f.gone[id]:
		return Reply{}, `404 {"message": "Unknown Webhook", "code": 10015}`
	case token != "token-"+id:
		return Reply{}, `401 {"message": "Invalid Webhook Token", "code": 50027}`
	case r.Method != http.MethodPost:
		return Reply{}, ""
	}
	if e := &f.episode; e.set {
		if e.start.IsZero() {
			e.start = time.Now()
		}
		if time.Since(e.start) < e.length {
			return e.reply, ""
		}
	}
	reply := f.fallback
	if len(f.script) > 0 {
		reply, f.script = f.script[0], f.script[1:]
	}
	return reply, ""
}

// store reads the message and keeps it, as Discord posts it; false when it is not one.
func (f *Fake) store(r *http.Request) bool {
	var msg discord.Message
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &msg); err != nil || r.URL.Query().Get("wait") != "true" {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.messages = append(f.messages, msg)
	return true
}

func (f *Fake) answer(w http.ResponseWriter, reply Reply) {
	switch {
	case reply.Status == http.StatusNoContent:
		w.WriteHeader(reply.Status)
	case reply.Status/100 == 2:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(reply.Status)
		fmt.Fprint(w, `{"id": "1", "type": 0, "content": ""}`)
	case reply.Status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", fmt.Sprint(int(reply.RetryAfter+0.999)))
		writeError(w, reply.Status, fmt.Sprintf(`{"message": "You are being rate limited.", "retry_after": %g, "global": false}`, reply.RetryAfter))
	default:
		body := reply.Body
		if body == "" {
			body = fmt.Sprintf(`{"message": "%s", "code": 0}`, http.StatusText(reply.Status))
		}
		writeError(w, reply.Status, body)
	}
}

func writeError(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

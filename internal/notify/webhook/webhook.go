// Package webhook posts each alert, as a documented JSON body, to any URL, signed with the
// channel's secret so the receiver can tell Tocsin's requests from anyone else's.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

// The headers of every request. The delivery id is the notification's, the same on every
// retry, so a receiver can drop a duplicate.
const (
	HeaderTimestamp = "X-Tocsin-Timestamp"
	HeaderSignature = "X-Tocsin-Signature"
	HeaderDelivery  = "X-Tocsin-Delivery"
)

// Secrets are at least this long when the user gives one.
const minSecretBytes = 16

// Driver is the webhook channel type.
type Driver struct {
	Poster channel.Poster
	Policy netguard.Policy // refuses a URL that names a blocked address outright
	Now    func() time.Time
}

var _ channel.Driver = (*Driver)(nil)

func (d *Driver) Service() string  { return "the receiver" }
func (d *Driver) Fields() []string { return []string{"url", "secret"} }

// Normalize checks the URL and the secret; a channel without a secret gets a new one.
func (d *Driver) Normalize(c monitor.Channel) (monitor.Channel, error) {
	u, err := channel.ParseURL("url", c.URL)
	if err != nil {
		return c, err
	}
	if err := d.Policy.CheckURL(u.String()); err != nil {
		return c, channel.Invalid("url", "is not allowed: "+err.Error())
	}
	c.URL = u.String()
	s := &c.Settings
	s.Secret = strings.TrimSpace(s.Secret)
	switch {
	case s.Secret == "":
		s.Secret = NewSecret()
	case len(s.Secret) < minSecretBytes || len(s.Secret) > 256:
		return c, channel.Invalid("secret", "must be 16 to 256 characters; leave it out to have one made")
	}
	if err := monitor.ValidateLine("secret", s.Secret); err != nil {
		return c, err
	}
	return c, nil
}

// NewSecret is a random signing secret: 32 bytes, as hex.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "tws_" + hex.EncodeToString(b)
}

// Mask hides the secret and the URL's path and query, which may hold a secret of the
// receiver's: only the origin shows.
func (d *Driver) Mask(c monitor.Channel) monitor.Channel {
	c.URL = maskURL(c.URL)
	if c.Settings.Secret != "" {
		c.Settings.Secret = monitor.Masked
	}
	return c
}

func maskURL(raw string) string {
	u, err := channel.ParseURL("url", raw)
	if err != nil {
		return monitor.Masked
	}
	if u.EscapedPath() == "" || u.EscapedPath() == "/" && u.RawQuery == "" {
		return channel.Origin(u) + u.EscapedPath()
	}
	return channel.Origin(u) + "/" + monitor.Masked
}

func (d *Driver) Destination(c monitor.Channel) string { return maskURL(c.URL) }

// Pace: one alert per request, so a storm is many requests; a receiver of webhooks takes
// them quickly.
func (d *Driver) Pace() channel.Pace {
	return channel.Pace{Every: 100 * time.Millisecond, Burst: 10, GroupEvery: 100 * time.Millisecond, GroupBurst: 10}
}

func (d *Driver) Group(monitor.Channel) string { return "" }

// Sign is the signature of body sent at timestamp (Unix seconds): the hex HMAC-SHA256, keyed
// with the secret, of "<timestamp>.<body>".
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10) + "."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

func (d *Driver) Send(ctx context.Context, c monitor.Channel, msg channel.Message) channel.Response {
	m, ok := msg.(Message)
	if !ok {
		return channel.Response{Err: errors.New("not a webhook message"), Verdict: channel.Rejected, Detail: "not a webhook message"}
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	// Signed when sent, not when packed: a retry hours later carries a fresh timestamp, which
	// a receiver that refuses old timestamps accepts.
	ts := now().Unix()
	header := http.Header{
		"Content-Type":  {"application/json"},
		HeaderTimestamp: {strconv.FormatInt(ts, 10)},
		HeaderSignature: {"v1=" + Sign(c.Settings.Secret, ts, m.Body)},
		HeaderDelivery:  {m.Delivery},
	}
	secrets := urlSecrets(c.URL, c.Settings.Secret)
	answer, resp, ok := d.Poster.Do(ctx, channel.Request{Method: http.MethodPost, URL: c.URL, Body: m.Body, Header: header, Secrets: secrets})
	if !ok {
		return resp
	}
	return readAnswer(answer, c.URL, secrets...)
}

// urlSecrets are the parts of a receiver's URL that may be secret, besides the signing secret:
// its path's longer segments and its query's values, which an error or an answer may quote.
func urlSecrets(raw, secret string) []string {
	out := []string{secret}
	u, err := url.Parse(raw)
	if err != nil {
		return out
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if len(seg) >= 8 {
			out = append(out, seg)
		}
	}
	for _, values := range u.Query() {
		out = append(out, values...)
	}
	return out
}

// readAnswer judges the receiver's answer: 2xx taken; 401, 403, 404 and 410 mean the
// receiver is gone or refuses the signature, and disable the channel; 408 and 5xx are
// retried; 429 waits for Retry-After; other 4xx refuse the alert.
func readAnswer(a channel.Answer, target string, secrets ...string) channel.Response {
	r := channel.Response{Status: a.Status}
	switch a.Status {
	case http.StatusGone:
		r.Verdict = channel.Gone
	case http.StatusRequestTimeout, http.StatusTooEarly:
		r.Verdict = channel.Retry
	case http.StatusTooManyRequests:
		r.RetryAfter = channel.ParseSeconds(a.Header.Get("Retry-After"))
	}
	detail := strconv.Itoa(a.Status) + " " + http.StatusText(a.Status)
	if text := channel.OneLine(string(a.Body)); text != "" && a.Status >= 300 {
		detail += ": " + channel.Truncate(text, 200)
	}
	r.Detail = channel.Clip(channel.Scrub(detail, target, secrets...))
	return r
}

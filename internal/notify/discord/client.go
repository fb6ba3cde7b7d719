package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/tocsin/tocsin/internal/netguard"
)

const (
	// ConnectTimeout bounds the dial and, separately, the TLS handshake: a Discord that cannot
	// be reached is known quickly, and nothing has been sent yet, so trying again is harmless.
	ConnectTimeout = 5 * time.Second
	// SendTimeout bounds a whole request, answer included. It is long because giving up on a
	// message Discord has already read does not unsend it: Discord has no idempotency key, and
	// every resend of a message that was only answered late is a duplicate in the channel.
	SendTimeout = 30 * time.Second
	// verifyTimeout bounds the GET that checks a webhook while a user waits for the answer;
	// it posts nothing, so giving up early costs no duplicate.
	verifyTimeout = 10 * time.Second

	defaultUserAgent = "Tocsin (https://github.com/tocsin/tocsin)"
	// maxBodyBytes bounds what is read of an answer: webhooks and errors are a few hundred bytes.
	maxBodyBytes = 64 << 10
)

// Timeouts bound the requests of an HTTP client made by NewHTTPClientWithTimeouts.
type Timeouts struct {
	Connect time.Duration // the dial, and the TLS handshake
	Send    time.Duration // the whole request, from the dial to the end of the answer
}

// DefaultTimeouts are ConnectTimeout and SendTimeout.
func DefaultTimeouts() Timeouts { return Timeouts{Connect: ConnectTimeout, Send: SendTimeout} }

// NewHTTPClient is the client Tocsin talks to Discord with, with DefaultTimeouts.
func NewHTTPClient(policy netguard.Policy) *http.Client {
	return NewHTTPClientWithTimeouts(policy, DefaultTimeouts())
}

// NewHTTPClientWithTimeouts is NewHTTPClient with other time limits, for tests. The client
// never follows redirects: Discord does not redirect webhook calls, and following one would
// hand the token to whoever answered with it. The policy is checked on every address dialled,
// so a webhook host that resolves to a cloud metadata address is refused before a byte is sent
// to it.
func NewHTTPClientWithTimeouts(policy netguard.Policy, t Timeouts) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSHandshakeTimeout = t.Connect
	// The same dialer settings as http.DefaultTransport's, plus the policy.
	transport.DialContext = (&net.Dialer{
		Timeout:   t.Connect,
		KeepAlive: 30 * time.Second,
		Control:   policy.Control,
	}).DialContext
	return &http.Client{
		Timeout:   t.Send,
		Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Client calls Discord's webhook endpoints. HTTP must be set, normally to NewHTTPClient(policy);
// UserAgent defaults to one naming Tocsin.
type Client struct {
	HTTP      *http.Client
	UserAgent string
}

// WebhookInfo is what Discord tells about a webhook: enough to show the user where alerts go.
type WebhookInfo struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	ChannelID string `json:"channel_id"`
	GuildID   string `json:"guild_id"`
}

// Verify asks Discord about the webhook without posting anything, to check that a URL the
// user gave works before it is saved.
func (c *Client) Verify(ctx context.Context, webhookURL string) (WebhookInfo, Response) {
	var info WebhookInfo
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	resp, body := c.do(ctx, http.MethodGet, webhookURL, nil)
	if resp.Outcome() != Delivered {
		return info, resp
	}
	if err := json.Unmarshal(body, &info); err != nil || info.ID == "" {
		// A 200 that is not a webhook comes from something other than Discord (a proxy, a
		// captive portal): not a verified webhook.
		resp.Err = errors.New("the answer is not a Discord webhook")
		resp.Detail = clip(resp.Detail + ", but the answer is not a Discord webhook")
		return WebhookInfo{}, resp
	}
	return info, resp
}

// Execute posts the message. wait=true makes Discord answer only once the message is
// stored, so a 2xx really means delivered. A Response with Unanswered set means the message
// was sent but no answer came back: Discord may have posted it.
func (c *Client) Execute(ctx context.Context, webhookURL string, msg Message) Response {
	body, err := json.Marshal(msg)
	if err != nil {
		return Response{Err: err, Detail: "the message cannot be encoded"}
	}
	u, err := url.Parse(webhookURL)
	if err != nil {
		return invalidURLResponse()
	}
	q := u.Query()
	q.Set("wait", "true")
	u.RawQuery = q.Encode()
	resp, _ := c.do(ctx, http.MethodPost, u.String(), body)
	return resp
}

// do sends one request and reads what Discord answered. The body is returned for callers
// that need more than the Response.
func (c *Client) do(ctx context.Context, method, target string, body []byte) (Response, []byte) {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, reader)
	if err != nil {
		// The error would quote the URL, and with it the token.
		return invalidURLResponse(), nil
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent())
	var written atomic.Bool // the transport reports from its own goroutines
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) { written.Store(info.Err == nil) },
	}))
	start := time.Now()
	httpResp, err := c.HTTP.Do(req)
	if err != nil {
		// Only a POST can have been posted; a GET that went unanswered changed nothing.
		return transportFailure(err, target, c.timeoutAt(ctx, start), body != nil && written.Load()), nil
	}
	defer httpResp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(httpResp.Body, maxBodyBytes))
	// Drain a little more so the connection can be reused; a huge body is not worth it.
	io.Copy(io.Discard, io.LimitReader(httpResp.Body, maxBodyBytes))
	return readResponse(httpResp, answer, target), answer
}

func (c *Client) userAgent() string {
	if c.UserAgent == "" {
		return defaultUserAgent
	}
	return c.UserAgent
}

// timeoutAt is the time limit a request started at start ran under, to say "timeout after
// 10s" rather than just "timeout"; 0 when there was none.
func (c *Client) timeoutAt(ctx context.Context, start time.Time) time.Duration {
	limit := c.HTTP.Timeout
	if deadline, ok := ctx.Deadline(); ok {
		if left := deadline.Sub(start); limit == 0 || left < limit {
			limit = left
		}
	}
	return limit
}

func invalidURLResponse() Response {
	return Response{Err: errors.New("the webhook URL cannot be parsed"), Detail: "the webhook URL cannot be parsed"}
}

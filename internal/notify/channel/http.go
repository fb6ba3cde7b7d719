package channel

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/tocsin/tocsin/internal/netguard"
)

const (
	// ConnectTimeout bounds the dial and, separately, the TLS handshake: a destination that
	// cannot be reached is known quickly, and nothing has been sent yet, so trying again is
	// harmless.
	ConnectTimeout = 5 * time.Second
	// SendTimeout bounds a whole request, answer included. It is long because giving up on a
	// message the destination has already read does not unsend it: most have no idempotency
	// key, and every resend of a message that was only answered late is a duplicate.
	SendTimeout = 30 * time.Second
	// maxAnswerBytes bounds what is read of an answer: acknowledgements and errors are small.
	maxAnswerBytes = 64 << 10
)

// Timeouts bound the requests of a client made by NewHTTPClient.
type Timeouts struct {
	Connect time.Duration // the dial, and the TLS handshake
	Send    time.Duration // the whole request, from the dial to the end of the answer
}

// DefaultTimeouts are ConnectTimeout and SendTimeout.
func DefaultTimeouts() Timeouts { return Timeouts{Connect: ConnectTimeout, Send: SendTimeout} }

// NewHTTPClient is the client alerts are posted with. It never follows redirects: a service
// that redirects a webhook call is not the one the user named, and following would hand it
// the message and the URL's secret. The policy is checked on every address dialled, so a
// host that resolves to a cloud metadata address (or, with BlockPrivate, a private one) is
// refused before a byte is sent to it.
func NewHTTPClient(policy netguard.Policy, t Timeouts) *http.Client {
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

// Request is one HTTP request to a destination.
type Request struct {
	Method string
	URL    string // may hold a secret: it is never reported
	Header http.Header
	Body   []byte
	// Secrets are more texts never to report (a token sent in a header).
	Secrets []string
}

// Answer is what a destination answered.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Poster sends requests for one service and reports failures without their secrets.
type Poster struct {
	HTTP      *http.Client
	UserAgent string
	Service   string // "Slack": names it in "the message was sent, Slack may have posted it"
}

// Do sends req and reads the answer. When no answer came, ok is false and the Response says
// why, with no secret in it.
func (p Poster) Do(ctx context.Context, req Request) (Answer, Response, bool) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		// The error would quote the URL, and with it the secret.
		return Answer{}, Failure("the URL cannot be parsed"), false
	}
	for k, v := range req.Header {
		httpReq.Header[k] = v
	}
	if p.UserAgent != "" {
		httpReq.Header.Set("User-Agent", p.UserAgent)
	}
	var written atomic.Bool // the transport reports from its own goroutines
	httpReq = httpReq.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) { written.Store(info.Err == nil) },
	}))
	start := time.Now()
	resp, err := p.HTTP.Do(httpReq)
	if err != nil {
		// Only a request with a body can have posted something; a GET that went unanswered
		// changed nothing.
		sent := req.Body != nil && written.Load()
		return Answer{}, TransportFailure(err, p.Service, timeoutAt(p.HTTP, ctx, start), sent, req.URL, req.Secrets...), false
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	// Drain a little more so the connection can be reused; a huge body is not worth it.
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswerBytes))
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: answer}, Response{Status: resp.StatusCode}, true
}

// timeoutAt is the time limit a request started at start ran under, to say "timeout after
// 10s" rather than just "timeout"; 0 when there was none.
func timeoutAt(c *http.Client, ctx context.Context, start time.Time) time.Duration {
	limit := c.Timeout
	if deadline, ok := ctx.Deadline(); ok {
		if left := deadline.Sub(start); limit == 0 || left < limit {
			limit = left
		}
	}
	return limit
}

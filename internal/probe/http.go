// Package probe runs one check against a target and reports what it saw. It knows nothing of
// databases or schedules: the context carries the deadline and the result goes back to the caller.
package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

// MaxBodyBytes is how much of a response body a check reads; the rest is left unread.
const MaxBodyBytes = 1 << 20

// HTTPChecker runs HTTP checks with what they share: the clients, which no check changes (a
// check's redirect limit goes on a copy of one), and the compiled JSON Schemas.
type HTTPChecker struct {
	Client *http.Client // verifies certificates
	// Insecure skips certificate verification, for targets with IgnoreTLSErrors. When nil, such
	// checks are down, saying so, rather than quietly verifying what the user asked to ignore.
	Insecure *http.Client
	Schemas  *SchemaCache // nil compiles the schema at every check
	// UserAgent goes on each request whose target names none. (The clients' transports add it
	// too, but on a copy of the request, which cost every check an allocation or four.)
	UserAgent string
}

// NewHTTPChecker returns an HTTPChecker whose clients are built as NewHTTPClient builds them,
// with a cache of DefaultSchemaCacheSize schemas.
func NewHTTPChecker(userAgent string, policy netguard.Policy) *HTTPChecker {
	return newHTTPChecker(userAgent, policy, clientOptions{})
}

// newHTTPChecker is NewHTTPChecker with the resolver and trusted roots tests choose.
func newHTTPChecker(userAgent string, policy netguard.Policy, o clientOptions) *HTTPChecker {
	insecure := o
	insecure.insecure = true
	return &HTTPChecker{
		Client:    buildHTTPClient(userAgent, policy, o),
		Insecure:  buildHTTPClient(userAgent, policy, insecure),
		Schemas:   NewSchemaCache(DefaultSchemaCacheSize),
		UserAgent: userAgent,
	}
}

// HTTP runs one HTTP check with client, compiling any JSON Schema afresh. It is the HTTPChecker
// without an insecure client or a schema cache: targets with IgnoreTLSErrors are down with it.
// Long-running callers should use a Checker (NewChecker) instead.
func HTTP(ctx context.Context, client *http.Client, target monitor.Target) monitor.Result {
	return (&HTTPChecker{Client: client}).Check(ctx, target)
}

// Check sends the target's request within its timeout and judges the answer: a transport
// failure first, then the status, then the body (keyword, then schema), then the time taken.
// The result's CheckedAt is left for the caller, which owns the clock.
func (c *HTTPChecker) Check(ctx context.Context, target monitor.Target) monitor.Result {
	ctx, cancel := withTimeout(ctx, target.Timeout)
	defer cancel()
	o := target.HTTP
	start := time.Now()
	down := func(err error) monitor.Result {
		return monitor.Result{Status: monitor.StatusDown, ResponseTime: time.Since(start), Error: describe(err, target.Timeout)}
	}

	client := c.Client
	if o.IgnoreTLSErrors {
		if client = c.Insecure; client == nil {
			return down(errors.New("ignoring TLS errors is not set up for this check"))
		}
	}
	perCheck := *client // shallow: the transport stays shared
	perCheck.CheckRedirect = redirectPolicy(o.Redirects())

	var clock phaseClock
	req, err := newRequest(clock.trace(ctx), target, c.UserAgent)
	if err != nil {
		return down(err)
	}
	resp, err := perCheck.Do(req)
	if err != nil {
		r := down(err)
		r.NoAnswer = resp == nil && noAnswer(err)
		r.CertExpiresAt = certExpiry(resp, err)
		if resp != nil { // a redirect refused: this is the answer that asked for it
			r.StatusCode = resp.StatusCode
		}
		return r
	}
	defer resp.Body.Close()
	body, readErr := readBody(resp.Body, needsBody(o))
	end := time.Now()
	r := monitor.Result{
		Status:        monitor.StatusUp,
		StatusCode:    resp.StatusCode,
		ResponseTime:  end.Sub(start),
		Timings:       clock.timings(end),
		CertExpiresAt: certExpiry(resp, nil),
	}
	switch {
	case readErr != nil:
		r.Error = describe(bodyError{readErr}, target.Timeout)
	default:
		r.Error = c.judge(resp.StatusCode, body, r.ResponseTime, target)
	}
	if r.Error != "" {
		r.Status = monitor.StatusDown
	}
	return r
}

// judge says why an answer that arrived whole fails the target, or "" when it passes.
func (c *HTTPChecker) judge(code int, body []byte, took time.Duration, target monitor.Target) string {
	o := target.HTTP
	if msg := statusError(code, target); msg != "" {
		return msg
	}
	if msg := keywordError(body, o); msg != "" {
		return msg
	}
	if o.JSONSchema != "" {
		sch, err := c.Schemas.Compile(o.JSONSchema)
		if err != nil {
			return err.Error()
		}
		if msg := checkSchema(sch, body, len(body) == MaxBodyBytes); msg != "" {
			return msg
		}
	}
	if limit := o.MaxResponseTimeMS; limit > 0 && took.Milliseconds() > int64(limit) {
		return fmt.Sprintf("slow: %d ms > %d ms", took.Milliseconds(), limit)
	}
	return ""
}

// newRequest builds the target's request. Explicit credentials (BasicAuth, BearerToken) win over
// an Authorization header; a Host header sets the host asked for, as it would on the wire.
func newRequest(ctx context.Context, target monitor.Target, userAgent string) (*http.Request, error) {
	o := target.HTTP
	method := o.Method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if o.Body != "" {
		body = strings.NewReader(o.Body) // also lets 307 and 308 redirects send it again
	}
	req, err := http.NewRequestWithContext(ctx, method, target.URL, body)
	if err != nil {
		return nil, err
	}
	for name, value := range o.Headers {
		if http.CanonicalHeaderKey(name) == "Host" {
			req.Host = value
			continue
		}
		req.Header.Set(name, value)
	}
	if a := o.BasicAuth; a != nil {
		req.SetBasicAuth(a.Username, a.Password)
	}
	if o.BearerToken != "" {
		req.Header.Set("Authorization", "Bearer "+o.BearerToken)
	}
	if userAgent != "" && req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", userAgent)
	}
	return req, nil
}

// Package probe runs one check against a target and reports what it saw. It knows nothing of
// databases or schedules: the context carries the deadline and the result goes back to the caller.
package probe

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

// MaxBodyBytes is how much of a response body a check reads; the rest is left unread.
const MaxBodyBytes = 1 << 20

// NewHTTPClient returns the client checks share. Every check opens its own connection, as a new
// visitor would, so DNS, connect and TLS are exercised each time (a reused connection would hide an
// expired certificate or a moved host). Redirects are followed, up to Go's default of 10. The
// policy is enforced on every address dialled, redirects and resolved names included; through a
// proxy (HTTP_PROXY and the like) the address dialled is the proxy's, and the proxy decides the rest.
func NewHTTPClient(userAgent string, policy netguard.Policy) *http.Client {
	return newHTTPClient(userAgent, policy, nil)
}

// newHTTPClient is NewHTTPClient with the resolver names are looked up with (nil for the
// system's), so tests can make a name resolve to an address of their choosing.
func newHTTPClient(userAgent string, policy netguard.Policy, resolver *net.Resolver) *http.Client {
	dialer := &net.Dialer{KeepAlive: -1, Resolver: resolver, Control: policy.Control}
	transport := &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            dialer.DialContext,
		DisableKeepAlives:      true,
		ForceAttemptHTTP2:      true,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{Transport: userAgentTransport{next: transport, userAgent: userAgent}}
}

type userAgentTransport struct {
	next      http.RoundTripper
	userAgent string
}

func (t userAgentTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("User-Agent") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("User-Agent", t.userAgent)
	}
	return t.next.RoundTrip(r)
}

// HTTP runs one GET against the target within its timeout and judges the answer. The result's
// CheckedAt is left for the caller, which owns the clock.
func HTTP(ctx context.Context, client *http.Client, target monitor.Target) monitor.Result {
	ctx, cancel := context.WithTimeout(ctx, target.Timeout)
	defer cancel()
	start := time.Now()
	down := func(err error) monitor.Result {
		return monitor.Result{Status: monitor.StatusDown, ResponseTime: time.Since(start), Error: describe(err, target.Timeout)}
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.URL, nil)
	if err != nil {
		return down(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return down(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, MaxBodyBytes)); err != nil {
		r := down(bodyError{err})
		r.StatusCode = resp.StatusCode
		return r
	}
	r := monitor.Result{Status: monitor.StatusUp, StatusCode: resp.StatusCode, ResponseTime: time.Since(start)}
	if resp.StatusCode != target.ExpectedStatusCode {
		r.Status = monitor.StatusDown
		r.Error = fmt.Sprintf("expected status %d, got %d", target.ExpectedStatusCode, resp.StatusCode)
	}
	return r
}

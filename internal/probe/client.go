package probe

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"

	"github.com/tocsin/tocsin/internal/netguard"
)

// NewHTTPClient returns the client checks share. Every check opens its own connection, as a new
// visitor would, so DNS, connect and TLS are exercised each time (a reused connection would hide an
// expired certificate or a moved host). Redirects are followed, up to Go's default of 10, unless
// the check sets its own limit (see HTTPChecker). The policy is enforced on every address dialled,
// redirects and resolved names included; through a proxy (HTTP_PROXY and the like) the address
// dialled is the proxy's, and the proxy decides the rest.
func NewHTTPClient(userAgent string, policy netguard.Policy) *http.Client {
	return newHTTPClient(userAgent, policy, nil)
}

// newHTTPClient is NewHTTPClient with the resolver names are looked up with (nil for the
// system's), so tests can make a name resolve to an address of their choosing.
func newHTTPClient(userAgent string, policy netguard.Policy, resolver *net.Resolver) *http.Client {
	return buildHTTPClient(userAgent, policy, clientOptions{resolver: resolver})
}

// maxResponseHeaderBytes bounds the status line and headers of an answer (Go's default is 1 MiB):
// a check needs a few of them, and a target must not make Tocsin hold much for it.
const maxResponseHeaderBytes = 64 << 10

// clientOptions are what tests and the insecure client change in the shared setup.
type clientOptions struct {
	resolver *net.Resolver  // nil: the system's
	rootCAs  *x509.CertPool // nil: the system's
	insecure bool           // skip certificate verification (checks with IgnoreTLSErrors)
}

func buildHTTPClient(userAgent string, policy netguard.Policy, o clientOptions) *http.Client {
	dialer := &net.Dialer{KeepAlive: -1, Resolver: o.resolver, Control: policy.Control}
	transport := &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            dialer.DialContext,
		DisableKeepAlives:      true,
		ForceAttemptHTTP2:      true,
		MaxResponseHeaderBytes: maxResponseHeaderBytes,
		// Every check opens a connection, and each connection gets these two buffers (4 KiB each
		// by default): a check's request is a few hundred bytes, and a longer header line or a
		// body is read on past the buffer, so smaller ones save allocation on every check.
		WriteBufferSize: 1 << 10,
		ReadBufferSize:  2 << 10,
		// The insecure client still reads the certificate (for its expiry); it only stops
		// trusting the chain and the name to decide whether the check may go on.
		TLSClientConfig: &tls.Config{RootCAs: o.rootCAs, InsecureSkipVerify: o.insecure},
	}
	return &http.Client{Transport: userAgentTransport{next: newOneShotTransport(transport), userAgent: userAgent}}
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

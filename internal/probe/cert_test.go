package probe

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

func TestHTTPCertificates(t *testing.T) {
	pki := newTestPKI(t)
	now := time.Now()
	day := 24 * time.Hour
	loopback := []net.IP{net.IPv4(127, 0, 0, 1)}
	right := []string{"right.tocsin.test"}
	valid := pki.issue(t, leafSpec{dnsNames: right, ips: loopback, notBefore: now.Add(-day), notAfter: now.Add(30 * day)})
	expired := pki.issue(t, leafSpec{dnsNames: right, ips: loopback, notBefore: now.Add(-60 * day), notAfter: now.Add(-30 * day)})
	notYet := pki.issue(t, leafSpec{dnsNames: right, ips: loopback, notBefore: now.Add(day), notAfter: now.Add(30 * day)})
	wrongHost := pki.issue(t, leafSpec{dnsNames: []string{"other.tocsin.test"}, notBefore: now.Add(-day), notAfter: now.Add(30 * day)})
	selfSigned := pki.issue(t, leafSpec{dnsNames: right, ips: loopback, notBefore: now.Add(-day), notAfter: now.Add(30 * day), selfSigned: true})

	dns := fakeDNS(t, [4]byte{127, 0, 0, 1}) // every name is this machine
	checker := newHTTPChecker("Tocsin/test", netguard.Policy{}, clientOptions{resolver: dns.resolver(), rootCAs: pki.pool})
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})

	const expiredText = "TLS: certificate has expired or is not yet valid"
	tests := []struct {
		name   string
		cert   tls.Certificate
		host   string
		ignore bool // IgnoreTLSErrors
		status monitor.Status
		error  string
	}{
		{"valid", valid, "right.tocsin.test", false, monitor.StatusUp, ""},
		{"valid, by address", valid, "127.0.0.1", false, monitor.StatusUp, ""},
		{"expired", expired, "right.tocsin.test", false, monitor.StatusDown, expiredText},
		{"not yet valid", notYet, "right.tocsin.test", false, monitor.StatusDown, expiredText},
		{"wrong host", wrongHost, "right.tocsin.test", false, monitor.StatusDown,
			"TLS: certificate is valid for other.tocsin.test, not right.tocsin.test"},
		{"wrong host, by address", wrongHost, "127.0.0.1", false, monitor.StatusDown,
			"TLS: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs"},
		{"self-signed", selfSigned, "right.tocsin.test", false, monitor.StatusDown, "TLS: certificate signed by unknown authority"},
		{"self-signed, TLS errors ignored", selfSigned, "right.tocsin.test", true, monitor.StatusUp, ""},
		{"expired, TLS errors ignored", expired, "right.tocsin.test", true, monitor.StatusUp, ""},
		{"wrong host, TLS errors ignored", wrongHost, "right.tocsin.test", true, monitor.StatusUp, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := tlsServer(t, tt.cert, ok)
			target := monitor.Target{URL: "https://" + net.JoinHostPort(tt.host, port(t, srv)) + "/", Timeout: 5 * time.Second,
				ExpectedStatusCode: 200, HTTP: monitor.HTTPOptions{IgnoreTLSErrors: tt.ignore}}
			r := checker.Check(context.Background(), target)
			if r.Status != tt.status || r.Error != tt.error {
				t.Errorf("got %s (%q), want %s (%q)", r.Status, r.Error, tt.status, tt.error)
			}
			// Read from the handshake even when verification failed or was skipped.
			if want := tt.cert.Leaf.NotAfter; r.CertExpiresAt == nil || !r.CertExpiresAt.Equal(want) {
				t.Errorf("CertExpiresAt = %v, want %v", r.CertExpiresAt, want)
			}
		})
	}
}

func TestHTTPWithoutTLSHasNoCertificate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	r := HTTP(context.Background(), NewHTTPClient("Tocsin/test", netguard.Policy{}), monitor.Target{URL: srv.URL, Timeout: 5 * time.Second, ExpectedStatusCode: 200})
	if r.Status != monitor.StatusUp || r.CertExpiresAt != nil {
		t.Errorf("got %s (%q), CertExpiresAt %v; want up without a certificate", r.Status, r.Error, r.CertExpiresAt)
	}
}

// The bare HTTP function has no insecure client: it says so rather than verify what the user
// asked to be ignored.
func TestHTTPWithoutAnInsecureClient(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	r := HTTP(context.Background(), NewHTTPClient("Tocsin/test", netguard.Policy{}), monitor.Target{URL: srv.URL, Timeout: 5 * time.Second,
		ExpectedStatusCode: 200, HTTP: monitor.HTTPOptions{IgnoreTLSErrors: true}})
	if want := "ignoring TLS errors is not set up for this check"; r.Status != monitor.StatusDown || r.Error != want {
		t.Errorf("got %s (%q), want down (%q)", r.Status, r.Error, want)
	}
}

// port is the port a test server listens on.
func port(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

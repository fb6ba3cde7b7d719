package probe

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

func TestCheckerDispatchesByKind(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	t.Cleanup(srv.Close)
	dns := fakeDNSZone(t, zoneOf(map[string][]string{"www.tocsin.test": {"192.0.2.1"}}))
	checker := NewChecker("Tocsin/test", netguard.Policy{})
	checker.Dialer.Resolver = dns.resolver()
	hostPort := srv.Listener.Addr().String()

	tests := []struct {
		name   string
		target monitor.Target
		status monitor.Status
		code   int
		error  string
	}{
		{"no kind is http", monitor.Target{URL: srv.URL, ExpectedStatusCode: http.StatusTeapot}, monitor.StatusUp, http.StatusTeapot, ""},
		{"http", monitor.Target{Kind: monitor.KindHTTP, URL: srv.URL, ExpectedStatusCode: 200}, monitor.StatusDown, http.StatusTeapot,
			"expected status 200, got 418"},
		{"tcp", monitor.Target{Kind: monitor.KindTCP, URL: hostPort}, monitor.StatusUp, 0, ""},
		{"tcp, closed", monitor.Target{Kind: monitor.KindTCP, URL: closedAddr(t)}, monitor.StatusDown, 0, "connection refused"},
		{"dns", monitor.Target{Kind: monitor.KindDNS, URL: "www.tocsin.test", DNS: monitor.DNSOptions{ExpectedAddress: "192.0.2.1"}},
			monitor.StatusUp, 0, ""},
		{"dns, missing", monitor.Target{Kind: monitor.KindDNS, URL: "nowhere.tocsin.test"}, monitor.StatusDown, 0, "no such host"},
		{"push is never probed", monitor.Target{Kind: monitor.KindPush, URL: srv.URL}, monitor.StatusDown, 0,
			"push sites are not probed: they report to Tocsin"},
		{"unknown kind", monitor.Target{Kind: "smtp", URL: hostPort}, monitor.StatusDown, 0, `unknown kind of check "smtp"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.target.Timeout = 5 * time.Second
			r := checker.Check(context.Background(), tt.target)
			if r.Status != tt.status || r.StatusCode != tt.code || r.Error != tt.error {
				t.Errorf("got %s/%d (%q), want %s/%d (%q)", r.Status, r.StatusCode, r.Error, tt.status, tt.code, tt.error)
			}
		})
	}
}

// NewChecker holds every kind of check to the policy.
func TestNewCheckerHonoursThePolicy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	checker := NewChecker("Tocsin/test", netguard.Policy{BlockPrivate: true})
	const want = "blocked: 127.0.0.1 is a loopback address (TOCSIN_BLOCK_PRIVATE_TARGETS is on)"
	for _, target := range []monitor.Target{
		{Kind: monitor.KindHTTP, URL: "http://" + ln.Addr().String(), ExpectedStatusCode: 200},
		{Kind: monitor.KindHTTP, URL: "https://" + ln.Addr().String(), ExpectedStatusCode: 200, HTTP: monitor.HTTPOptions{IgnoreTLSErrors: true}},
		{Kind: monitor.KindTCP, URL: ln.Addr().String()},
		{Kind: monitor.KindDNS, URL: "www.tocsin.test", DNS: monitor.DNSOptions{Server: ln.Addr().String()}},
	} {
		target.Timeout = 5 * time.Second
		if r := checker.Check(context.Background(), target); r.Status != monitor.StatusDown || r.Error != want {
			t.Errorf("%s %s: got %s (%q), want down (%q)", target.Kind, target.URL, r.Status, r.Error, want)
		}
	}
}

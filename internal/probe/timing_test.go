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

func TestHTTPTimings(t *testing.T) {
	pki := newTestPKI(t)
	cert := pki.issue(t, leafSpec{dnsNames: []string{"timed.tocsin.test"}, ips: []net.IP{net.IPv4(127, 0, 0, 1)},
		notBefore: time.Now().Add(-time.Hour), notAfter: time.Now().Add(time.Hour)})
	answer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) })
	plain := httptest.NewServer(answer)
	t.Cleanup(plain.Close)
	secure := tlsServer(t, cert, answer)
	toSecure := httptest.NewServer(http.RedirectHandler(secure.URL+"/", http.StatusFound))
	t.Cleanup(toSecure.Close)
	toPlain := tlsServer(t, cert, http.RedirectHandler(plain.URL+"/", http.StatusFound))
	dns := fakeDNS(t, [4]byte{127, 0, 0, 1})
	checker := newHTTPChecker("Tocsin/test", netguard.Policy{}, clientOptions{resolver: dns.resolver(), rootCAs: pki.pool})

	tests := []struct {
		name     string
		url      string
		dns, tls bool // whether the last request looked a name up, and spoke TLS
	}{
		{"http", plain.URL, false, false},
		{"https", secure.URL, false, true},
		{"http by name", "http://timed.tocsin.test:" + port(t, plain), true, false},
		{"https by name", "https://timed.tocsin.test:" + port(t, secure), true, true},
		{"redirected to https: the last request's", toSecure.URL, false, true},
		{"redirected to http: the last request's", toPlain.URL, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checker.Check(context.Background(), monitor.Target{URL: tt.url, Timeout: 5 * time.Second, ExpectedStatusCode: 200})
			if r.Status != monitor.StatusUp {
				t.Fatalf("status %s: %s", r.Status, r.Error)
			}
			tm := r.Timings
			if tm == nil {
				t.Fatal("no timings")
			}
			if (tm.DNS > 0) != tt.dns || (tm.TLS > 0) != tt.tls {
				t.Errorf("DNS %v, TLS %v; want DNS: %v, TLS: %v", tm.DNS, tm.TLS, tt.dns, tt.tls)
			}
			if tm.Connect <= 0 || tm.ServerProcessing <= 0 || tm.Transfer < 0 {
				t.Errorf("connect %v, server processing %v, transfer %v: want them measured", tm.Connect, tm.ServerProcessing, tm.Transfer)
			}
			if sum := tm.DNS + tm.Connect + tm.TLS + tm.ServerProcessing + tm.Transfer; sum > r.ResponseTime {
				t.Errorf("phases sum to %v, more than the response time %v", sum, r.ResponseTime)
			}
		})
	}
}

// A check that got no answer has no timings to show.
func TestHTTPTimingsOnlyWithAnAnswer(t *testing.T) {
	r := NewHTTPChecker("Tocsin/test", netguard.Policy{}).Check(context.Background(),
		monitor.Target{URL: "http://" + closedAddr(t), Timeout: 5 * time.Second, ExpectedStatusCode: 200})
	if r.Status != monitor.StatusDown || r.Timings != nil {
		t.Errorf("got %s (%q) with timings %+v", r.Status, r.Error, r.Timings)
	}
}

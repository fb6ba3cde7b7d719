package probe

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

// TestNoAnswerTellsTheNetworksFailuresFromTheSites: what a check fails with when Tocsin's own
// network is down (no name, no connection, no handshake, no time) is marked; any answer, even
// a 503 or a refused redirect, proves the network works and is not.
func TestNoAnswerTellsTheNetworksFailuresFromTheSites(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/unavailable", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/slowbody", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("start"))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/hangup", func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tlsSrv := httptest.NewTLSServer(mux)
	t.Cleanup(tlsSrv.Close)
	noRedirects := 0
	dns := fakeDNSZone(t, func(name string) dnsReply {
		if name == "silent.tocsin.test" {
			return dnsReply{silent: true}
		}
		return dnsReply{rcode: rcodeNXDomain}
	})

	checker := NewChecker("Tocsin/test", netguard.Policy{})
	checker.Dialer.Resolver = dns.resolver()
	tests := []struct {
		name     string
		target   monitor.Target
		noAnswer bool
	}{
		{"up", monitor.Target{URL: srv.URL + "/ok"}, false},
		{"a 503 is an answer", monitor.Target{URL: srv.URL + "/unavailable"}, false},
		{"a redirect not followed is an answer", monitor.Target{URL: srv.URL + "/redirect", HTTP: monitor.HTTPOptions{MaxRedirects: &noRedirects}}, false},
		{"a timeout in the body came after the answer", monitor.Target{URL: srv.URL + "/slowbody", Timeout: 200 * time.Millisecond}, false},
		{"blocked by the policy", monitor.Target{URL: "http://169.254.169.254/"}, false},
		{"connection refused", monitor.Target{URL: "http://" + closedAddr(t) + "/"}, true},
		{"timeout before the answer", monitor.Target{URL: srv.URL + "/slow", Timeout: 200 * time.Millisecond}, true},
		{"closed before the answer", monitor.Target{URL: srv.URL + "/hangup"}, true},
		{"TLS handshake failed", monitor.Target{URL: tlsSrv.URL + "/ok"}, true},
		{"no TLS where TLS was asked for", monitor.Target{URL: strings.Replace(srv.URL, "http:", "https:", 1) + "/ok"}, true},
		{"tcp: connected", monitor.Target{Kind: monitor.KindTCP, URL: srv.Listener.Addr().String()}, false},
		{"tcp: refused", monitor.Target{Kind: monitor.KindTCP, URL: closedAddr(t)}, true},
		{"tcp: blocked", monitor.Target{Kind: monitor.KindTCP, URL: "169.254.169.254:80"}, false},
		{"dns: no such host", monitor.Target{Kind: monitor.KindDNS, URL: "nowhere.tocsin.test"}, true},
		{"dns: no answer in time", monitor.Target{Kind: monitor.KindDNS, URL: "silent.tocsin.test", Timeout: 200 * time.Millisecond}, true},
		{"dns: server refused", monitor.Target{Kind: monitor.KindDNS, URL: "x.tocsin.test", DNS: monitor.DNSOptions{Server: closedUDP(t)}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.target.Timeout == 0 {
				tt.target.Timeout = 2 * time.Second
			}
			tt.target.ExpectedStatusCode = 200
			r := checker.Check(context.Background(), tt.target)
			if r.NoAnswer != tt.noAnswer {
				t.Errorf("no answer = %v, want %v (%s %d %q)", r.NoAnswer, tt.noAnswer, r.Status, r.StatusCode, r.Error)
			}
			if r.NoAnswer && r.Status != monitor.StatusDown {
				t.Errorf("no answer, yet %s", r.Status)
			}
		})
	}
}

// closedUDP returns a loopback UDP address nothing listens on.
func closedUDP(t *testing.T) string {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := c.LocalAddr().String()
	c.Close()
	return addr
}

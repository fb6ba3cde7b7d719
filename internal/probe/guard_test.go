package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

const blockedMetadata = "blocked: 169.254.169.254 is a cloud metadata address"

func TestHTTPHonoursThePolicy(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(site.Close)
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	}))
	t.Cleanup(redirect.Close)
	dns := fakeDNS(t, [4]byte{169, 254, 169, 254})

	allow, block := netguard.Policy{}, netguard.Policy{BlockPrivate: true}
	tests := []struct {
		name     string
		policy   netguard.Policy
		url      string
		status   monitor.Status
		error    string
		resolved bool // the name went through the fake DNS server
	}{
		{"metadata address", allow, "http://169.254.169.254/latest/meta-data/", monitor.StatusDown, blockedMetadata, false},
		{"IPv4-mapped metadata address", allow, "http://[::ffff:169.254.169.254]/", monitor.StatusDown, blockedMetadata, false},
		{"link-local address", allow, "http://169.254.1.1/", monitor.StatusDown, "blocked: 169.254.1.1 is a link-local address", false},
		{"redirect to the metadata address", allow, redirect.URL, monitor.StatusDown, blockedMetadata, false},
		{"name resolving to the metadata address", allow, "http://metadata.tocsin.test/latest/meta-data/", monitor.StatusDown, blockedMetadata, true},
		{"name resolving to the metadata address, private blocked", block, "http://metadata.tocsin.test/", monitor.StatusDown, blockedMetadata, true},
		{"loopback allowed by default", allow, site.URL, monitor.StatusUp, "", false},
		{"loopback with private blocked", block, site.URL, monitor.StatusDown,
			"blocked: 127.0.0.1 is a loopback address (TOCSIN_BLOCK_PRIVATE_TARGETS is on)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := dns.queries.Load()
			client := newHTTPClient("Tocsin/test", tt.policy, dns.resolver())
			r := HTTP(context.Background(), client, monitor.Target{URL: tt.url, Timeout: 5 * time.Second, ExpectedStatusCode: 200})
			if r.Status != tt.status || r.Error != tt.error {
				t.Errorf("got %s (%q), want %s (%q)", r.Status, r.Error, tt.status, tt.error)
			}
			if asked := dns.queries.Load() > before; asked != tt.resolved {
				t.Errorf("fake DNS server asked: %v, want %v", asked, tt.resolved)
			}
		})
	}
}

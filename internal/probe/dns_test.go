package probe

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

func TestDNS(t *testing.T) {
	records := zoneOf(map[string][]string{
		"www.tocsin.test":  {"10.0.0.2", "10.0.0.1"},
		"v6.tocsin.test":   {"2001:db8::1", "192.0.2.7"},
		"only.tocsin.test": {"192.0.2.1"},
	})
	zone := func(name string) dnsReply {
		switch name {
		case "broken.tocsin.test":
			return dnsReply{rcode: rcodeServFail}
		case "silent.tocsin.test":
			return dnsReply{silent: true}
		}
		return records(name)
	}
	server := fakeDNSZone(t, zone)

	// The zone reached two ways: as the system resolver would be (the dialer's Resolver), and as
	// the server a site names.
	viaResolver := NewDialer(netguard.Policy{})
	viaResolver.Resolver = server.resolver()
	viaServer := NewDialer(netguard.Policy{})
	viaServer.Resolver = fakeDNSZone(t, func(string) dnsReply { return dnsReply{rcode: rcodeNXDomain} }).resolver() // must not be asked

	tests := []struct {
		name     string
		host     string
		expected string
		status   monitor.Status
		error    string
	}{
		{"found", "www.tocsin.test", "", monitor.StatusUp, ""},
		{"found, any case", "WWW.Tocsin.Test", "", monitor.StatusUp, ""},
		{"expected address", "www.tocsin.test", "10.0.0.1", monitor.StatusUp, ""},
		{"expected IPv6 address", "v6.tocsin.test", "2001:db8:0:0::1", monitor.StatusUp, ""},
		{"unexpected address", "www.tocsin.test", "10.0.0.9", monitor.StatusDown, "resolved to 10.0.0.1, 10.0.0.2, not 10.0.0.9"},
		{"unexpected, both families", "v6.tocsin.test", "192.0.2.8", monitor.StatusDown, "resolved to 192.0.2.7, 2001:db8::1, not 192.0.2.8"},
		{"not found", "nowhere.tocsin.test", "", monitor.StatusDown, "no such host"},
		{"server failure", "broken.tocsin.test", "", monitor.StatusDown, "DNS lookup failed: server misbehaving"},
		{"timeout", "silent.tocsin.test", "", monitor.StatusDown, "timeout after 300ms"},
	}
	for _, tt := range tests {
		for _, via := range []struct {
			name   string
			dialer *net.Dialer
			server string
		}{{"resolver", viaResolver, ""}, {"server", viaServer, server.addr}} {
			t.Run(tt.name+" via "+via.name, func(t *testing.T) {
				t.Parallel()
				timeout := 5 * time.Second
				if tt.host == "silent.tocsin.test" {
					timeout = 300 * time.Millisecond
				}
				r := DNS(context.Background(), via.dialer, monitor.Target{Kind: monitor.KindDNS, URL: tt.host, Timeout: timeout,
					DNS: monitor.DNSOptions{ExpectedAddress: tt.expected, Server: via.server}})
				if r.Status != tt.status || r.Error != tt.error {
					t.Errorf("got %s (%q), want %s (%q)", r.Status, r.Error, tt.status, tt.error)
				}
				if r.ResponseTime <= 0 {
					t.Errorf("response time %v not measured", r.ResponseTime)
				}
			})
		}
	}
}

// The server a site names is reached through the dialer, so the policy guards it.
func TestDNSServerHonoursThePolicy(t *testing.T) {
	server := fakeDNSZone(t, zoneOf(map[string][]string{"www.tocsin.test": {"192.0.2.1"}}))
	r := DNS(context.Background(), NewDialer(netguard.Policy{BlockPrivate: true}), monitor.Target{Kind: monitor.KindDNS, URL: "www.tocsin.test",
		Timeout: 5 * time.Second, DNS: monitor.DNSOptions{Server: server.addr}})
	if want := "blocked: 127.0.0.1 is a loopback address (TOCSIN_BLOCK_PRIVATE_TARGETS is on)"; r.Status != monitor.StatusDown || r.Error != want {
		t.Errorf("got %s (%q), want down (%q)", r.Status, r.Error, want)
	}
	if n := server.queries.Load(); n != 0 {
		t.Errorf("the blocked server was asked %d questions", n)
	}
}

func TestJoinAddrs(t *testing.T) {
	addrs := []netip.Addr{netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("::ffff:10.0.0.2"), netip.MustParseAddr("10.0.0.1")}
	if got, want := joinAddrs(addrs), "10.0.0.1, 10.0.0.2, 2001:db8::1"; got != want {
		t.Errorf("joinAddrs = %q, want %q", got, want)
	}
}

// A chosen server is asked about the name as written, never with this machine's search domains.
func TestDNSServerIsAskedTheNameAsWritten(t *testing.T) {
	var mu sync.Mutex
	asked := map[string]bool{}
	server := fakeDNSZone(t, func(name string) dnsReply {
		mu.Lock()
		defer mu.Unlock()
		asked[name] = true
		return dnsReply{rcode: rcodeNXDomain}
	})
	r := DNS(context.Background(), NewDialer(netguard.Policy{}), monitor.Target{Kind: monitor.KindDNS, URL: "nowhere.tocsin.test",
		Timeout: 5 * time.Second, DNS: monitor.DNSOptions{Server: server.addr}})
	if r.Status != monitor.StatusDown || r.Error != "no such host" {
		t.Errorf("got %s (%q), want down (no such host)", r.Status, r.Error)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 1 || !asked["nowhere.tocsin.test"] {
		t.Errorf("server asked about %v, want only nowhere.tocsin.test", asked)
	}
}

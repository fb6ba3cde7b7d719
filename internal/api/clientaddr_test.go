package api

import (
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("fd00::/8")}
	tests := []struct {
		name      string
		remote    string
		forwarded []string
		trusted   []netip.Prefix
		want      string
	}{
		{"no proxies trusted: the peer", "203.0.113.5:4000", []string{"198.51.100.1"}, nil, "203.0.113.5"},
		{"no proxies trusted, even from loopback", "127.0.0.1:4000", []string{"198.51.100.1"}, nil, "127.0.0.1"},
		{"an untrusted peer's header is ignored", "203.0.113.5:4000", []string{"198.51.100.1"}, proxies, "203.0.113.5"},
		{"behind one proxy", "10.0.0.2:4000", []string{"198.51.100.1"}, proxies, "198.51.100.1"},
		{"a spoofed left-most address is skipped", "10.0.0.2:4000", []string{"6.6.6.6, 198.51.100.1"}, proxies, "198.51.100.1"},
		{"behind two proxies", "127.0.0.1:4000", []string{"6.6.6.6, 198.51.100.1, 10.9.9.9"}, proxies, "198.51.100.1"},
		{"headers are read as one list", "127.0.0.1:4000", []string{"6.6.6.6", "198.51.100.1", "10.9.9.9"}, proxies, "198.51.100.1"},
		{"a proxy without a header", "10.0.0.2:4000", nil, proxies, "10.0.0.2"},
		{"every hop a proxy", "10.0.0.2:4000", []string{"10.1.1.1, 10.2.2.2"}, proxies, "10.1.1.1"},
		{"garbage stops the walk at the last proxy", "10.0.0.2:4000", []string{"198.51.100.1, nonsense, 10.3.3.3"}, proxies, "10.3.3.3"},
		{"IPv6 client", "[fd00::1]:4000", []string{" 2001:db8::7 "}, proxies, "2001:db8::7"},
		{"an IPv4-mapped peer", "[::ffff:10.0.0.2]:4000", []string{"198.51.100.1"}, proxies, "198.51.100.1"},
		{"a peer without a port", "203.0.113.5", nil, proxies, "203.0.113.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clientAddr(tt.remote, tt.forwarded, tt.trusted); got != tt.want {
				t.Errorf("clientAddr(%q, %q) = %q, want %q", tt.remote, tt.forwarded, got, tt.want)
			}
		})
	}
}

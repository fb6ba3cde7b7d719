package probe

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

// DNS resolves target.URL (a host name) to its IPv4 and IPv6 addresses within the target's
// timeout. It asks target.DNS.Server (host:port) when set, through dialer, so the policy that
// guards every other connection guards that one too; otherwise dialer.Resolver (the system's
// when nil). The site is up when the name resolves and, with an ExpectedAddress, when one of the
// addresses is it. The response time is the time to resolve.
func DNS(ctx context.Context, dialer *net.Dialer, target monitor.Target) monitor.Result {
	ctx, cancel := withTimeout(ctx, target.Timeout)
	defer cancel()
	resolver := dialer.Resolver
	// The resolver reports a failed dial as text alone; a refusal by the policy is kept aside so
	// the user reads it as it is.
	var blocked atomic.Pointer[netguard.BlockedError]
	name := target.URL
	if server := target.DNS.Server; server != "" {
		// Asked of a chosen server, the name is meant as written, not with this machine's
		// search domains appended when it is not found.
		if !strings.HasSuffix(name, ".") {
			name += "."
		}
		resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			// network is "udp", or "tcp" when an answer was too long for UDP.
			conn, err := dialer.DialContext(ctx, network, server)
			var b *netguard.BlockedError
			if errors.As(err, &b) {
				blocked.Store(b)
			}
			return conn, err
		}}
	}
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	start := time.Now()
	addrs, err := resolver.LookupNetIP(ctx, "ip", name)
	r := monitor.Result{Status: monitor.StatusUp, ResponseTime: time.Since(start)}
	if b := blocked.Load(); err != nil && b != nil {
		err = b
	}
	switch {
	case err != nil:
		r.Error, r.NoAnswer = describe(err, target.Timeout), noAnswer(err)
	case target.DNS.ExpectedAddress != "" && !resolvedTo(addrs, target.DNS.ExpectedAddress):
		r.Error = "resolved to " + joinAddrs(addrs) + ", not " + target.DNS.ExpectedAddress
	}
	if r.Error != "" {
		r.Status = monitor.StatusDown
	}
	return r
}

// resolvedTo says whether expected is among addrs, comparing addresses rather than their
// spellings (::ffff:10.0.0.1 is 10.0.0.1, 2001:DB8::1 is 2001:db8::1).
func resolvedTo(addrs []netip.Addr, expected string) bool {
	want, err := netip.ParseAddr(expected)
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if a.Unmap() == want.Unmap() {
			return true
		}
	}
	return false
}

// joinAddrs lists addresses in order (IPv4 first), not in the resolver's, which depends on this
// machine's routes: the same answer always reads the same.
func joinAddrs(addrs []netip.Addr) string {
	sorted := make([]netip.Addr, len(addrs))
	for i, a := range addrs {
		sorted[i] = a.Unmap()
	}
	slices.SortFunc(sorted, netip.Addr.Compare)
	s := make([]string, len(sorted))
	for i, a := range sorted {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

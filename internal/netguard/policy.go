// Package netguard decides which IP addresses Tocsin may connect to. The decision is taken when a
// connection is dialled, on the address actually dialled, so a name that resolves to a forbidden
// address, or a redirect to one, is caught as surely as a URL that names it.
package netguard

import "net/netip"

// Reasons a BlockedError gives, completing "blocked: <ip> is …".
const (
	ReasonMetadata    = "a cloud metadata address"
	ReasonLinkLocal   = "a link-local address"
	ReasonLoopback    = "a loopback address" + privateSuffix
	ReasonPrivate     = "a private address" + privateSuffix
	ReasonShared      = "a shared (CGNAT) address" + privateSuffix
	ReasonUnspecified = "an unspecified address" + privateSuffix
	ReasonInvalid     = "not a valid IP address"

	// privateSuffix names the setting behind a refusal the default policy would allow, so a
	// user who monitors an internal service knows what to change.
	privateSuffix = " (TOCSIN_BLOCK_PRIVATE_TARGETS is on)"
)

// Policy says which addresses checks and webhook deliveries may reach. The zero Policy blocks
// only cloud metadata and link-local addresses: monitoring internal services on loopback and
// private networks is a main use of a self-hosted monitor.
type Policy struct {
	// BlockPrivate also blocks loopback, private, shared (CGNAT) and unspecified addresses, for
	// instances whose users should not be able to probe the network Tocsin runs in.
	BlockPrivate bool
}

// BlockedError is the refusal of an address.
type BlockedError struct {
	IP     netip.Addr // the address as checked, IPv4-mapped IPv6 unmapped
	Reason string     // one of the Reason constants
}

func (e *BlockedError) Error() string {
	return "blocked: " + e.IP.String() + " is " + e.Reason
}

// Check returns nil when the policy allows connecting to ip, or a *BlockedError.
func (p Policy) Check(ip netip.Addr) error {
	// ::ffff:169.254.169.254 reaches 169.254.169.254: judge the IPv4 address it carries.
	ip = ip.Unmap()
	if reason := p.reason(ip); reason != "" {
		return &BlockedError{IP: ip, Reason: reason}
	}
	return nil
}

// reason is why ip is blocked, or "" when it is allowed.
func (p Policy) reason(ip netip.Addr) string {
	switch {
	case !ip.IsValid():
		return ReasonInvalid
	// Metadata comes first: fd00:ec2::254 is also a private address, but it must stay blocked
	// when private addresses are allowed, and its message should say why.
	case isMetadata(ip):
		return ReasonMetadata
	case ip.IsLinkLocalUnicast():
		return ReasonLinkLocal
	case !p.BlockPrivate:
		return ""
	case ip.IsLoopback():
		return ReasonLoopback
	case ip.IsPrivate():
		return ReasonPrivate
	case sharedPrefix().Contains(ip):
		return ReasonShared
	case ip.IsUnspecified():
		return ReasonUnspecified
	}
	return ""
}

// isMetadata reports whether ip is a cloud provider's instance metadata service, which hands
// out credentials to whoever asks from the instance.
func isMetadata(ip netip.Addr) bool {
	ip = ip.WithZone("")
	return ip == netip.AddrFrom4([4]byte{169, 254, 169, 254}) || // AWS, GCP, Azure, and most others
		ip == netip.AddrFrom4([4]byte{100, 100, 100, 200}) || // Alibaba Cloud
		ip == netip.MustParseAddr("fd00:ec2::254") // AWS over IPv6
}

// sharedPrefix is 100.64.0.0/10, the carrier-grade NAT range (RFC 6598), which netip does not
// count as private but which is as internal as 10.0.0.0/8 to whoever runs it.
func sharedPrefix() netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{100, 64, 0, 0}), 10)
}

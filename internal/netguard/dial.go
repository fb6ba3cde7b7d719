package netguard

import (
	"fmt"
	"net/netip"
	"syscall"
)

// Control checks the address a net.Dialer is about to connect to, for use as its Control
// function. It runs after name resolution and before the connection is made, once for every
// address tried, so it sees what is really dialled, whatever name or redirect led there.
func (p Policy) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		// Refuse what cannot be read: letting it through would be a way around the check.
		return fmt.Errorf("netguard: cannot read the %s address %q: %w", network, address, err)
	}
	return p.Check(ap.Addr())
}

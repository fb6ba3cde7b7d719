package netguard

import (
	"net/netip"
	"net/url"
)

// CheckURL refuses a URL whose host is a blocked IP address, so a site or webhook naming one
// can be turned down with a clear message when it is saved. A host name passes: what it
// resolves to can change, and is checked each time a connection is dialled.
func (p Policy) CheckURL(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return err // a *url.Error, which already says what could not be parsed
	}
	ip, err := netip.ParseAddr(u.Hostname())
	if err != nil {
		return nil // a name, not an address
	}
	return p.Check(ip)
}

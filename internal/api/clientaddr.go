package api

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddr is the address of the client a request comes from, for the login limit and the
// request log.
func (h *Handler) clientAddr(r *http.Request) string {
	return clientAddr(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), h.trustedProxies)
}

// clientAddr finds the client behind trusted proxies. The peer is the client unless it is a
// trusted proxy. Each proxy appends to X-Forwarded-For the address it got the request from, so
// the header is read from the right, skipping trusted proxies: the first address that is not
// one is the client. What lies left of it was written by the client itself, and is never
// believed. An entry that is not an address was not written by a trusted proxy either; the
// last trusted hop before it is then all that is known.
func clientAddr(remoteAddr string, forwardedFor []string, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !isTrusted(peer, trusted) {
		return host
	}
	var hops []string
	for _, header := range forwardedFor {
		hops = append(hops, strings.Split(header, ",")...)
	}
	client := peer.Unmap()
	for i := len(hops) - 1; i >= 0 && isTrusted(client, trusted); i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		client = hop.Unmap()
	}
	return client.String()
}

func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	addr = addr.Unmap()
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ClientAddr finds a request's client as the API does, behind the trusted proxies: for the
// dashboard's sign-in, which shares the API's login limit.
func ClientAddr(trusted []netip.Prefix) func(*http.Request) string {
	return func(r *http.Request) string {
		return clientAddr(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), trusted)
	}
}

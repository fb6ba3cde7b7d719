package probe

import (
	"context"
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

// dnsServer is a DNS server on loopback UDP answering from a zone the test writes, so a test can
// make a name resolve anywhere, or fail to, without asking a real resolver.
type dnsServer struct {
	addr    string
	queries atomic.Int64
}

// dnsReply is what the fake server says about one name.
type dnsReply struct {
	addrs  []netip.Addr // answered to A (IPv4) and AAAA (IPv6) questions
	rcode  byte         // 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN
	silent bool         // no answer at all, as a server that is down
}

const (
	rcodeServFail = 2
	rcodeNXDomain = 3
)

// resolver looks names up with the fake server only, whatever resolv.conf says.
func (s *dnsServer) resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", s.addr)
	}}
}

// fakeDNS answers every name with the one IPv4 address a.
func fakeDNS(t *testing.T, a [4]byte) *dnsServer {
	return fakeDNSZone(t, func(string) dnsReply { return dnsReply{addrs: []netip.Addr{netip.AddrFrom4(a)}} })
}

// zoneOf answers the names of records (lower case, no final dot) with their addresses, and
// every other name with NXDOMAIN.
func zoneOf(records map[string][]string) func(string) dnsReply {
	return func(name string) dnsReply {
		addrs, ok := records[name]
		if !ok {
			return dnsReply{rcode: rcodeNXDomain}
		}
		r := dnsReply{}
		for _, a := range addrs {
			r.addrs = append(r.addrs, netip.MustParseAddr(a))
		}
		return r
	}
}

func fakeDNSZone(t *testing.T, zone func(name string) dnsReply) *dnsServer {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	s := &dnsServer{addr: conn.LocalAddr().String()}
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := conn.ReadFrom(buf)
			if err != nil {
				return // closed
			}
			if reply := dnsAnswer(buf[:n], zone); reply != nil {
				s.queries.Add(1)
				conn.WriteTo(reply, from)
			}
		}
	}()
	return s
}

// dnsAnswer replies to a one-question query (RFC 1035 §4.1) from the zone, with a TTL of 60
// seconds. nil means no reply: the query is unreadable, or the zone is silent about the name.
func dnsAnswer(query []byte, zone func(string) dnsReply) []byte {
	const headerLen, typeA, typeAAAA, classIN = 12, 1, 28, 1
	if len(query) < headerLen || binary.BigEndian.Uint16(query[4:]) != 1 {
		return nil
	}
	var labels []string
	end := headerLen // past the question's name, a run of labels ending in an empty one
	for end < len(query) && query[end] != 0 {
		next := end + 1 + int(query[end])
		if next > len(query) {
			return nil
		}
		labels = append(labels, string(query[end+1:next]))
		end = next
	}
	end += 1 + 4 // the empty label, then QTYPE and QCLASS
	if end > len(query) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(query[end-4:])
	answer := zone(strings.ToLower(strings.Join(labels, ".")))
	if answer.silent {
		return nil
	}

	reply := make([]byte, headerLen, end+64)
	copy(reply, query[:2])                         // ID
	reply[2] = 0x80 | query[2]&0x01                // QR, with the query's RD
	reply[3] = 0x80 | answer.rcode&0x0f            // RA, RCODE
	binary.BigEndian.PutUint16(reply[4:], 1)       // QDCOUNT
	reply = append(reply, query[headerLen:end]...) // the question, as asked
	var count uint16
	for _, a := range answer.addrs {
		var data []byte
		switch {
		case qtype == typeA && a.Is4():
			data = a.AsSlice()
		case qtype == typeAAAA && a.Is6():
			data = a.AsSlice()
		default:
			continue
		}
		count++
		reply = append(reply, 0xc0, headerLen) // the name: a pointer to the question's
		reply = binary.BigEndian.AppendUint16(reply, qtype)
		reply = binary.BigEndian.AppendUint16(reply, classIN)
		reply = binary.BigEndian.AppendUint32(reply, 60) // TTL
		reply = binary.BigEndian.AppendUint16(reply, uint16(len(data)))
		reply = append(reply, data...)
	}
	binary.BigEndian.PutUint16(reply[6:], count) // ANCOUNT
	return reply
}

package probe

import (
	"context"
	"encoding/binary"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
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

// dnsServer answers every A question with one address, on loopback UDP, so a test can make
// a name resolve anywhere without asking a real resolver.
type dnsServer struct {
	addr    string
	queries atomic.Int64
}

// resolver looks names up with the fake server only, whatever resolv.conf says.
func (s *dnsServer) resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", s.addr)
	}}
}

func fakeDNS(t *testing.T, a [4]byte) *dnsServer {
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
			if reply := dnsAnswer(buf[:n], a); reply != nil {
				s.queries.Add(1)
				conn.WriteTo(reply, from)
			}
		}
	}()
	return s
}

// dnsAnswer replies to a one-question query (RFC 1035 §4.1): an A question gets the address a
// with a TTL of 60 seconds, any other type an empty answer. nil means the query is unreadable.
func dnsAnswer(query []byte, a [4]byte) []byte {
	const headerLen, typeA, classIN = 12, 1, 1
	if len(query) < headerLen || binary.BigEndian.Uint16(query[4:]) != 1 {
		return nil
	}
	end := headerLen // past the question's name, a run of labels ending in an empty one
	for end < len(query) && query[end] != 0 {
		end += 1 + int(query[end])
	}
	end += 1 + 4 // the empty label, then QTYPE and QCLASS
	if end > len(query) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(query[end-4:])

	reply := make([]byte, headerLen, end+16)
	copy(reply, query[:2])                         // ID
	reply[2] = 0x80 | query[2]&0x01                // QR, with the query's RD
	reply[3] = 0x80                                // RA, RCODE 0
	binary.BigEndian.PutUint16(reply[4:], 1)       // QDCOUNT
	reply = append(reply, query[headerLen:end]...) // the question, as asked
	if qtype == typeA {
		binary.BigEndian.PutUint16(reply[6:], 1) // ANCOUNT
		reply = append(reply, 0xc0, headerLen)   // the name: a pointer to the question's
		reply = binary.BigEndian.AppendUint16(reply, typeA)
		reply = binary.BigEndian.AppendUint16(reply, classIN)
		reply = binary.BigEndian.AppendUint32(reply, 60) // TTL
		reply = binary.BigEndian.AppendUint16(reply, uint16(len(a)))
		reply = append(reply, a[:]...)
	}
	return reply
}

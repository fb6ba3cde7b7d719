package probe

import (
	"context"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

func TestTCP(t *testing.T) {
	addr := rawServer(t, func(conn net.Conn) { conn.Close() })
	_, open, _ := net.SplitHostPort(addr)
	dns := fakeDNSZone(t, zoneOf(map[string][]string{"db.tocsin.test": {"127.0.0.1"}}))

	allow := NewDialer(netguard.Policy{})
	allow.Resolver = dns.resolver()
	blockPrivate := NewDialer(netguard.Policy{BlockPrivate: true})
	// hanging never connects: its Control waits for the deadline, as a dropped SYN would.
	hanging := &net.Dialer{ControlContext: func(ctx context.Context, _, _ string, _ syscall.RawConn) error {
		<-ctx.Done()
		return ctx.Err()
	}}

	tests := []struct {
		name   string
		dialer *net.Dialer
		addr   string
		status monitor.Status
		error  string
	}{
		{"open", allow, addr, monitor.StatusUp, ""},
		{"open, by name", allow, net.JoinHostPort("db.tocsin.test", open), monitor.StatusUp, ""},
		{"closed", allow, closedAddr(t), monitor.StatusDown, "connection refused"},
		{"no such host", allow, "nowhere.tocsin.test:5432", monitor.StatusDown, "no such host"},
		{"blocked", blockPrivate, addr, monitor.StatusDown,
			"blocked: 127.0.0.1 is a loopback address (TOCSIN_BLOCK_PRIVATE_TARGETS is on)"},
		{"metadata address blocked", allow, "169.254.169.254:80", monitor.StatusDown, blockedMetadata},
		{"timeout", hanging, addr, monitor.StatusDown, "timeout after 300ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			timeout := 5 * time.Second
			if tt.dialer == hanging {
				timeout = 300 * time.Millisecond
			}
			r := TCP(context.Background(), tt.dialer, monitor.Target{Kind: monitor.KindTCP, URL: tt.addr, Timeout: timeout})
			if r.Status != tt.status || r.Error != tt.error {
				t.Errorf("got %s (%q), want %s (%q)", r.Status, r.Error, tt.status, tt.error)
			}
			if r.ResponseTime <= 0 || r.StatusCode != 0 || r.Timings != nil {
				t.Errorf("response time %v, status code %d, timings %+v", r.ResponseTime, r.StatusCode, r.Timings)
			}
		})
	}
}

package probe

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

func TestHTTPJudgesTheAnswer(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/unavailable", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	mux.HandleFunc("/nocontent", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/slowbody", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("start"))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/hangup", func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tlsSrv := httptest.NewTLSServer(mux)
	t.Cleanup(tlsSrv.Close)

	tests := []struct {
		name     string
		url      string
		expect   int
		timeout  time.Duration
		status   monitor.Status
		code     int
		errorHas string
	}{
		{"200 is up", srv.URL + "/ok", 200, time.Second, monitor.StatusUp, 200, ""},
		{"503 is down", srv.URL + "/unavailable", 200, time.Second, monitor.StatusDown, 503, "expected status 200, got 503"},
		{"expected 204", srv.URL + "/nocontent", 204, time.Second, monitor.StatusUp, 204, ""},
		{"200 when 204 expected", srv.URL + "/ok", 204, time.Second, monitor.StatusDown, 200, "expected status 204, got 200"},
		{"redirect is followed", srv.URL + "/redirect", 200, time.Second, monitor.StatusUp, 200, ""},
		{"timeout", srv.URL + "/slow", 200, 300 * time.Millisecond, monitor.StatusDown, 0, "timeout after 300ms"},
		{"timeout in the body", srv.URL + "/slowbody", 200, 300 * time.Millisecond, monitor.StatusDown, 200, "timeout after 300ms while reading the body"},
		{"hang-up", srv.URL + "/hangup", 200, time.Second, monitor.StatusDown, 0, "connection closed before a complete response"},
		{"refused", "http://" + closedAddr(t), 200, time.Second, monitor.StatusDown, 0, "connection refused"},
		{"untrusted certificate", tlsSrv.URL + "/ok", 200, time.Second, monitor.StatusDown, 0, "TLS: certificate signed by unknown authority"},
		{"https to a plain server", strings.Replace(srv.URL, "http:", "https:", 1) + "/ok", 200, time.Second, monitor.StatusDown, 0, "TLS: the server did not answer with TLS"},
	}
	client := NewHTTPClient("Tocsin/test", netguard.Policy{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := HTTP(context.Background(), client, monitor.Target{URL: tt.url, Timeout: tt.timeout, ExpectedStatusCode: tt.expect})
			if r.Status != tt.status || r.StatusCode != tt.code {
				t.Errorf("got %s/%d (%q), want %s/%d", r.Status, r.StatusCode, r.Error, tt.status, tt.code)
			}
			if tt.errorHas == "" && r.Error != "" || !strings.Contains(r.Error, tt.errorHas) {
				t.Errorf("error = %q, want it to contain %q", r.Error, tt.errorHas)
			}
			if r.ResponseTime <= 0 {
				t.Errorf("response time %v not measured", r.ResponseTime)
			}
		})
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestHTTPSendsTocsinUserAgent(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- r.UserAgent() }))
	defer srv.Close()
	HTTP(context.Background(), NewHTTPClient("Tocsin/1.2.3", netguard.Policy{}), monitor.Target{URL: srv.URL, Timeout: time.Second, ExpectedStatusCode: 200})
	if ua := <-got; ua != "Tocsin/1.2.3" {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestHTTPReadsAtMostOneMebibyteOfBody(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 64<<10)
		for range 1024 { // 64 MiB if the client kept reading
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	r := HTTP(context.Background(), NewHTTPClient("t", netguard.Policy{}), monitor.Target{URL: srv.URL, Timeout: 5 * time.Second, ExpectedStatusCode: 200})
	if r.Status != monitor.StatusUp {
		t.Fatalf("status %s: %s", r.Status, r.Error)
	}
	srv.Close() // waits for the handler, which stops when the client hangs up
	// Socket buffers hold a few MiB beyond what was read; a client reading it all would take 64.
	if n := written.Load(); n > 32<<20 {
		t.Errorf("server wrote %d bytes: the client read past the cap", n)
	}
}

func TestDescribeDNSFailures(t *testing.T) {
	if got := describe(&net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, time.Second); got != "no such host" {
		t.Errorf("not found: %q", got)
	}
	if got := describe(&net.DNSError{Err: "server misbehaving", Name: "x"}, time.Second); got != "DNS lookup failed: server misbehaving" {
		t.Errorf("other: %q", got)
	}
	if got := describe(&net.OpError{Op: "dial", Err: syscall.EHOSTUNREACH}, time.Second); got != "host unreachable" {
		t.Errorf("unreachable: %q", got)
	}
}

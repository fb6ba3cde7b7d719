package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
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
	mux.HandleFunc("/hugeheaders", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Huge", strings.Repeat("a", maxResponseHeaderBytes))
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
		{"headers past the limit", srv.URL + "/hugeheaders", 200, time.Second, monitor.StatusDown, 0, "response headers too large (over 64 KiB)"},
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
	tests := []struct {
		name   string
		opts   monitor.HTTPOptions // what makes the check keep the body, or not
		status monitor.Status
		error  string
	}{
		{"discarded", monitor.HTTPOptions{}, monitor.StatusUp, ""},
		{"kept for a keyword", monitor.HTTPOptions{Keyword: "needle"}, monitor.StatusDown, `keyword "needle" not found in the body`},
		{"kept for a schema", monitor.HTTPOptions{JSONSchema: `{"type": "string"}`}, monitor.StatusDown,
			"body is not JSON (only its first 1 MiB is read): unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var written atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// 64 MiB if the client kept reading: a JSON string that never ends, and after the
				// first MiB the keyword.
				hay, needles := []byte(strings.Repeat("a", 64<<10)), []byte(strings.Repeat("needle ", 64<<10/7))
				for i := range 1024 {
					chunk := hay
					switch {
					case i == 0:
						chunk = append([]byte{'"'}, hay[1:]...)
					case i >= MaxBodyBytes/len(hay):
						chunk = needles
					}
					n, err := w.Write(chunk)
					written.Add(int64(n))
					if err != nil {
						return
					}
				}
			}))
			defer srv.Close()
			r := NewHTTPChecker("t", netguard.Policy{}).Check(context.Background(), monitor.Target{URL: srv.URL, Timeout: 5 * time.Second,
				ExpectedStatusCode: 200, HTTP: tt.opts})
			if r.Status != tt.status || r.Error != tt.error {
				t.Fatalf("got %s (%q), want %s (%q)", r.Status, r.Error, tt.status, tt.error)
			}
			srv.Close() // waits for the handler, which stops when the client hangs up
			// Socket buffers hold a few MiB beyond what was read; a client reading it all would take 64.
			if n := written.Load(); n > 32<<20 {
				t.Errorf("server wrote %d bytes: the client read past the cap", n)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	get := func(err error) error { return &url.Error{Op: "Get", URL: "http://x/a", Err: err} }
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"not found", &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, "no such host"},
		{"other DNS failure", &net.DNSError{Err: "server misbehaving", Name: "x"}, "DNS lookup failed: server misbehaving"},
		{"unreachable", &net.OpError{Op: "dial", Err: syscall.EHOSTUNREACH}, "host unreachable"},
		{"deadline", get(context.DeadlineExceeded), "timeout after 2s"},
		{"deadline in the body", bodyError{context.DeadlineExceeded}, "timeout after 2s while reading the body"},
		{"redirect loop", get(&redirectLoopError{chain: []string{"http://x/a", "http://x/b", "http://x/a"}}),
			"redirect loop: http://x/a → http://x/b → http://x/a"},
		{"too many redirects", get(&tooManyRedirectsError{limit: 10}), "stopped after 10 redirects"},
		{"blocked", get(&net.OpError{Op: "dial", Err: &netguard.BlockedError{IP: netip.MustParseAddr("169.254.169.254"), Reason: netguard.ReasonMetadata}}),
			blockedMetadata},
		{"wrong host", get(&tls.CertificateVerificationError{Err: x509.HostnameError{
			Certificate: &x509.Certificate{DNSNames: []string{"a.test"}}, Host: "b.test"}}), "TLS: certificate is valid for a.test, not b.test"},
		{"expired", get(&tls.CertificateVerificationError{Err: x509.CertificateInvalidError{Reason: x509.Expired}}),
			"TLS: certificate has expired or is not yet valid"},
		{"unknown authority", get(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), "TLS: certificate signed by unknown authority"},
		{"HTTP/2 headers past the limit", get(errors.New("http2: response header list larger than advertised limit")),
			"response headers too large (over 64 KiB)"},
		{"anything else", get(errors.New("unsupported protocol scheme \"ftp\"")), `unsupported protocol scheme "ftp"`},
	}
	for _, tt := range tests {
		if got := describe(tt.err, 2*time.Second); got != tt.want {
			t.Errorf("%s: describe = %q, want %q", tt.name, got, tt.want)
		}
	}
}

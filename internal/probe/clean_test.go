package probe

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

// Whatever a target answers, the result's text can be stored: PostgreSQL refuses NUL and invalid
// UTF-8, and one refused row used to hold back every site's results.
func TestCheckResultTextIsClean(t *testing.T) {
	serve := func(body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	pki := newTestPKI(t)
	now := time.Now()
	nulName := pki.issue(t, leafSpec{dnsNames: []string{"a\x00b.tocsin.test"}, notBefore: now.Add(-time.Hour), notAfter: now.Add(time.Hour)})
	nulNameSrv := tlsServer(t, nulName, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	checker := NewChecker("Tocsin/test", netguard.Policy{})
	checker.HTTP = newHTTPChecker("Tocsin/test", netguard.Policy{}, clientOptions{resolver: fakeDNS(t, [4]byte{127, 0, 0, 1}).resolver(), rootCAs: pki.pool})

	long := strings.Repeat("y", 3000)
	tests := []struct {
		name   string
		url    string
		schema string
		want   string // the whole error, or its start when it ends in "…"
	}{
		{"NUL in a key the schema names", serve(`{"a\u0000b": 1}`), `{"properties": {"a\u0000b": {"type": "string"}}}`,
			"/a\uFFFDb: expected string, got number"},
		{"NUL in a key the schema refuses", serve(`{"a\u0000b": 1}`), `{"additionalProperties": false}`, ""},
		{"NUL and a long value quoted by a violation", serve(`{"a": "x\u0000` + long + `"}`), `{"properties": {"a": {"pattern": "^z"}}}`,
			"/a: 'x\\x00yyy"},
		{"NUL in the body", serve("\x00\xff"), `true`, ""},
		{"NUL in a certificate's name", "https://right.tocsin.test:" + port(t, nulNameSrv) + "/", "",
			"TLS: certificate is valid for a\uFFFDb.tocsin.test, not right.tocsin.test"},
		{"invalid UTF-8 and NUL in a header", rawTarget(t, "HTTP/1.1 200 OK\r\nX-Bad: \xff\xfe\x00\r\nContent-Length: 0\r\n\r\n"), "", ""},
		{"invalid UTF-8 in a redirect", rawTarget(t, "HTTP/1.1 302 Found\r\nLocation: /\xff\xfe\r\nContent-Length: 0\r\n\r\n"), "", ""},
		{"invalid UTF-8 as the answer", rawTarget(t, "\xff\x00garbage\r\n\r\n"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := checker.Check(context.Background(), monitor.Target{URL: tt.url, Timeout: 5 * time.Second, ExpectedStatusCode: 200,
				HTTP: monitor.HTTPOptions{JSONSchema: tt.schema}})
			if r.Status != monitor.StatusDown || r.Error == "" {
				t.Fatalf("got %s (%q), want down with a reason", r.Status, r.Error)
			}
			if why := uncleanText(r.Error); why != "" {
				t.Errorf("error %.200q: %s", r.Error, why)
			}
			switch {
			case tt.want == "":
			case strings.HasSuffix(r.Error, "…"):
				if !strings.HasPrefix(r.Error, tt.want) {
					t.Errorf("error %.200q, want it to start with %q", r.Error, tt.want)
				}
			case r.Error != tt.want:
				t.Errorf("error %.200q, want %q", r.Error, tt.want)
			}
		})
	}
}

// uncleanText says what makes s unfit to store, or "".
func uncleanText(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	case len(s) > monitor.MaxErrorBytes:
		return "longer than monitor.MaxErrorBytes"
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' {
			return "holds a control character"
		}
	}
	return ""
}

// rawTarget answers every request with answer, byte for byte, then hangs up.
func rawTarget(t *testing.T, answer string) string {
	t.Helper()
	addr := rawServer(t, func(conn net.Conn) {
		defer conn.Close()
		r := bufio.NewReader(conn)
		for { // the request's head; checks send no body here
			line, err := r.ReadString('\n')
			if err != nil || line == "\r\n" {
				break
			}
		}
		conn.Write([]byte(answer))
	})
	return "http://" + addr + "/"
}

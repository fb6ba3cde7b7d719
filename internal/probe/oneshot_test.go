package probe

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

// rawServer accepts connections on loopback and hands each to serve, which owns it.
func rawServer(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return l.Addr().String()
}

// capture is what a raw server saw of one connection: the request's head, sorted line by line
// below its first, and whether the client closed the connection after the answer.
type capture struct {
	head   []string
	closed bool
}

// capturingServer answers every request with answer and reports what it saw.
func capturingServer(t *testing.T, answer string) (string, chan capture) {
	seen := make(chan capture, 4)
	addr := rawServer(t, func(c net.Conn) {
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		br := bufio.NewReader(c)
		req, err := http.ReadRequest(br)
		if err != nil {
			seen <- capture{}
			return
		}
		io.Copy(io.Discard, req.Body)
		var head []string
		req.Header.Write(writerFunc(func(p []byte) (int, error) {
			head = append(head, strings.Split(strings.TrimSpace(string(p)), "\r\n")...)
			return len(p), nil
		}))
		slices.Sort(head)
		head = append([]string{req.Method + " " + req.RequestURI + " " + req.Host}, head...)
		io.WriteString(c, answer)
		_, err = br.ReadByte() // the client should hang up, having had its answer
		seen <- capture{head: head, closed: errors.Is(err, io.EOF)}
	})
	return addr, seen
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestOneShotSendsWhatTheTransportSends(t *testing.T) {
	tests := []struct {
		name, method, body string
		header             http.Header
		host               string
	}{
		{name: "GET", method: "GET"},
		{name: "HEAD asks for no gzip", method: "HEAD"},
		{name: "POST with a body", method: "POST", body: `{"ping":true}`, header: http.Header{"Content-Type": {"application/json"}}},
		{name: "a range asks for no gzip", method: "GET", header: http.Header{"Range": {"bytes=0-9"}}},
		{name: "an encoding of the user's own", method: "GET", header: http.Header{"Accept-Encoding": {"identity"}}},
		{name: "a Host of its own", method: "GET", host: "status.example.test"},
	}
	addr, seen := capturingServer(t, "HTTP/1.1 204 No Content\r\n\r\n")
	stock := &http.Transport{DisableKeepAlives: true}
	oneShot := newOneShotTransport(stock)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var heads [2][]string
			for i, rt := range []http.RoundTripper{stock, oneShot} {
				var body io.Reader
				if tt.body != "" {
					body = strings.NewReader(tt.body)
				}
				req, _ := http.NewRequest(tt.method, "http://"+addr+"/path?q=1", body)
				req.Host = tt.host
				for k, v := range tt.header {
					req.Header[k] = v
				}
				req.Header.Set("User-Agent", "Tocsin/test")
				resp, err := rt.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				got := <-seen
				if !got.closed {
					t.Errorf("transport %d left the connection open after the answer", i)
				}
				heads[i] = got.head
			}
			if !slices.Equal(heads[0], heads[1]) {
				t.Errorf("http.Transport sent\n%q\none-shot sent\n%q", heads[0], heads[1])
			}
		})
	}
}

func TestOneShotDecompressesWhatItAskedGzipped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			io.WriteString(w, "plain: all systems go")
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, "zipped: all systems go")
		zw.Close()
	}))
	defer srv.Close()
	tests := []struct {
		name    string
		headers map[string]string
		keyword string
	}{
		{"asked by Tocsin", nil, "zipped: all systems go"},
		{"the user's own encoding is left alone", map[string]string{"Accept-Encoding": "identity"}, "plain: all systems go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewHTTPChecker("t", netguard.Policy{}).Check(context.Background(), monitor.Target{URL: srv.URL,
				Timeout: 5 * time.Second, ExpectedStatusCode: 200, HTTP: monitor.HTTPOptions{Keyword: tt.keyword, Headers: tt.headers}})
			if r.Status != monitor.StatusUp {
				t.Errorf("got %s: %s", r.Status, r.Error)
			}
		})
	}
}

func TestOneShotPassesOverInformationalAnswers(t *testing.T) {
	addr, _ := capturingServer(t, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"+
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	r := NewHTTPChecker("t", netguard.Policy{}).Check(context.Background(), monitor.Target{URL: "http://" + addr,
		Timeout: 5 * time.Second, ExpectedStatusCode: 200, HTTP: monitor.HTTPOptions{Keyword: "ok"}})
	if r.Status != monitor.StatusUp || r.StatusCode != 200 {
		t.Errorf("got %s %d: %s", r.Status, r.StatusCode, r.Error)
	}
}

func TestOneShotStopsWhenTheCheckEnds(t *testing.T) {
	accepted := make(chan struct{}, 2)
	addr := rawServer(t, func(c net.Conn) {
		defer c.Close()
		accepted <- struct{}{}
		io.Copy(io.Discard, c) // never answers; returns when the client hangs up
	})
	checker := NewHTTPChecker("t", netguard.Policy{})
	target := monitor.Target{URL: "http://" + addr, ExpectedStatusCode: 200}

	t.Run("timeout", func(t *testing.T) {
		target.Timeout = 200 * time.Millisecond
		r := checker.Check(context.Background(), target)
		<-accepted
		if r.Status != monitor.StatusDown || r.Error != "timeout after 200ms" || !r.NoAnswer {
			t.Errorf("got %s (%q), no answer %v", r.Status, r.Error, r.NoAnswer)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		target.Timeout = time.Minute
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-accepted; cancel() }()
		r := checker.Check(ctx, target)
		if r.Status != monitor.StatusDown || r.Error != "check canceled" {
			t.Errorf("got %s (%q)", r.Status, r.Error)
		}
	})
}

func TestOneShotRefusesHeadersThatWouldInjectOthers(t *testing.T) {
	addr, seen := capturingServer(t, "HTTP/1.1 204 No Content\r\n\r\n")
	tests := []struct {
		name    string
		headers map[string]string
		error   string
	}{
		{"a line break in a value", map[string]string{"X-Note": "a\r\nX-Injected: 1"}, `net/http: invalid header field value for "X-Note"`},
		{"a space in a name", map[string]string{"X Note": "a"}, `net/http: invalid header field name "X Note"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewHTTPChecker("t", netguard.Policy{}).Check(context.Background(), monitor.Target{URL: "http://" + addr,
				Timeout: 5 * time.Second, ExpectedStatusCode: 204, HTTP: monitor.HTTPOptions{Headers: tt.headers}})
			if r.Status != monitor.StatusDown || r.Error != tt.error {
				t.Errorf("got %s (%q), want down (%q)", r.Status, r.Error, tt.error)
			}
		})
	}
	select {
	case got := <-seen:
		t.Errorf("the server was sent %q", got.head)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestOneShotLeavesProxiedRequestsToTheTransport(t *testing.T) {
	asked := make(chan string, 1)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked <- r.RequestURI // a proxy is asked for the whole URL
	}))
	defer proxy.Close()
	proxyURL, _ := url.Parse(proxy.URL)
	transport := &http.Transport{DisableKeepAlives: true, Proxy: http.ProxyURL(proxyURL)}
	oneShot := newOneShotTransport(transport)
	req, _ := http.NewRequest("GET", "http://site.example.test/health", nil)
	resp, err := oneShot.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := <-asked; got != "http://site.example.test/health" {
		t.Errorf("the proxy was asked for %q", got)
	}
}

package probe

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"time"
)

// oneShotTransport sends a plain-HTTP request on a connection of its own and reads the answer in
// the calling goroutine, then closes the connection with the body. A check never reuses a
// connection, so http.Transport's machinery for pooling them (a goroutine to dial, two more to
// read and write each connection, the channels between them) is all cost and no use: it was
// about a third of a check's CPU. What the wire sees is what http.Transport with
// DisableKeepAlives sends (the same request writer, "Connection: close", "Accept-Encoding: gzip"
// answered by decompressing), and the trace hooks fire as they do there. HTTPS (TLS and HTTP/2
// negotiation), proxied requests and names that are not plain ASCII go to next, whose settings
// (dialer, proxy, header limit, buffer sizes) the one-shot connections share.
type oneShotTransport struct {
	next *http.Transport
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// maxHeaderBytes, readBuffer and writeBuffer are next's, its defaults where it sets none.
	maxHeaderBytes          int64
	readBuffer, writeBuffer int
	buffers                 sync.Pool // *connBuffers
}

func newOneShotTransport(next *http.Transport) *oneShotTransport {
	t := &oneShotTransport{next: next, dial: next.DialContext, maxHeaderBytes: next.MaxResponseHeaderBytes,
		readBuffer: next.ReadBufferSize, writeBuffer: next.WriteBufferSize}
	if t.dial == nil {
		t.dial = (&net.Dialer{}).DialContext
	}
	if t.maxHeaderBytes <= 0 {
		t.maxHeaderBytes = 1 << 20 // http.Transport's default
	}
	if t.readBuffer <= 0 {
		t.readBuffer = 4 << 10
	}
	if t.writeBuffer <= 0 {
		t.writeBuffer = 4 << 10
	}
	return t
}

// connBuffers are one connection's reader and writer, kept for the next check once it closes.
type connBuffers struct {
	r *bufio.Reader
	w *bufio.Writer
}

// acceptGzip is the Accept-Encoding of a request that names none; no one writes to it.
var acceptGzip = []string{"gzip"}

// aLongTimeAgo is a deadline in the past: setting it makes a blocked read or write return now.
var aLongTimeAgo = time.Unix(1, 0)

func (t *oneShotTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.handles(req) {
		return t.next.RoundTrip(req)
	}
	if err := validHeader(req.Header); err != nil {
		closeBody(req)
		return nil, err
	}
	ctx := req.Context()
	trace := httptrace.ContextClientTrace(ctx)
	addr := req.URL.Host
	if req.URL.Port() == "" {
		addr = net.JoinHostPort(req.URL.Hostname(), "80")
	}
	if trace != nil && trace.GetConn != nil {
		trace.GetConn(addr)
	}
	conn, err := t.dial(ctx, "tcp", addr)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	if trace != nil && trace.GotConn != nil {
		trace.GotConn(httptrace.GotConnInfo{Conn: conn})
	}
	c := &oneShotConn{conn: conn, remaining: t.maxHeaderBytes, transport: t}
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	// A check is cancelled (at shutdown) by unblocking whatever it waits on.
	c.stop = context.AfterFunc(ctx, func() { conn.SetDeadline(aLongTimeAgo) })
	resp, err := c.exchange(req, trace)
	if err != nil {
		c.Close()
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, err
	}
	return resp, nil
}

// handles says whether the request is one this transport sends itself.
func (t *oneShotTransport) handles(req *http.Request) bool {
	if req.URL == nil || req.URL.Scheme != "http" || req.URL.Host == "" || !isASCII(req.URL.Host) {
		return false
	}
	if t.next.Proxy != nil {
		if proxy, err := t.next.Proxy(req); err != nil || proxy != nil {
			return false
		}
	}
	return true
}

// oneShotConn is one check's connection: its buffers, and how many bytes of headers may still
// be read before the answer is refused as too large.
type oneShotConn struct {
	conn      net.Conn
	buffers   *connBuffers
	remaining int64 // header bytes left to read; < 0 once the headers are in
	stop      func() bool
	transport *oneShotTransport
	closed    bool
}

// exchange writes the request and reads the answer's status line and headers.
func (c *oneShotConn) exchange(req *http.Request, trace *httptrace.ClientTrace) (*http.Response, error) {
	c.buffers = c.transport.getBuffers(c)
	wire := *req // the caller's request is not ours to change
	wire.Close = true
	gzipped := wantsGzip(req)
	if gzipped {
		// A new map that shares the values (the writer only reads them): Header.Clone would
		// copy every value too, a kilobyte a check.
		wire.Header = make(http.Header, len(req.Header)+1)
		for name, values := range req.Header {
			wire.Header[name] = values
		}
		wire.Header["Accept-Encoding"] = acceptGzip
	}
	err := wire.Write(c.buffers.w)
	if err == nil {
		err = c.buffers.w.Flush()
	}
	if trace != nil && trace.WroteRequest != nil {
		trace.WroteRequest(httptrace.WroteRequestInfo{Err: err})
	}
	if err != nil {
		return nil, err
	}
	resp, err := c.readResponse(req, trace)
	if err != nil {
		return nil, err
	}
	c.remaining = -1
	resp.Body = &oneShotBody{body: resp.Body, conn: c}
	if gzipped && strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		resp.Body = &gzipBody{body: resp.Body}
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
		resp.Uncompressed = true
	}
	return resp, nil
}

// readResponse reads the final answer, passing over informational (1xx) ones as http.Transport
// does, 101 Switching Protocols being final.
func (c *oneShotConn) readResponse(req *http.Request, trace *httptrace.ClientTrace) (*http.Response, error) {
	if _, err := c.buffers.r.Peek(1); err != nil {
		return nil, err
	}
	if trace != nil && trace.GotFirstResponseByte != nil {
		trace.GotFirstResponseByte()
	}
	for {
		resp, err := http.ReadResponse(c.buffers.r, req)
		if err != nil {
			if c.remaining == 0 {
				return nil, fmt.Errorf("net/http: server response headers exceeded %d bytes; aborted", c.transport.maxHeaderBytes)
			}
			return nil, err
		}
		if resp.StatusCode < 100 || resp.StatusCode > 199 || resp.StatusCode == http.StatusSwitchingProtocols {
			return resp, nil
		}
		c.remaining = c.transport.maxHeaderBytes
	}
}

// Read reads from the connection, at most the header bytes left while the headers are read.
func (c *oneShotConn) Read(p []byte) (int, error) {
	if c.remaining == 0 {
		return 0, errHeadersTooLarge
	}
	if c.remaining > 0 && int64(len(p)) > c.remaining {
		p = p[:c.remaining]
	}
	n, err := c.conn.Read(p)
	if c.remaining > 0 {
		c.remaining -= int64(n)
	}
	return n, err
}

func (c *oneShotConn) Write(p []byte) (int, error) { return c.conn.Write(p) }

// Close closes the connection and keeps its buffers for another check. It runs once.
func (c *oneShotConn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	c.stop()
	err := c.conn.Close()
	if c.buffers != nil {
		c.transport.putBuffers(c.buffers)
		c.buffers = nil
	}
	return err
}

var errHeadersTooLarge = errors.New("server response headers exceeded the limit")

func (t *oneShotTransport) getBuffers(c *oneShotConn) *connBuffers {
	if b, ok := t.buffers.Get().(*connBuffers); ok {
		b.r.Reset(c)
		b.w.Reset(c)
		return b
	}
	return &connBuffers{r: bufio.NewReaderSize(c, t.readBuffer), w: bufio.NewWriterSize(c, t.writeBuffer)}
}

func (t *oneShotTransport) putBuffers(b *connBuffers) {
	b.r.Reset(nil)
	b.w.Reset(nil)
	t.buffers.Put(b)
}

// oneShotBody is an answer's body; closing it closes the connection, leaving the rest unread
// (net/http's own Close would read a response body to its end, to reuse the connection).
type oneShotBody struct {
	body io.Reader
	conn *oneShotConn
}

func (b *oneShotBody) Read(p []byte) (int, error) {
	if b.conn.closed { // its buffers may be another check's by now
		return 0, errBodyClosed
	}
	return b.body.Read(p)
}

func (b *oneShotBody) Close() error { return b.conn.Close() }

var errBodyClosed = errors.New("http: read on closed response body")

// gzipBody decompresses a body the server gzipped because the request said it could, starting
// at the first read (a check that never reads the body never decompresses it).
type gzipBody struct {
	body io.ReadCloser
	zr   *gzip.Reader
	err  error
}

func (g *gzipBody) Read(p []byte) (int, error) {
	if g.zr == nil && g.err == nil {
		g.zr, g.err = gzip.NewReader(g.body)
	}
	if g.err != nil {
		return 0, g.err
	}
	return g.zr.Read(p)
}

func (g *gzipBody) Close() error { return g.body.Close() }

// wantsGzip says whether http.Transport would ask for a gzipped answer to req: when the request
// names no encoding of its own and no range, and is not a HEAD.
func wantsGzip(req *http.Request) bool {
	return req.Header.Get("Accept-Encoding") == "" && req.Header.Get("Range") == "" && req.Method != http.MethodHead
}

// validHeader refuses what http.Transport refuses: a header name that is not a token, or a value
// with a control character (a line break would end the header early and inject another).
func validHeader(h http.Header) error {
	for name, values := range h {
		if !isToken(name) {
			return fmt.Errorf("net/http: invalid header field name %q", name)
		}
		for _, v := range values {
			if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
				return fmt.Errorf("net/http: invalid header field value for %q", name)
			}
		}
	}
	return nil
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

package api

import (
	"fmt"
	"net/http"
	"path"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// jsonMuxErrors answers the mux's own 404 and 405 in the API's JSON shape instead of plain text.
func (h *Handler) jsonMuxErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &headerRecorder{header: http.Header{}}
		mux.ServeHTTP(rec, r)
		switch rec.status {
		case http.StatusNotFound:
			h.fail(w, r, "", notFound(fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path)))
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", rec.header.Get("Allow"))
			h.fail(w, r, "", &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
				Message: fmt.Sprintf("%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, rec.header.Get("Allow"))})
		default: // a redirect to the cleaned path
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.status)
		}
	})
}

// headerRecorder keeps the status and headers the mux wrote and drops its plain-text body.
type headerRecorder struct {
	header http.Header
	status int
}

func (r *headerRecorder) Header() http.Header         { return r.header }
func (r *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *headerRecorder) WriteHeader(status int)      { r.status = status }

// statusWriter remembers the status a handler answered with, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (h *Handler) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		h.observe.Request(r.Pattern, sw.status, time.Since(start)) // the mux set the pattern it matched
		level := h.log.Info
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" {
			level = h.log.Debug
		}
		level("request", "method", r.Method, "path", loggedPath(r.URL.Path), "status", sw.status,
			"duration_ms", time.Since(start).Milliseconds(), "client", h.clientAddr(r))
	})
}

// secretSegments are the paths whose next segment is a secret (the token is the credential):
// the request log shows it as ****. A new secret URL is one more line here.
func secretSegments() []string {
	return []string{
		"/push/",  // a push site's ping token
		"/badge/", // a site's badge token
	}
}

// loggedPath is a request path as logs may show it: with its secret segments masked. The path
// is cleaned and its prefix matched in any case first, so that "//push/<token>" (which the mux
// redirects) or "/PUSH/<token>" (which it does not serve) hide the token as well.
func loggedPath(p string) string {
	cleaned := path.Clean("/" + p)
	for _, prefix := range secretSegments() {
		if len(cleaned) <= len(prefix) || !strings.EqualFold(cleaned[:len(prefix)], prefix) {
			continue
		}
		_, after, more := strings.Cut(cleaned[len(prefix):], "/")
		masked := prefix + monitor.Masked
		if more {
			masked += "/" + after
		}
		return masked
	}
	return p
}

// recoverPanics turns a handler's panic into a logged 500 with the usual JSON error, so a bug
// costs one request, not the process, and never shows a stack trace to the client.
func (h *Handler) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				h.log.Error("handler panicked", "method", r.Method, "path", loggedPath(r.URL.Path), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				h.fail(w, r, "", &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "something went wrong on our side; it has been logged"})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders suit a JSON API: nothing is to be framed, sniffed, cached or run.
func securityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
}

package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/store"
)

// badInput is a request value a page cannot use; the page answers 400 naming it.
type badInput struct {
	Field   string
	Message string
}

func (e *badInput) Error() string { return e.Field + ": " + e.Message }

// errorPage is what the error template shows.
type errorPage struct {
	layout
	Heading string
	Message string
}

// fail answers with an error page. Errors that are not the client's fault are logged here,
// once, and shown as a generic message that reveals nothing.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var bad *badInput
	status, heading, message := http.StatusInternalServerError, "Something went wrong",
		"Something went wrong on our side; it has been logged."
	switch {
	case errors.As(err, &bad):
		status, heading, message = http.StatusBadRequest, "That request is not valid", bad.Field+": "+bad.Message
	case errors.Is(err, store.ErrNotFound):
		status, heading, message = http.StatusNotFound, "Not found", "There is no such site, or it is not yours."
	case errors.Is(err, context.Canceled):
		status, heading, message = http.StatusServiceUnavailable, "Tocsin is stopping", "Try again in a moment."
	case errors.Is(err, store.ErrUnavailable):
		w.Header().Set("Retry-After", "5")
		status, heading, message = http.StatusServiceUnavailable, "The database is unavailable",
			"Tocsin cannot reach its database right now; checks go on and are written when it is back. Try again in a moment."
	default:
		h.log.Error("page failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	h.render(w, status, "error", errorPage{layout: h.layout(heading, ""), Heading: heading, Message: message})
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.render(w, http.StatusNotFound, "error", errorPage{layout: h.layout("Not found", ""), Heading: "Not found",
		Message: fmt.Sprintf("There is no page at %s.", r.URL.Path)})
}

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

// logRequests logs page requests as the API logs its own; assets only at debug level.
func (h *Handler) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		level := h.log.Info
		if strings.HasPrefix(r.URL.Path, assetsPrefix) {
			level = h.log.Debug
		}
		level("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"duration_ms", time.Since(start).Milliseconds(), "remote", r.RemoteAddr)
	})
}

// recoverPanics turns a page's panic into a logged 500, so a bug costs one request.
func (h *Handler) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				h.log.Error("page panicked", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				http.Error(w, "something went wrong on our side; it has been logged", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

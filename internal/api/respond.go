package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Error is an API error: its status, a stable code, a sentence for people, and the request
// field it is about, if any.
type Error struct {
	Status  int
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func badField(field, message string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "invalid_field", Message: message, Field: field}
}

func notFound(message string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: message}
}

// notFoundAs names what was not found, when the route's own noun would not say it well.
func notFoundAs(err error, message string) error {
	if errors.Is(err, store.ErrNotFound) {
		return notFound(message)
	}
	return err
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// reply answers with a JSON body. It returns nil, so that a handler can end with it.
func reply(w http.ResponseWriter, status int, body any) error {
	writeJSON(w, status, body)
	return nil
}

// noContent answers 204.
func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// fail answers with the error's status and shape. Errors that are not the client's fault are
// logged here, once, and answered with a generic 500 that reveals nothing. A store's "not
// found" that no handler named is answered as "no such <noun>".
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, noun string, err error) {
	var (
		apiErr   *Error
		fieldErr *monitor.FieldError
	)
	switch {
	case errors.As(err, &apiErr):
	case errors.As(err, &fieldErr):
		apiErr = badField(fieldErr.Field, fieldErr.Field+" "+fieldErr.Message)
	case errors.Is(err, store.ErrNotFound) && noun != "":
		apiErr = notFound("no such " + noun)
	case errors.Is(err, store.ErrNotFound):
		apiErr = notFound("not found")
	case errors.Is(err, store.ErrUnavailable):
		// Not a fault of ours to log per request: the scheduler logs the outage once, and the
		// request log has every 503.
		w.Header().Set("Retry-After", retryAfterSeconds)
		apiErr = databaseUnavailable
	case errors.Is(err, context.Canceled):
		apiErr = &Error{Status: http.StatusServiceUnavailable, Code: "shutting_down", Message: "Tocsin is shutting down; try again in a moment"}
	default:
		h.log.Error("request failed", "method", r.Method, "path", loggedPath(r.URL.Path), "err", err)
		apiErr = &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "something went wrong on our side; it has been logged"}
	}
	writeJSON(w, apiErr.Status, errorBody{Error: errorDetail{Code: apiErr.Code, Message: apiErr.Message, Field: apiErr.Field}})
}

// databaseUnavailable answers while the database cannot be reached or written (connections
// refused or cut, disk full); Retry-After says when to try again.
var databaseUnavailable = &Error{Status: http.StatusServiceUnavailable, Code: "database_unavailable",
	Message: "the database is unavailable right now; try again shortly"}

const retryAfterSeconds = "5"

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // a JSON API, not HTML: keep "<token>" readable
	enc.Encode(body)
}

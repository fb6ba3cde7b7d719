package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
)

const maxBodyBytes = 64 << 10

// decode reads one JSON object from the body into dst. It is refused, with an error that names
// the field when there is one, if it is not one JSON object, is over 64 KiB, has a field dst
// does not take or one of the wrong type, has a key twice (at any depth), holds text that is
// not UTF-8 or holds NUL, or sets a field to null. Only the fields named in open may be null,
// and hold any JSON: what null means for them is theirs to say. Any JSON media type is
// accepted, and so is curl's default form type, since the body is JSON.
func decode(w http.ResponseWriter, r *http.Request, dst any, open ...string) error {
	body, err := readBody(w, r, maxBodyBytes)
	if err != nil {
		return err
	}
	return decodeBody(body, dst, open...)
}

// readBody reads a JSON request body of at most limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" && !strings.HasSuffix(mt, "+json") && mt != "application/x-www-form-urlencoded" {
			return nil, &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
				Message: fmt.Sprintf("Content-Type %q is not JSON; send application/json", ct)}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large", Message: fmt.Sprintf("the body must be at most %d KiB", limit>>10)}
	}
	if err != nil {
		return nil, decodeError(err)
	}
	return body, nil
}

// decodeBody reads one JSON object from body into dst, by the rules decode gives.
func decodeBody(body []byte, dst any, open ...string) error {
	nulls, err := scanBody(body, open)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(withJSONPath(err, dst))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &Error{Status: http.StatusBadRequest, Code: "invalid_json", Message: "the body must hold a single JSON object and nothing after it"}
	}
	for _, field := range nulls {
		if !slices.Contains(open, field) {
			return badField(field, field+" must not be null; leave it out to keep its value")
		}
	}
	return nil
}

// withJSONPath drops from a type error's field the Go names of the structs dst embeds:
// encoding/json writes "SitePatch.name" where the body said "name".
func withJSONPath(err error, dst any) error {
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return err
	}
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return err
	}
	for i := range t.NumField() {
		if f := t.Field(i); f.Anonymous {
			typeErr.Field = strings.TrimPrefix(typeErr.Field, f.Name+".")
		}
	}
	return typeErr
}

func decodeError(err error) error {
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	invalid := func(msg string) error {
		return &Error{Status: http.StatusBadRequest, Code: "invalid_json", Message: msg}
	}
	switch {
	case errors.Is(err, io.EOF):
		return invalid("the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("the body ends in the middle of its JSON")
	case errors.As(err, &syntaxErr):
		return invalid(fmt.Sprintf("the body is not valid JSON (at byte %d: %s)", syntaxErr.Offset, syntaxErr.Error()))
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return invalid("the body must be a JSON object")
		}
		return badField(typeErr.Field, fmt.Sprintf("%s must be %s, not %s", typeErr.Field, kindName(typeErr.Type), typeErr.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &Error{Status: http.StatusBadRequest, Code: "unknown_field", Field: field, Message: fmt.Sprintf("%s is not a field this request takes", field)}
	}
	return invalid("the body could not be read as JSON: " + err.Error())
}

func kindName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	}
	return "a " + t.Kind().String()
}

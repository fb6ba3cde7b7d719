package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// errorOf returns the error object of an answer.
func errorOf(got map[string]any) map[string]any {
	e, _ := got["error"].(map[string]any)
	return e
}

// Bounds of the interval and the timeout are checked before anything derived from them, so
// the error names the field the user got wrong.
func TestSiteErrorsNameTheFieldTheUserGotWrong(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		u := fmt.Sprintf(`"url": %q`, e.target.URL)
		tests := []struct{ name, body, field string }{
			{"negative interval", `{` + u + `, "check_interval_seconds": -5}`, "check_interval_seconds"},
			{"negative interval with a response-time limit", `{` + u + `, "check_interval_seconds": -5, "max_response_time_ms": 100}`, "check_interval_seconds"},
			{"negative interval with a retry interval", `{` + u + `, "check_interval_seconds": -5, "retry_interval_seconds": 10}`, "check_interval_seconds"},
			{"zero timeout with a response-time limit", `{` + u + `, "timeout_seconds": 0, "max_response_time_ms": 100}`, "timeout_seconds"},
			{"negative interval and a bad url", `{"url": "ftp://x", "check_interval_seconds": -5}`, "check_interval_seconds"},
			{"a bad type before everything", `{"type": "ftp", "check_interval_seconds": -5}`, "type"},
		}
		for _, tt := range tests {
			got := errorOf(e.expect(e.do("POST", "/sites", tt.body), http.StatusBadRequest))
			if got["field"] != tt.field || !strings.HasPrefix(got["message"].(string), tt.field) {
				t.Errorf("%s: %v, want field %s", tt.name, got, tt.field)
			}
		}
	})
}

// Text that no store can keep, or that makes no sense in its field, is a 400 naming the field
// on both stores (PostgreSQL refuses NUL; it used to answer 500).
func TestTextFieldsRefuseNULAndControlCharacters(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		u := fmt.Sprintf(`"url": %q`, e.target.URL)
		tests := []struct{ name, body, field string }{
			{"NUL in a name", `{` + u + `, "name": "a\u0000b"}`, "name"},
			{"bell in a name", `{` + u + `, "name": "a\u0007b"}`, "name"},
			{"line break in a name", `{` + u + `, "name": "a\nb"}`, "name"},
			{"NUL in a keyword", `{` + u + `, "keyword": "ok\u0000"}`, "keyword"},
			{"NUL in a body", `{` + u + `, "body": "x\u0000"}`, "body"},
			{"NUL in a url", `{"url": "http://example.com/\u0000"}`, "url"},
			{"control character in a header value", `{` + u + `, "headers": {"X-A": "a\u0001"}}`, "headers"},
			{"NUL in a basic auth password", `{` + u + `, "basic_auth": {"username": "ada", "password": "a\u0000"}}`, "basic_auth"},
			{"NUL in a bearer token", `{` + u + `, "bearer_token": "a\u0000"}`, "bearer_token"},
			{"NUL in a tcp address", `{"type": "tcp", "url": "db\u0000:5432"}`, "url"},
			{"NUL in a dns server", `{"type": "dns", "url": "example.com", "dns_server": "1.1.1.1\u0000:53"}`, "dns_server"},
			{"NUL in a json schema", `{` + u + `, "json_schema": {"const": "a\u0000"}}`, "json_schema"},
			{"invalid UTF-8 in a name", "{" + u + ", \"name\": \"a\xff\"}", "name"},
		}
		for _, tt := range tests {
			got := errorOf(e.expect(e.do("POST", "/sites", tt.body), http.StatusBadRequest))
			if got["field"] != tt.field {
				t.Errorf("%s: %v, want field %s", tt.name, got, tt.field)
			}
		}
		site := e.createSite(e.siteJSON(""))
		got := errorOf(e.expect(e.do("PATCH", idPath(site, ""), `{"name": "x\u0000"}`), http.StatusBadRequest))
		if got["field"] != "name" {
			t.Errorf("PATCH with a NUL: %v", got)
		}
		// A keyword may hold tabs and line breaks: bodies do.
		e.expect(e.do("PATCH", idPath(site, ""), `{"keyword": "a\tb\r\nc"}`), http.StatusOK)
		for _, req := range []struct{ path, body, field string }{
			{"/api-keys", `{"name": "deploy\u0000"}`, "name"},
			{"/webhooks", `{"webhook_url": "https://discord.com/api/webhooks/1/tok\u0000"}`, "webhook_url"},
		} {
			if got := errorOf(e.expect(e.do("POST", req.path, req.body), http.StatusBadRequest)); got["field"] != req.field {
				t.Errorf("POST %s: %v, want field %s", req.path, got, req.field)
			}
		}
	})
}

func TestSignUpRefusesNUL(t *testing.T) {
	forEachStoreWithAuth(t, func(t *testing.T, e *env, _ *clock) {
		for body, field := range map[string]string{
			`{"username": "ada\u0000", "password": "correct horse"}`: "username",
			`{"username": "ada", "password": "correct\u0000horse"}`:  "password",
		} {
			if got := errorOf(e.expect(e.do("POST", "/auth/signup", body), http.StatusBadRequest)); got["field"] != field {
				t.Errorf("%s: %v, want field %s", body, got, field)
			}
		}
	})
}

// A JSON object with a key twice is ambiguous (the last one used to win silently), and null is
// not a value for a setting; both are refused, naming the field, at every depth.
func TestDuplicateKeysAndNullsAreRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		u := fmt.Sprintf(`"url": %q`, e.target.URL)
		tests := []struct{ name, body, field string }{
			{"a field twice", `{` + u + `, "name": "a", "name": "b"}`, "name"},
			{"the url twice", `{` + u + `, ` + u + `}`, "url"},
			{"a header twice", `{` + u + `, "headers": {"X-A": "1", "X-A": "2"}}`, "headers"},
			{"a key twice inside basic_auth", `{` + u + `, "basic_auth": {"username": "a", "username": "b"}}`, "basic_auth"},
			{"a key twice inside a schema", `{` + u + `, "json_schema": {"type": "object", "type": "array"}}`, "json_schema"},
			{"a key twice deep inside a schema", `{` + u + `, "json_schema": {"properties": {"a": {"type": "string", "type": "integer"}}}}`, "json_schema"},
			{"a null interval", `{` + u + `, "check_interval_seconds": null}`, "check_interval_seconds"},
			{"a null header value", `{` + u + `, "headers": {"X-A": null}}`, "headers"},
			{"a null in a list", `{` + u + `, "webhook_ids": [null]}`, "webhook_ids"},
		}
		for _, tt := range tests {
			got := errorOf(e.expect(e.do("POST", "/sites", tt.body), http.StatusBadRequest))
			if got["field"] != tt.field {
				t.Errorf("%s: %v, want field %s", tt.name, got, tt.field)
			}
		}
		site := e.createSite(e.siteJSON(`, "json_schema": {"type": "object", "enum": [null, {}]}`))
		path := idPath(site, "")
		got := errorOf(e.expect(e.do("PATCH", path, `{"check_interval_seconds": null}`), http.StatusBadRequest))
		if got["field"] != "check_interval_seconds" {
			t.Errorf("PATCH null: %v", got)
		}
		// json_schema may be null: it removes the schema, as "" does.
		if after := e.expect(e.do("PATCH", path, `{"json_schema": null}`), http.StatusOK); after["json_schema"] != nil {
			t.Errorf("json_schema after null: %v", after["json_schema"])
		}
		for _, req := range []struct{ path, body, field string }{
			{"/api-keys", `{"name": "a", "name": "b"}`, "name"},
			{"/webhooks", `{"webhook_url": null}`, "webhook_url"},
		} {
			if got := errorOf(e.expect(e.do("POST", req.path, req.body), http.StatusBadRequest)); got["field"] != req.field {
				t.Errorf("POST %s %s: %v, want field %s", req.path, req.body, got, req.field)
			}
		}
	})
}

func TestURLPortsMustBeReal(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		tests := []struct{ body, field string }{
			{`{"url": "http://127.0.0.1:99999/"}`, "url"},
			{`{"url": "http://127.0.0.1:0/"}`, "url"},
			{`{"url": "https://example.com:65536/"}`, "url"},
			{`{"type": "tcp", "url": "db.example.com:0"}`, "url"},
			{`{"type": "dns", "url": "example.com", "dns_server": "1.1.1.1:70000"}`, "dns_server"},
		}
		for _, tt := range tests {
			got := errorOf(e.expect(e.do("POST", "/sites", tt.body), http.StatusBadRequest))
			if got["field"] != tt.field || !strings.Contains(got["message"].(string), "65535") {
				t.Errorf("%s: %v, want field %s naming the port range", tt.body, got, tt.field)
			}
		}
	})
}

// A missing thing is named for what it is, never "no such site".
func TestNotFoundNamesWhatIsMissing(t *testing.T) {
	forEachStoreWithAuth(t, func(t *testing.T, e *env, _ *clock) {
		admin := e.signup("/auth/signup", "ada")
		tests := []struct{ method, path, body, message string }{
			{"DELETE", "/api-keys/999", "", "no such api key"},
			{"DELETE", "/users/999", "", "no such user"},
			{"GET", "/webhooks/999", "", "no such webhook"},
			{"DELETE", "/webhooks/999", "", "no such webhook"},
			{"POST", "/webhooks/999/test", "", "no such webhook"},
			{"GET", "/sites/999", "", "no such site"},
			{"GET", "/sites/999/history", "", "no such site"},
			{"POST", "/runUrl", `{"endpoint_id": 999}`, "no such endpoint"},
		}
		for _, tt := range tests {
			got := errorOf(e.expect(e.do(tt.method, tt.path, tt.body, as(admin)...), http.StatusNotFound))
			if got["message"] != tt.message {
				t.Errorf("%s %s: %v, want %q", tt.method, tt.path, got["message"], tt.message)
			}
		}
	})
}

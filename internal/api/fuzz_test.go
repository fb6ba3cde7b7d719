package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tocsin/tocsin/internal/api"
	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/scheduler"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// The fuzz targets send what they are given to a real API on a real SQLite store. Whatever the
// input, the answer is never a 500 (a panic is answered 500 too), and whatever is accepted can
// be stored by either store: SQLite keeps NUL and bytes that are not UTF-8, PostgreSQL refuses
// them, so the targets look at what was stored. Their starting corpus is in testdata/fuzz.

// fuzzEnv is a single-user API, wired as main wires one (with session tokens, for sign-ups),
// whose checks never leave the process: a check is down at once.
func fuzzEnv(f *testing.F) *env {
	st := storetest.OpenSQLite(f)
	down := func(context.Context, monitor.Target) monitor.Result {
		return monitor.Result{Status: monitor.StatusDown, Error: "not checked while fuzzing"}
	}
	sched := scheduler.New(st, down, time.Now, quiet(), scheduler.Config{})
	tokens, err := auth.NewTokens([]byte(testSecret), time.Hour, time.Now)
	if err != nil {
		f.Fatal(err)
	}
	return newEnvWith(f, st, sched, func(d *api.Deps) { d.Auth.Off, d.Auth.Tokens = true, tokens })
}

// send makes one request as part of fuzz iteration t and fails it on a 500.
func (e *env) send(t *testing.T, method, path, body string) response {
	t.Helper()
	it := *e
	it.t = t
	r := it.do(method, path, body)
	if r.status == http.StatusInternalServerError {
		t.Fatalf("%s %s %q: 500 %s", method, path, body, r.raw)
	}
	return r
}

func FuzzSiteRequest(f *testing.F) {
	e := fuzzEnv(f)
	f.Fuzz(func(t *testing.T, body string) {
		r := e.send(t, "POST", "/sites", body)
		if r.status != http.StatusCreated {
			return
		}
		site := r.object(t)
		id := int64(site["id"].(float64))
		e.assertStorable(t, id)
		if e.send(t, "PATCH", idPath(site, ""), body).status == http.StatusOK {
			e.assertStorable(t, id)
		}
		e.send(t, "DELETE", idPath(site, ""), "")
	})
}

// textField is where a fuzzed text goes: the route, and the body with %s for the JSON string.
type textField struct{ method, path, body string }

func textFields() []textField {
	site := func(extra string) textField {
		return textField{"POST", "/sites", `{"url": "http://127.0.0.1:9/", "name": "x"` + extra + `}`}
	}
	return []textField{
		{"POST", "/sites", `{"url": %s}`},
		site(`, "name": %s`),
		site(`, "type": %s`),
		site(`, "method": %s`),
		site(`, "headers": {%s: "v"}`),
		site(`, "headers": {"X-A": %s}`),
		site(`, "body": %s`),
		site(`, "keyword": %s`),
		site(`, "bearer_token": %s`),
		site(`, "basic_auth": {"username": %s, "password": "pw"}`),
		site(`, "basic_auth": {"username": "ada", "password": %s}`),
		site(`, "json_schema": %s`),
		site(`, "accepted_status_codes": [%s]`),
		{"POST", "/sites", `{"type": "tcp", "url": %s}`},
		{"POST", "/sites", `{"type": "dns", "url": %s}`},
		{"POST", "/sites", `{"type": "dns", "url": "example.com", "expected_address": %s}`},
		{"POST", "/sites", `{"type": "dns", "url": "example.com", "dns_server": %s}`},
		{"POST", "/addEndpoint", `{"url": "http://127.0.0.1:9/", "name": %s}`},
		{"POST", "/webhooks", `{"webhook_url": %s}`},
		{"POST", "/webhook", `{"webhook_url": %s}`},
		{"POST", "/api-keys", `{"name": %s}`},
		{"POST", "/auth/signup", `{"username": %s, "password": "correct horse"}`},
		{"POST", "/auth/signup", `{"username": "fuzzer", "password": %s}`},
		{"POST", "/users", `{"username": "someone", "password": "correct horse", "role": %s}`},
		{"POST", "/auth/login", `{"username": %s, "password": "correct horse"}`},
	}
}

// FuzzTextFields puts one text, as a JSON string, into each text field of every request body.
func FuzzTextFields(f *testing.F) {
	e := fuzzEnv(f)
	fields := textFields()
	f.Fuzz(func(t *testing.T, field uint8, text string) {
		tf := fields[int(field)%len(fields)]
		quoted, _ := json.Marshal(text) // invalid UTF-8 becomes U+FFFD here: see FuzzSiteRequest
		r := e.send(t, tf.method, tf.path, fmt.Sprintf(tf.body, quoted))
		if r.status/100 != 2 {
			return
		}
		switch tf.path {
		case "/sites", "/addEndpoint":
			e.assertStorable(t, int64(r.object(t)["id"].(float64)))
		case "/api-keys":
			for _, owner := range owners() {
				keys, err := e.store.ListAPIKeys(context.Background(), owner)
				assertStorableValue(t, keys, err)
			}
		case "/webhooks", "/webhook":
			for _, owner := range owners() {
				hooks, err := e.store.ListWebhooks(context.Background(), owner)
				assertStorableValue(t, hooks, err)
			}
		default:
			users, err := e.store.ListUsers(context.Background())
			assertStorableValue(t, users, err)
		}
	})
}

// owners are whom a single-user API's things belong to: nobody before the first account
// signs up, that account after.
func owners() []int64 { return []int64{0, 1} }

// assertStorable fails t if the site holds text PostgreSQL could not keep.
func (e *env) assertStorable(t *testing.T, id int64) {
	t.Helper()
	for _, owner := range owners() {
		site, err := e.store.Site(context.Background(), owner, id)
		assertStorableValue(t, site, err)
	}
}

func assertStorableValue(t *testing.T, v any, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	if bad, where := unstorableText(reflect.ValueOf(v), "."); bad {
		t.Fatalf("stored text at %s is not UTF-8 without NUL: %+v", where, v)
	}
}

// unstorableText finds a string in v, at any depth, that is not valid UTF-8 or holds NUL.
func unstorableText(v reflect.Value, path string) (bool, string) {
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		return !utf8.ValidString(s) || strings.ContainsRune(s, 0), path
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return unstorableText(v.Elem(), path)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if bad, where := unstorableText(v.Field(i), path+"."+v.Type().Field(i).Name); bad {
				return bad, where
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if bad, where := unstorableText(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); bad {
				return bad, where
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if bad, where := unstorableText(it.Key(), path+"{key}"); bad {
				return bad, where
			}
			if bad, where := unstorableText(it.Value(), fmt.Sprintf("%s[%v]", path, it.Key())); bad {
				return bad, where
			}
		}
	}
	return false, ""
}

package web

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// browser is a client with a cookie jar that does not follow redirects, on a dashboard served
// over a real listener (cookies need one).
type browser struct {
	t      testing.TB
	base   string
	client *http.Client
}

func newBrowser(t testing.TB, h http.Handler) *browser {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: srv.URL, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// another is a second browser on the same dashboard, with cookies of its own.
func (b *browser) another() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: b.t, base: b.base, client: &http.Client{Jar: jar, CheckRedirect: b.client.CheckRedirect}}
}

func (b *browser) do(req *http.Request) answer {
	b.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (b *browser) get(path string) answer {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	req.Header.Set("Accept", "text/html")
	return b.do(req)
}

// post sends a form as a browser does from one of Tocsin's own pages (same origin).
func (b *browser) post(path string, form url.Values, headers ...string) answer {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.base)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// signUp makes the first account through the page; the browser is signed in after.
func (b *browser) signUp(username, password string) {
	b.t.Helper()
	got := b.post("/app/signup", url.Values{"username": {username}, "password": {password}})
	if got.status != http.StatusSeeOther || got.header.Get("Location") != "/" {
		b.t.Fatalf("sign-up: %d %q\n%s", got.status, got.header.Get("Location"), got.body)
	}
}

func (b *browser) signIn(username, password string) answer {
	b.t.Helper()
	return b.post(signinPath, url.Values{"username": {username}, "password": {password}})
}

func expectStatus(t testing.TB, what string, got answer, status int) {
	t.Helper()
	if got.status != status {
		t.Fatalf("%s: %d, want %d\n%.2000s", what, got.status, status, got.body)
	}
}

func httptestForm(t testing.TB, path string, form url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

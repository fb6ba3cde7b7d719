package e2e

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var writeScreenshots = flag.Bool("screenshots", false, "write the README's screenshots to docs/")

// suite is what TestMain prepares once for every test: the tocsin binary and a browser.
var suite struct {
	binary  string
	browser *browser
	// missing says why the suite cannot run (no Chromium); tests skip with it, or fail under CI.
	missing string
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	chromium := findChromium()
	if chromium == "" {
		suite.missing = "Chromium is not installed (apt-get install chromium)"
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "tocsin-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	suite.binary = filepath.Join(dir, "tocsin")
	build := exec.Command("go", "build", "-o", suite.binary, "github.com/tocsin/tocsin/cmd/tocsin")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build tocsin:", err)
		return 1
	}
	b, err := startBrowser(chromium, filepath.Join(dir, "chromium-profile"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "start Chromium:", err)
		return 1
	}
	defer b.close()
	suite.browser = b
	return m.Run()
}

func findChromium() string {
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	return ""
}

// needBrowser skips a test when Chromium is missing, or fails it under CI, which must run it.
func needBrowser(t *testing.T) *browser {
	t.Helper()
	if suite.missing != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s; CI must run the browser tests", suite.missing)
		}
		t.Skip(suite.missing)
	}
	return suite.browser
}

// tocsin is a running `tocsin serve` process.
type tocsin struct {
	url string
	log *syncBuffer
	// token is the first account's, for the API; empty with auth off.
	token string
}

// The account every test's Tocsin has (the first, so an admin); tabs sign in as it.
const (
	testUser     = "ada"
	testPassword = "correct horse"
)

// startTocsin runs the binary as Tocsin runs by default, with sign-in on, on a free port with a
// new SQLite file (and the extra environment given, which may turn auth off), waits until it
// answers and makes the first account, whose token the API calls carry.
func startTocsin(t *testing.T, env ...string) *tocsin {
	t.Helper()
	p := startTocsinBare(t, env...)
	var session struct {
		Token string `json:"token"`
	}
	if resp, err := http.Get(p.url + "/me"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return p // auth is off
		}
	}
	p.call(t, http.MethodPost, "/auth/signup", map[string]any{"username": testUser, "password": testPassword}, http.StatusCreated, &session)
	p.token = session.Token
	return p
}

// startTocsinBare starts Tocsin with no account yet.
func startTocsinBare(t *testing.T, env ...string) *tocsin {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p := &tocsin{url: "http://" + addr, log: &syncBuffer{}}
	cmd := exec.Command(suite.binary, "serve", "--addr", addr, "--min-interval-seconds", "1")
	cmd.Env = append(os.Environ(), "TOCSIN_AUTH=on", "DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "tocsin.db"))
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = p.log, p.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("tocsin's log:\n%s", p.log)
		}
	})
	waitFor(t, "tocsin to answer", func() bool {
		resp, err := http.Get(p.url + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	return p
}

// addSite adds a site through the JSON API and returns its id.
func (p *tocsin) addSite(t *testing.T, fields map[string]any) int64 {
	t.Helper()
	var site struct {
		ID int64 `json:"id"`
	}
	p.call(t, http.MethodPost, "/sites", fields, http.StatusCreated, &site)
	return site.ID
}

func (p *tocsin) call(t *testing.T, method, path string, body any, wantStatus int, reply any) {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, p.url+path, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if p.token != "" {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s %s: %d, want %d\n%s", method, path, resp.StatusCode, wantStatus, answer)
	}
	if reply != nil {
		if err := json.Unmarshal(answer, reply); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, answer)
		}
	}
}

// waitFor polls until ok, failing the test after a bound that is generous on purpose: it
// catches a hang, it does not measure speed.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.TrimSpace(s.b.String())
}

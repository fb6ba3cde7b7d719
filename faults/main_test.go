package faults

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tocsin/tocsin/internal/store/storetest"
)

// binary is the tocsin command, built once for the suite.
var binary string

func TestMain(m *testing.M) {
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	dir, err := os.MkdirTemp("", "tocsin-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "tocsin")
	build := exec.Command("go", "build", "-o", binary, "github.com/tocsin/tocsin/cmd/tocsin")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build tocsin:", err)
		return 1
	}
	return m.Run()
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
	return s.b.String()
}

// count is how many log lines hold s.
func (s *syncBuffer) count(sub string) int { return strings.Count(s.String(), sub) }

// tocsin is a running `tocsin serve`.
type tocsin struct {
	url string
	cmd *exec.Cmd
	log *syncBuffer
}

// startTocsin runs the binary on a free port with auth off and the environment given.
func startTocsin(t *testing.T, env ...string) *tocsin {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p := &tocsin{url: "http://" + addr, log: &syncBuffer{}}
	p.cmd = exec.Command(binary, "serve", "--addr", addr, "--min-interval-seconds", "1")
	p.cmd.Env = append(os.Environ(), "TOCSIN_AUTH=off")
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		p.cmd.Wait()
		if t.Failed() {
			t.Logf("tocsin's log:\n%s", p.log)
		}
	})
	waitFor(t, "tocsin to answer", 30*time.Second, func() bool {
		resp, err := http.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	})
	return p
}

// call sends a JSON request and decodes the answer into reply, if given; it returns the status.
func (p *tocsin) call(t *testing.T, method, path string, body any, reply any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, p.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if reply != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(answer, reply); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, answer)
		}
	}
	return resp.StatusCode
}

// waitFor polls until ok; the bound catches a hang, it measures nothing.
func waitFor(t *testing.T, what string, bound time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ownDatabase creates a database of the test's own on the test server, dropped when the test
// ends, and returns the server's URL and the database's name.
func ownDatabase(t *testing.T) (*url.URL, string) {
	t.Helper()
	base := os.Getenv(storetest.PostgresURLEnv)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL fault tests", storetest.PostgresURLEnv)
		}
		t.Skipf("%s is not set; skipping PostgreSQL", storetest.PostgresURLEnv)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "tocsin_faults_" + hex.EncodeToString(b)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to test PostgreSQL: %v", err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
		admin.Close(context.Background())
	})
	return u, name
}

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/jackc/pgx/v5"

	"github.com/tocsin/tocsin/internal/store/storetest"
)

// These tests build tocsin as the Dockerfile does (static, version set by -ldflags) and run the
// binary from the outside, as an operator or a container runtime would.
func TestTheBuiltBinary(t *testing.T) {
	const version = "v0.0.0-binary-test"
	bin := buildTocsin(t, version)

	t.Run("reports the version set at build time", func(t *testing.T) {
		out, err := exec.Command(bin, "version").Output()
		if err != nil || strings.TrimSpace(string(out)) != "tocsin "+version {
			t.Errorf("tocsin version: %q %v", out, err)
		}
	})
	t.Run("an .env file with the DB_* variables brings it up on PostgreSQL", func(t *testing.T) {
		testDotEnvStartsOnPostgres(t, bin)
	})
	t.Run("a short SECRET_KEY in .env stops the start without showing it", func(t *testing.T) {
		dir := t.TempDir()
		writeDotEnv(t, dir, "SECRET_KEY=hunter2-hunter2\n")
		cmd := exec.Command(bin, "serve")
		cmd.Dir, cmd.Env = dir, cleanEnv()
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 {
			t.Fatalf("want exit status 2, got %v:\n%s", err, out)
		}
		if !strings.Contains(string(out), "SECRET_KEY: must be at least 32 bytes, got 15") || strings.Contains(string(out), "hunter2") {
			t.Errorf("want the variable and its length, never its value:\n%s", out)
		}
	})
	t.Run("tocsin bench measures tocsin, and with -floor a bare client, on a small farm", func(t *testing.T) {
		testBenchAndItsFloor(t, bin)
	})
	t.Run("the Dockerfile's HEALTHCHECK passes against the Dockerfile's service", func(t *testing.T) {
		testDockerHealthcheck(t, bin)
	})
	t.Run("a site alerts a Slack channel and a signed webhook, whose receiver checks the signature as the README says", func(t *testing.T) {
		testSlackAndSignedWebhookFromOutside(t, bin)
	})
}

func buildTocsin(t testing.TB, version string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the binary with")
	}
	bin := filepath.Join(t.TempDir(), "tocsin")
	cmd := exec.Command(gobin, "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// cleanEnv is this process's environment without any setting Tocsin reads, so a test's .env
// file is the only source of settings.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TOCSIN_") || strings.HasPrefix(name, "DB_") || name == "DATABASE_URL" || name == "SECRET_KEY" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func writeDotEnv(t *testing.T, dir, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// freshDatabase creates a database of its own on the test server (the DB_* variables cannot
// name a schema) and drops it when the test ends.
func freshDatabase(t *testing.T) (*url.URL, string) {
	t.Helper()
	base := os.Getenv(storetest.PostgresURLEnv)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests", storetest.PostgresURLEnv)
		}
		t.Skipf("%s is not set; skipping PostgreSQL", storetest.PostgresURLEnv)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "tocsin_envtest_" + hex.EncodeToString(b)
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

func testDotEnvStartsOnPostgres(t *testing.T, bin string) {
	server, dbName := freshDatabase(t)
	password, hasPassword := server.User.Password()
	if !hasPassword {
		password = `p@ss:w/o?r#d%` // trust authentication ignores it; the URL must still carry it intact
	}
	secret := "a-compat-secret-key-of-40-bytes-long!!!!"
	addr := freeAddr(t)
	dir := t.TempDir()
	writeDotEnv(t, dir, fmt.Sprintf("DB_NAME=%s\nDB_USER=%s\nDB_PASSWORD='%s'\nDB_HOST=%s\nDB_PORT=%s\nSECRET_KEY=%s\nTOCSIN_ADDR=%s\n",
		dbName, server.User.Username(), password, server.Hostname(), server.Port(), secret, addr))

	p := startBinary(t, bin, dir, cleanEnv()) // no subcommand: serve
	base := "http://" + addr
	p.waitForReady(t, base)

	var signup struct{ Token string }
	if code := call(t, "POST", base+"/auth/signup", `{"username": "ada", "password": "correct horse"}`, &signup); code != 201 {
		t.Fatalf("signup: %d\n%s", code, p.log)
	}
	if _, err := jwt.Parse(signup.Token, func(*jwt.Token) (any, error) { return []byte(secret), nil }, jwt.WithValidMethods([]string{"HS256"})); err != nil {
		t.Errorf("the session token is not signed with SECRET_KEY: %v", err)
	}
	var tables int
	conn := connectTo(t, server, dbName)
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM information_schema.tables WHERE table_name = 'users'").Scan(&tables); err != nil || tables != 1 {
		t.Errorf("the users table is not in %s: %d %v", dbName, tables, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tocsin.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a SQLite file was made beside .env: %v", err)
	}
	if strings.Contains(p.log.String(), password) || strings.Contains(p.log.String(), secret) {
		t.Errorf("the log shows a secret from .env:\n%s", p.log)
	}
}

func connectTo(t *testing.T, server *url.URL, dbName string) *pgx.Conn {
	t.Helper()
	u := *server
	u.Path = "/" + dbName
	conn, err := pgx.Connect(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// binaryProcess is the built tocsin running in the background.
type binaryProcess struct {
	log  *syncBuffer
	done chan struct{} // closed when it has exited; err is then set
	err  error
}

// startBinary runs bin with args in dir and stops it with SIGTERM when the test ends, which it
// must survive with exit status 0.
func startBinary(t testing.TB, bin, dir string, env []string, args ...string) *binaryProcess {
	t.Helper()
	p := &binaryProcess{log: &syncBuffer{}, done: make(chan struct{})}
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, p.log, p.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
			return // already gone; whoever noticed has reported it
		default:
		}
		cmd.Process.Signal(syscall.SIGTERM)
		<-p.done
		if p.err != nil {
			t.Errorf("tocsin did not stop cleanly on SIGTERM: %v\n%s", p.err, p.log)
		}
	})
	return p
}

// waitForReady waits for a 200 from /readyz, and fails if the process exits first.
func (p *binaryProcess) waitForReady(t testing.TB, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-p.done:
			t.Fatalf("tocsin exited before it was ready: %v\n%s", p.err, p.log)
		default:
		}
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no 200 from /readyz: %v\n%s", err, p.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// testBenchAndItsFloor runs tocsin bench as the README does, small: tocsin's own figures, then the
// floor's, whose line says what it measured and adds no sites.
func testBenchAndItsFloor(t *testing.T, bin string) {
	checksPerSecond := regexp.MustCompile(`checks/s +([0-9.]+)`)
	for _, tc := range []struct {
		flags       []string
		want, wrong string
	}{
		{nil, "µs (tocsin)", "floor"},
		{[]string{"-floor"}, "µs (a bare Go client: the floor)", "sites added"},
	} {
		args := append([]string{"bench", "-sites", "20", "-interval", "1s", "-window", "2s"}, tc.flags...)
		cmd := exec.Command(bin, args...)
		cmd.Env = cleanEnv()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tocsin %v: %v\n%s", args, err, out)
		}
		m := checksPerSecond.FindSubmatch(out)
		if m == nil || string(m[1]) == "0.0" || !strings.Contains(string(out), tc.want) || strings.Contains(string(out), tc.wrong) {
			t.Errorf("tocsin %v: want checks a second and %q, not %q:\n%s", args, tc.want, tc.wrong, out)
		}
	}
}

package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tocsin/tocsin/internal/notify/discordtest"
)

// TestMain lets the test binary play the tocsin command, so tests can run it as a real process
// and kill it with SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("TOCSIN_TEST_RUN_MAIN") == "1" {
		os.Exit(run(os.Args[1:], environ(), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
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

type process struct {
	cmd *exec.Cmd
	url string
	log *syncBuffer
}

// startProcess runs `tocsin serve` as its own process on a free port and waits until it answers.
func startProcess(t testing.TB, env ...string) *process {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return startProcessAt(t, addr, env...)
}

// startProcessAt runs `tocsin serve` on addr: a restart uses its predecessor's address, and so
// its instance name and leases.
func startProcessAt(t testing.TB, addr string, env ...string) *process {
	t.Helper()
	p := &process{url: "http://" + addr, log: &syncBuffer{}}
	p.cmd = exec.Command(os.Args[0], "serve", "--addr", addr, "--min-interval-seconds", "1")
	p.cmd.Env = append(os.Environ(), append(env, "TOCSIN_TEST_RUN_MAIN=1")...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.kill() })
	waitUntil(t, "tocsin to answer", func() bool {
		resp, err := http.Get(p.url + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	return p
}

// kill is kill -9: no shutdown, no cleanup.
func (p *process) kill() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	}
}

func TestKill9WhileDiscordFailsLosesNoAlert(t *testing.T) {
	for name, dbURL := range databaseURLs() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var code atomic.Int32
			code.Store(200)
			target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(int(code.Load())) }))
			defer target.Close()
			fake := discordtest.New(t)
			env := []string{"DATABASE_URL=" + dbURL(t), "TOCSIN_DISCORD_ALLOWED_HOSTS=" + fake.Host(), "TOCSIN_AUTH=off"}

			first := startProcess(t, env...)
			if got := call(t, "POST", first.url+"/webhook", fmt.Sprintf(`{"webhook_url": %q}`, fake.WebhookURL("9")), nil); got != 200 {
				t.Fatalf("POST /webhook: %d\n%s", got, first.log)
			}
			body := fmt.Sprintf(`{"url": %q, "name": "shop", "check_interval_seconds": 1, "timeout_seconds": 1}`, target.URL)
			if got := call(t, "POST", first.url+"/sites", body, nil); got != 201 {
				t.Fatalf("POST /sites: %d", got)
			}
			fake.Always(discordtest.Reply{Status: 503})
			code.Store(503)
			waitUntil(t, "Discord to refuse the down alert twice", func() bool { return fake.Posts() >= 2 })
			first.kill()

			code.Store(200)
			fake.Always(discordtest.Reply{Status: 200})
			second := startProcessAt(t, strings.TrimPrefix(first.url, "http://"), env...)
			waitUntil(t, "the down and recovery alerts", func() bool {
				var page struct {
					Notifications []struct{ State string }
				}
				call(t, "GET", second.url+"/notifications?state=delivered", "", &page)
				return len(page.Notifications) == 2
			})
			var titles []string
			for _, m := range fake.Messages() {
				for _, e := range m.Embeds {
					titles = append(titles, e.Title)
				}
			}
			if len(titles) != 2 || !strings.Contains(titles[0], "shop is down") || !strings.Contains(titles[1], "shop recovered") {
				t.Errorf("Discord got %q, want the down alert then the recovery, once each", titles)
			}
			for _, p := range []*process{first, second} {
				if strings.Contains(p.log.String(), "token-9") {
					t.Errorf("the webhook token is in the log:\n%s", p.log)
				}
			}
		})
	}
}

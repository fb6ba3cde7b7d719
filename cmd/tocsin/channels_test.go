package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/standin"
)

// For every channel type: a tocsin process is killed (SIGKILL) while the destination fails, so
// the down alert is committed but not delivered; after a restart the down alert and the
// recovery are each delivered once, in order.
func TestKill9LosesNoAlertOfAnyChannelType(t *testing.T) {
	for _, typ := range monitor.ChannelTypes() {
		for name, dbURL := range databaseURLs() {
			t.Run(string(typ)+"/"+name, func(t *testing.T) {
				t.Parallel()
				var code atomic.Int32
				code.Store(200)
				target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(int(code.Load())) }))
				defer target.Close()
				services := standin.NewServices(t)
				env := append(services.Env(), "DATABASE_URL="+dbURL(t), "TOCSIN_AUTH=off")

				first := startProcess(t, env...)
				if got := call(t, "POST", first.url+"/channels", services.ChannelJSON(typ), nil); got != 201 {
					t.Fatalf("POST /channels: %d\n%s", got, first.log)
				}
				body := fmt.Sprintf(`{"url": %q, "name": "shop", "check_interval_seconds": 1, "timeout_seconds": 1}`, target.URL)
				if got := call(t, "POST", first.url+"/sites", body, nil); got != 201 {
					t.Fatalf("POST /sites: %d", got)
				}
				failing := standin.Reply{Status: 503}
				if typ == monitor.ChannelEmail {
					failing.Status = 451
				}
				services.Always(typ, failing)
				code.Store(503)
				waitUntil(t, "the destination to refuse the down alert twice", func() bool { return services.Attempts(typ) >= 2 })
				first.kill()

				code.Store(200)
				services.Always(typ, standin.Reply{})
				second := startProcessAt(t, strings.TrimPrefix(first.url, "http://"), env...)
				waitUntil(t, "the down and recovery alerts", func() bool {
					var page struct {
						Notifications []struct{ State string }
					}
					call(t, "GET", second.url+"/notifications?state=delivered", "", &page)
					return len(page.Notifications) == 2
				})
				// Queued together, the two may go in one message.
				all := strings.Join(services.Texts(typ), "\n")
				down, up := strings.Index(all, "shop is down"), strings.Index(all, "shop recovered")
				if strings.Count(all, "shop is down") != 1 || strings.Count(all, "shop recovered") != 1 || down > up {
					t.Errorf("%s got %q, want the down alert then the recovery, once each", typ, all)
				}
				for _, p := range []*process{first, second} {
					for _, secret := range services.Secrets(typ) {
						if strings.Contains(p.log.String(), secret) {
							t.Errorf("the secret %q is in the log:\n%s", secret, p.log)
						}
					}
				}
			})
		}
	}
}

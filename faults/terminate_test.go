package faults

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tocsin/tocsin/internal/notify/discordtest"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// With every PostgreSQL backend of Tocsin's own database terminated every 0.3 s while its
// sites go down and up, writes and deliveries fail again and again; in the end every status
// change has its alert, delivered, and Discord was told of each once.
func TestTerminatedBackendsLoseAndDoubleNothing(t *testing.T) {
	t.Parallel()
	server, dbName := ownDatabase(t)
	dbURL := *server
	dbURL.Path = "/" + dbName
	fake := discordtest.New(t)
	app := startTocsin(t, "DATABASE_URL="+dbURL.String(), "TOCSIN_DISCORD_ALLOWED_HOSTS="+fake.Host())
	if got := app.call(t, "POST", "/webhook", map[string]any{"webhook_url": fake.WebhookURL("1")}, nil); got != 200 {
		t.Fatalf("POST /webhook: %d", got)
	}
	target := newFlakyTarget(t)
	var paths []string
	for i := range 10 {
		path := fmt.Sprintf("/term-%02d", i)
		paths = append(paths, path)
		if got := app.call(t, "POST", "/sites", map[string]any{"url": target.URL + path, "name": path[1:],
			"check_interval_seconds": 1, "timeout_seconds": 1}, nil); got != 201 {
			t.Fatalf("POST /sites: %d", got)
		}
	}

	ctx := context.Background()
	admin, err := pgx.Connect(ctx, os.Getenv(storetest.PostgresURLEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	stop := make(chan struct{})
	terminated := make(chan int)
	go func() {
		n := 0
		defer func() { terminated <- n }()
		for {
			select {
			case <-stop:
				return
			case <-time.After(300 * time.Millisecond):
			}
			var k int
			// Only the backends of this test's own database: the server and its other users are left alone.
			admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, dbName).Scan(&k)
			n += k
		}
	}()
	for round := range 3 {
		target.set(paths, round%2 == 0)
		time.Sleep(3 * time.Second)
	}
	target.set(paths, false)
	time.Sleep(2 * time.Second)
	close(stop)
	t.Logf("%d backends terminated", <-terminated)

	var page notificationPage
	waitFor(t, "every alert delivered", 60*time.Second, func() bool {
		page = notificationPage{}
		if app.call(t, "GET", "/notifications?limit=1000", nil, &page) != 200 || len(page.Notifications) == 0 {
			return false
		}
		for _, n := range page.Notifications {
			if n.State != "delivered" {
				return false
			}
		}
		return true
	})
	time.Sleep(2 * time.Second)
	page = notificationPage{}
	app.call(t, "GET", "/notifications?limit=1000", nil, &page)
	alerts := map[string]int{}
	for _, n := range page.Notifications {
		alerts[n.Site.Name+" "+n.Event.Kind]++
	}
	told := toldDiscord(fake.Messages())
	for _, path := range paths {
		name := path[1:]
		down, up := alerts[name+" down"], alerts[name+" recovered"]
		if down == 0 || down != up {
			t.Errorf("%s: %d down and %d recovery alerts, want as many of each, at least one", name, down, up)
		}
		if toldDown, toldUp := told.of(name); toldDown != down || toldUp != up {
			t.Errorf("%s: Discord was told %d downs and %d recoveries, for %d and %d alerts:\n%s", name, toldDown, toldUp, down, up, told)
		}
	}
}

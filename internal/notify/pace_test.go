package notify

import (
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/notify/discord"
)

func TestPacerStaysWellUnderDiscordsLimits(t *testing.T) {
	p := newPacer(Config{}.withDefaults().Pace)
	discordPace := (&discord.Driver{}).Pace()
	hook := slot{id: 1, group: "c", pace: discordPace}
	var waits []time.Duration
	for range 5 {
		w, ok := p.reserve(hook, time.Hour)
		if !ok {
			t.Fatal("refused a turn within an hour")
		}
		waits = append(waits, w)
	}
	// Discord allows 5 per 2 s per webhook; the fifth request must wait at least 2 s.
	if waits[4] < 2*time.Second {
		t.Errorf("waits %v: five requests within 2 s", waits)
	}
	other := slot{id: 2, group: "c", pace: discordPace}
	for range 30 {
		p.reserve(other, time.Hour)
	}
	// 35 turns on channel c: the last comes well over a minute after the first.
	if w, _ := p.reserve(other, time.Hour); w < time.Minute {
		t.Errorf("36th request on one channel waits only %v", w)
	}
}

func TestPacerHonoursDiscordsWaits(t *testing.T) {
	p := newPacer(fastConfig().Pace)
	hook := slot{id: 1}
	p.observe(hook, discord.Response{Status: 200, RateLimit: discord.RateLimit{Known: true, Remaining: 0, ResetAfter: 3 * time.Second}})
	if w, ok := p.reserve(hook, time.Second); ok || w < 2900*time.Millisecond {
		t.Errorf("after Remaining 0: wait %v ok %v, want about 3s and refused", w, ok)
	}
	p.observe(hook, discord.Response{Status: 429, RetryAfter: 10 * time.Second, Global: true})
	if w, _ := p.reserve(slot{id: 9}, time.Hour); w < 9*time.Second {
		t.Errorf("a global 429 did not hold other webhooks: %v", w)
	}
}

func TestBackoffGrowsWithJitterAndIsCapped(t *testing.T) {
	d := &Dispatcher{cfg: Config{BackoffBase: 2 * time.Second, BackoffMax: 2 * time.Minute}}
	for attempts, bounds := range [][2]time.Duration{{time.Second, 2 * time.Second}, {2 * time.Second, 4 * time.Second}, {4 * time.Second, 8 * time.Second}} {
		for range 50 {
			if b := d.backoff(attempts); b < bounds[0] || b > bounds[1] {
				t.Fatalf("attempt %d: %v outside %v", attempts, b, bounds)
			}
		}
	}
	for _, attempts := range []int{10, 40, 1000} {
		if b := d.backoff(attempts); b > 2*time.Minute || b < time.Minute {
			t.Errorf("attempt %d: %v, want within the cap", attempts, b)
		}
	}
}

package notify

import (
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/discord"
)

// pacer keeps the requests of this process under Discord's limits: its own token buckets per
// webhook and per channel, and the waits Discord asks for in its headers and 429 answers.
type pacer struct {
	cfg Pace

	mu       sync.Mutex
	webhooks map[int64]*rate.Limiter
	channels map[string]*rate.Limiter
	blocked  map[int64]time.Time // Discord asked this webhook to wait until then
	global   time.Time           // Discord asked everyone to wait until then
}

func newPacer(cfg Pace) *pacer {
	return &pacer{cfg: cfg, webhooks: map[int64]*rate.Limiter{}, channels: map[string]*rate.Limiter{}, blocked: map[int64]time.Time{}}
}

// reserve takes a turn to send to the webhook and says how long to wait for it. When the wait
// would be longer than maxWait it takes nothing and returns false with the wait.
func (p *pacer) reserve(hook monitor.Webhook, maxWait time.Duration) (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	start := now
	for _, until := range []time.Time{p.blocked[hook.ID], p.global} {
		if until.After(start) {
			start = until
		}
	}
	wl, cl := p.limiters(hook)
	rw, rc := wl.ReserveN(start, 1), cl.ReserveN(start, 1)
	wait := start.Sub(now) + max(rw.DelayFrom(start), rc.DelayFrom(start))
	if wait > maxWait {
		rw.CancelAt(start)
		rc.CancelAt(start)
		return wait, false
	}
	return wait, true
}

func (p *pacer) limiters(hook monitor.Webhook) (*rate.Limiter, *rate.Limiter) {
	wl, ok := p.webhooks[hook.ID]
	if !ok {
		wl = rate.NewLimiter(rate.Every(p.cfg.WebhookEvery), p.cfg.WebhookBurst)
		p.webhooks[hook.ID] = wl
	}
	channel := hook.ChannelID
	if channel == "" {
		channel = "webhook " + strconv.FormatInt(hook.ID, 10)
	}
	cl, ok := p.channels[channel]
	if !ok {
		cl = rate.NewLimiter(rate.Every(p.cfg.ChannelEvery), p.cfg.ChannelBurst)
		p.channels[channel] = cl
	}
	return wl, cl
}

// observe notes the waits Discord asked for: a bucket with nothing remaining, or a 429.
func (p *pacer) observe(hook monitor.Webhook, resp discord.Response) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if rl := resp.RateLimit; rl.Known && rl.Remaining == 0 {
		p.blockUntil(hook.ID, now.Add(rl.ResetAfter))
	}
	if resp.Outcome() == discord.RateLimited {
		if resp.Global {
			p.global = later(p.global, now.Add(resp.RetryAfter))
		}
		p.blockUntil(hook.ID, now.Add(resp.RetryAfter))
	}
}

func (p *pacer) blockUntil(id int64, until time.Time) { p.blocked[id] = later(p.blocked[id], until) }

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

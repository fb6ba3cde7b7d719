package notify

import (
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/tocsin/tocsin/internal/notify/channel"
)

// slot is what one send to a channel counts against: the channel's own bucket, its group's
// (a Discord channel that several webhooks post to), at its type's pace.
type slot struct {
	id    int64
	group string
	pace  channel.Pace
}

// pacer keeps the requests of this process under each destination's limits: its own token
// buckets per channel and per group, and the waits destinations ask for in their headers and
// 429 answers.
type pacer struct {
	override channel.Pace // when set, every type's pace

	mu       sync.Mutex
	channels map[int64]*rate.Limiter
	groups   map[string]*rate.Limiter
	blocked  map[int64]time.Time // the destination asked this channel to wait until then
	global   time.Time           // a destination asked everyone to wait until then
}

func newPacer(override channel.Pace) *pacer {
	return &pacer{override: override, channels: map[int64]*rate.Limiter{}, groups: map[string]*rate.Limiter{}, blocked: map[int64]time.Time{}}
}

// reserve takes a turn to send to the channel and says how long to wait for it. When the wait
// would be longer than maxWait it takes nothing and returns false with the wait.
func (p *pacer) reserve(s slot, maxWait time.Duration) (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	start := now
	for _, until := range []time.Time{p.blocked[s.id], p.global} {
		if until.After(start) {
			start = until
		}
	}
	cl, gl := p.limiters(s)
	rc, rg := cl.ReserveN(start, 1), gl.ReserveN(start, 1)
	wait := start.Sub(now) + max(rc.DelayFrom(start), rg.DelayFrom(start))
	if wait > maxWait {
		rc.CancelAt(start)
		rg.CancelAt(start)
		return wait, false
	}
	return wait, true
}

func (p *pacer) limiters(s slot) (*rate.Limiter, *rate.Limiter) {
	pace := s.pace
	if p.override != (channel.Pace{}) {
		pace = p.override
	}
	cl, ok := p.channels[s.id]
	if !ok {
		cl = rate.NewLimiter(rate.Every(pace.Every), max(pace.Burst, 1))
		p.channels[s.id] = cl
	}
	group := s.group
	if group == "" {
		group = "channel " + strconv.FormatInt(s.id, 10)
	}
	gl, ok := p.groups[group]
	if !ok {
		gl = rate.NewLimiter(rate.Every(pace.GroupEvery), max(pace.GroupBurst, 1))
		p.groups[group] = gl
	}
	return cl, gl
}

// observe notes the waits a destination asked for: a bucket with nothing remaining, or a 429.
func (p *pacer) observe(s slot, resp channel.Response) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if rl := resp.RateLimit; rl.Known && rl.Remaining == 0 {
		p.blockUntil(s.id, now.Add(rl.ResetAfter))
	}
	if resp.Outcome() == channel.RateLimited {
		if resp.Global {
			p.global = later(p.global, now.Add(resp.RetryAfter))
		}
		p.blockUntil(s.id, now.Add(resp.RetryAfter))
	}
}

func (p *pacer) blockUntil(id int64, until time.Time) { p.blocked[id] = later(p.blocked[id], until) }

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

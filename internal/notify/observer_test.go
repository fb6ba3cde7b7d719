package notify

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/standin"
)

// answerObserver keeps what it is told: "type status" for each answer.
type answerObserver struct {
	mu      sync.Mutex
	answers []string
}

func (o *answerObserver) ChannelAnswered(t monitor.ChannelType, status int, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.answers = append(o.answers, fmt.Sprintf("%s %d", t, status))
}

func (o *answerObserver) seen() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.answers)
}

func TestObserverHearsEveryAnswerOfEveryType(t *testing.T) {
	forEachType(t, func(t *testing.T, r *typeRig) {
		obs := &answerObserver{}
		cfg := fastConfig()
		cfg.Observer = obs
		refusal, taken := 503, []int{200, 204}
		if r.typ == monitor.ChannelEmail { // a mail server says "try later" with 4xx, and takes a message with 250
			refusal, taken = 451, []int{250}
		}
		r.services.Script(r.typ, standin.Reply{Status: refusal})
		r.start(cfg)
		r.record(r.sites(1), monitor.StatusDown, t0.Add(time.Minute))
		waitFor(t, "the alert delivered after a refusal", func() bool { return r.countState(monitor.NotificationDelivered) == 1 })
		got := obs.seen()
		want := []string{fmt.Sprintf("%s %d", r.typ, refusal)}
		if len(got) != 2 || got[0] != want[0] || !slices.ContainsFunc(taken, func(s int) bool { return got[1] == fmt.Sprintf("%s %d", r.typ, s) }) {
			t.Errorf("observed %v, want %s then %s %v", got, want[0], r.typ, taken)
		}
	})
}

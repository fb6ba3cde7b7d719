package scheduler

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// netWatch sees every scheduled check's result before it is written, and holds the failures
// that Tocsin's own network caused (see netrule.go): such a result is written as history
// only, and the site's owner is told once, with one "cannot reach the network" alert, instead
// of a storm of downs. A failure with no answer waits, unwritten, until the rules decide; other
// results go straight on, behind any result of their site still waiting.
type netWatch struct {
	probe    ProbeFunc
	canaries []monitor.Target
	now      func() time.Time
	log      *slog.Logger
	store    Store
	out      chan<- store.CheckResult

	// sendMu keeps results leaving in the order they were decided in, and account alerts in
	// the order they were raised; it is taken before mu.
	sendMu sync.Mutex

	mu      sync.Mutex
	seq     uint64 // arrivals so far: a probe covers the failures that arrived before it began
	waiting []*waitingResult
	mass    massWindow
	probing bool
	// lastProbeAt is when the last canary probe began; last is the last one that finished.
	lastProbeAt   time.Time
	last          probeOutcome
	warnedUnknown bool
	// lastAnswerStart is when the latest check that got an answer began: a failure that
	// arrived before it was not the network's doing.
	lastAnswerStart time.Time
	outage          *outage // nil while the network is taken to work
	alerts          []accountAlert
	closed          bool

	probes   sync.WaitGroup
	ctx      context.Context // ends canary probes at shutdown
	stopProb context.CancelFunc
}

type waitingResult struct {
	result   store.CheckResult
	owner    int64
	arrived  time.Time
	seq      uint64
	decision decision // results other than failures with no answer are released as they come
}

type probeOutcome struct {
	startSeq uint64 // the arrivals before the probe began
	verdict  canaryVerdict
	reason   string
	done     bool
}

// outage is a spell of the network taken to be down.
type outage struct {
	since  time.Time
	reason string
	held   int
	// told maps each owner whose check was held to the webhooks its alert went to.
	told map[int64][]int64
}

// accountAlert is a network alert to queue for an owner, in the order raised.
type accountAlert struct {
	owner  int64
	alert  monitor.Alert
	outage *outage // whose told it fills (down) or reads (up)
}

func newNetWatch(st Store, probe ProbeFunc, canaries []monitor.Target, now func() time.Time, log *slog.Logger,
	out chan<- store.CheckResult) *netWatch {
	ctx, cancel := context.WithCancel(context.Background())
	return &netWatch{store: st, probe: probe, canaries: canaries, now: now, log: log, out: out, ctx: ctx, stopProb: cancel}
}

// observe takes a scheduled check's result of site.
func (w *netWatch) observe(site monitor.Site, r store.CheckResult) {
	w.sendMu.Lock()
	defer w.sendMu.Unlock()
	w.mu.Lock()
	if w.closed { // only a check abandoned at shutdown comes this late, and it is not recorded
		w.mu.Unlock()
		return
	}
	now := w.now()
	w.seq++
	noAnswer := r.Result.NoAnswer && r.Result.Status == monitor.StatusDown
	w.mass.add(r.SiteID, now, noAnswer)
	if answered(r.Result) && r.Result.CheckedAt.After(w.lastAnswerStart) {
		w.lastAnswerStart = r.Result.CheckedAt
	}
	e := &waitingResult{result: r, owner: site.OwnerID, arrived: now, seq: w.seq}
	if !noAnswer {
		e.decision = release
	}
	w.waiting = append(w.waiting, e)
	ready := w.evaluate(now)
	w.mu.Unlock()
	w.send(ready)
}

// answered says a check got an answer from its target: it worked, or some server replied.
func answered(r monitor.Result) bool { return r.Status == monitor.StatusUp || r.StatusCode != 0 }

// tick lets time decide: waits run out, and canaries are probed while the network is down.
func (w *netWatch) tick() {
	w.sendMu.Lock()
	defer w.sendMu.Unlock()
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	ready := w.evaluate(w.now())
	w.mu.Unlock()
	w.send(ready)
}

// down says whether the network is taken to be down now, for checks outside the schedule.
func (w *netWatch) down() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.outage != nil
}

// close decides every waiting result by what is known now and sends them; nothing is sent
// after it. Run calls it once no check is running, before it closes the results.
func (w *netWatch) close() {
	w.sendMu.Lock()
	w.mu.Lock()
	w.closed = true
	w.stopProb()
	now := w.now()
	w.mass.prune(now)
	for _, e := range w.waiting {
		if e.decision == undecided {
			e.decision = release
			if w.networkDown() {
				e.decision = hold
			}
		}
	}
	ready := w.ready()
	w.mu.Unlock()
	w.send(ready)
	w.sendMu.Unlock()
	w.probes.Wait()
}

// evaluate applies the rules at now: it may start a canary probe, start or end an outage,
// and decide waiting results. It returns the results ready to leave, in order. Call with mu.
func (w *netWatch) evaluate(now time.Time) []store.CheckResult {
	w.mass.prune(now)
	w.followOutage(now)
	for _, e := range w.waiting {
		if e.decision != undecided {
			continue
		}
		facts := failureFacts{waited: now.Sub(e.arrived), haveCanaries: len(w.canaries) > 0,
			canariesSilent: w.last.done && w.last.verdict == canarySilent, mass: w.mass.count, knownSites: len(w.mass.last),
			answeredSince: w.lastAnswerStart.After(e.arrived)}
		if w.last.done && w.last.startSeq >= e.seq {
			facts.canary = w.last.verdict
		}
		e.decision = facts.decide()
	}
	w.maybeProbe(now)
	return w.ready()
}

// networkDown says whether either rule takes the network to be down now. Call with mu.
func (w *netWatch) networkDown() bool {
	return w.mass.count.holds() || w.last.done && w.last.verdict == canarySilent
}

// followOutage starts an outage when a rule says the network is down, and ends it when none
// does; the end tells every owner who was told of the start. Call with mu.
func (w *netWatch) followOutage(now time.Time) {
	switch down := w.networkDown(); {
	case down && w.outage == nil:
		reason := w.last.reason
		if w.mass.count.holds() {
			reason = w.mass.count.reason()
		}
		w.outage = &outage{since: now, reason: reason, told: map[int64][]int64{}}
		w.log.Warn("Tocsin cannot reach the network: checks that get no answer are held, and their sites do not alert",
			"reason", reason)
	case !down && w.outage != nil:
		o := w.outage
		w.outage = nil
		w.log.Info("Tocsin reaches the network again", "down_for", now.Sub(o.since).String(), "held_checks", o.held)
		since := o.since
		for owner := range o.told {
			w.alerts = append(w.alerts, accountAlert{owner: owner, outage: o,
				alert: monitor.Alert{Kind: monitor.AlertNetworkUp, At: now, DownSince: &since}})
		}
	}
}

// ready takes from the front of the waiting results those decided and not behind an
// undecided result of their site, marks the held ones, and raises the network alert for
// owners not yet told of this outage. Call with mu.
func (w *netWatch) ready() []store.CheckResult {
	var out []store.CheckResult
	var blocked map[int64]bool // sites with a result still undecided, ahead of their later ones
	kept := w.waiting[:0]
	for _, e := range w.waiting {
		if e.decision == undecided || blocked[e.result.SiteID] {
			if blocked == nil {
				blocked = map[int64]bool{}
			}
			blocked[e.result.SiteID] = true
			kept = append(kept, e)
			continue
		}
		if e.decision == hold {
			e.result.Held = true
			w.noteHeld(e)
		}
		out = append(out, e.result)
	}
	clear(w.waiting[len(kept):])
	w.waiting = kept
	return out
}

func (w *netWatch) noteHeld(e *waitingResult) {
	o := w.outage
	if o == nil { // decided at shutdown, the outage over: nobody is told twice
		return
	}
	o.held++
	if _, told := o.told[e.owner]; told {
		return
	}
	o.told[e.owner] = nil
	w.alerts = append(w.alerts, accountAlert{owner: e.owner, outage: o,
		alert: monitor.Alert{Kind: monitor.AlertNetworkDown, At: o.since, Error: o.reason}})
}

// send passes results on to be written, then queues the network alerts raised so far, in
// order. An alert the store refuses waits, with those after it, for the next call. Call with
// sendMu, without mu.
func (w *netWatch) send(results []store.CheckResult) {
	for _, r := range results {
		w.out <- r
	}
	w.mu.Lock()
	alerts := w.alerts
	w.alerts = nil
	w.mu.Unlock()
	for i, a := range alerts {
		if err := w.queueAlert(a); err != nil {
			w.log.Error("queue network alert", "owner_id", a.owner, "alert", a.alert.Kind, "err", err)
			w.mu.Lock()
			w.alerts = append(alerts[i:], w.alerts...)
			w.mu.Unlock()
			return
		}
	}
}

func (w *netWatch) queueAlert(a accountAlert) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w.mu.Lock()
	webhooks := a.outage.told[a.owner]
	w.mu.Unlock()
	if a.alert.Kind == monitor.AlertNetworkUp && len(webhooks) == 0 {
		return nil // the start went nowhere: nothing to end
	}
	to, err := w.store.QueueAccountAlert(ctx, a.owner, webhooks, a.alert)
	if err != nil {
		return err
	}
	if a.alert.Kind == monitor.AlertNetworkDown {
		w.mu.Lock()
		a.outage.told[a.owner] = to
		w.mu.Unlock()
	}
	return nil
}

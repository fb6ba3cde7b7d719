package scheduler

import (
	"context"
	"sync"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// CanaryTarget is what probing a canary takes: an http(s) URL, where any HTTP answer counts
// (the request follows no redirect), or a host:port to connect to.
func CanaryTarget(address string, tcp bool) monitor.Target {
	if tcp {
		return monitor.Target{Kind: monitor.KindTCP, URL: address, Timeout: CanaryTimeout}
	}
	noRedirects := 0
	return monitor.Target{Kind: monitor.KindHTTP, URL: address, Timeout: CanaryTimeout, ExpectedStatusCode: 200,
		HTTP: monitor.HTTPOptions{Method: "HEAD", MaxRedirects: &noRedirects}}
}

// maybeProbe starts a probe of the canaries, unless one is running: at once when a failure
// with no answer waits that no probe began after, and every CanaryEvery while the network is
// taken to be down. Call with mu.
func (w *netWatch) maybeProbe(now time.Time) {
	if len(w.canaries) == 0 || w.probing || w.closed {
		return
	}
	uncovered := false
	for _, e := range w.waiting {
		uncovered = uncovered || e.decision == undecided && (!w.last.done || w.last.startSeq < e.seq)
	}
	due := w.outage != nil && !now.Before(w.lastProbeAt.Add(CanaryEvery))
	if !uncovered && !due {
		return
	}
	w.probing, w.lastProbeAt = true, now
	started := probeOutcome{startSeq: w.seq}
	w.probes.Add(1)
	go w.runProbe(started)
}

// runProbe probes every canary at once, then records the verdict and lets it decide.
func (w *netWatch) runProbe(p probeOutcome) {
	defer w.probes.Done()
	results := make([]monitor.Result, len(w.canaries))
	names := make([]string, len(w.canaries))
	var wg sync.WaitGroup
	for i, c := range w.canaries {
		names[i] = c.URL
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(w.ctx, CanaryTimeout)
			defer cancel()
			results[i] = w.probe(ctx, c)
		})
	}
	wg.Wait()
	p.verdict, p.reason = judgeCanaries(names, results)
	p.done = true

	w.sendMu.Lock()
	defer w.sendMu.Unlock()
	w.mu.Lock()
	w.probing = false
	if w.closed {
		w.mu.Unlock()
		return
	}
	if p.verdict == canaryUnknown && !w.warnedUnknown {
		w.warnedUnknown = true
		w.log.Warn("no canary could be probed (refused by the address policy?): only the mass rule watches the network",
			"canaries", names)
	}
	w.last = p
	ready := w.evaluate(w.now())
	w.mu.Unlock()
	w.send(ready)
}

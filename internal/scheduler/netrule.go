package scheduler

import (
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// The rules that tell Tocsin's own network failing from its sites failing. Only checks that
// failed with no answer at all (monitor.Result.NoAnswer: no name, no connection, no TLS, no
// time) count: any HTTP answer, even a 503, proves the network works.
const (
	// MassFailures and MassWindow make the mass rule: the network is down when, of the sites
	// this process checked within the last MassWindow (each counted once, by its last check),
	// at least MassFailures last failed with no answer, and they are at least half of them.
	MassFailures = 10
	MassWindow   = time.Minute
	// VerdictWait is how long a failure with no answer waits, unwritten, for the rules to
	// decide whether the network is to blame. Long enough for the mass rule to see an outage
	// of the network through checks spread over the window (it does within half of it); a
	// canary probe usually decides much sooner.
	VerdictWait = 45 * time.Second
	// CanaryTimeout bounds one probe of a canary; CanaryEvery is how often canaries are probed
	// while the network is down, so its return is seen without waiting for a site's check.
	CanaryTimeout = 5 * time.Second
	CanaryEvery   = 15 * time.Second
)

// massCount counts the sites this process checked within the window, and how many of them
// last failed with no answer.
type massCount struct{ checked, noAnswer int }

// holds says whether the mass rule takes the network to be down.
func (m massCount) holds() bool {
	return m.noAnswer >= MassFailures && 2*m.noAnswer >= m.checked
}

func (m massCount) reason() string {
	return strconv.Itoa(m.noAnswer) + " of the " + strconv.Itoa(m.checked) +
		" sites checked in the last minute failed with no answer"
}

// canaryVerdict is what one probe of the canaries found.
type canaryVerdict int

const (
	canaryUnknown  canaryVerdict = iota // not probed, or no canary could be asked (refused by the policy)
	canaryAnswered                      // at least one canary answered: the network works
	canarySilent                        // none answered, and at least one failed with no answer
)

// judgeCanaries reads one probe of every canary, and says why when none answered.
func judgeCanaries(names []string, results []monitor.Result) (canaryVerdict, string) {
	var silent []string
	for i, r := range results {
		switch {
		case answered(r):
			return canaryAnswered, ""
		case r.NoAnswer:
			silent = append(silent, names[i]+" ("+r.Error+")")
		}
	}
	if len(silent) == 0 {
		return canaryUnknown, ""
	}
	return canarySilent, "no canary answered: " + strings.Join(silent, ", ")
}

// decision is what becomes of a check result that failed with no answer.
type decision int

const (
	undecided decision = iota
	release            // written as usual: its site is judged by it
	hold               // written as history only: the network was down
)

// failureFacts are what a failure with no answer is judged by, at one moment.
type failureFacts struct {
	waited       time.Duration
	haveCanaries bool
	// canary is the verdict of the last canary probe that began after the failure arrived.
	canary canaryVerdict
	// canariesSilent says the last canary probe, whenever it began, found none answering.
	canariesSilent bool
	mass           massCount
	// knownSites is how many sites this process has checked: with fewer than MassFailures,
	// the mass rule can never hold, and a wait for it would only delay the alert.
	knownSites int
	// answeredSince says a check of another site that began after the failure arrived got an
	// answer: the network worked then, as a canary's answer would prove.
	answeredSince bool
}

// decide judges a failure with no answer: held at once when the canaries, probed after it,
// are silent; released at once when they, or a site's check begun after it, answered and the
// mass rule does not hold, or when there are no canaries and fewer sites than the mass rule
// needs; otherwise, after VerdictWait, held if either rule takes the network to be down then,
// released if not.
func (f failureFacts) decide() decision {
	switch {
	case f.canary == canarySilent:
		return hold
	case (f.canary == canaryAnswered || f.answeredSince) && !f.mass.holds():
		return release
	case !f.haveCanaries && f.knownSites < MassFailures:
		return release
	case f.waited >= VerdictWait:
		if f.canariesSilent || f.mass.holds() {
			return hold
		}
		return release
	}
	return undecided
}

// massWindow keeps every site's last check, and counts those within MassWindow.
type massWindow struct {
	last  map[int64]mark
	order []markRef // the checks counted, oldest first, to uncount them as they age
	count massCount
}

type mark struct {
	at                time.Time
	noAnswer, counted bool
}

type markRef struct {
	site int64
	at   time.Time
}

// add notes a site's check that arrived at at, replacing its last one.
func (m *massWindow) add(site int64, at time.Time, noAnswer bool) {
	if m.last == nil {
		m.last = map[int64]mark{}
	}
	m.uncount(site)
	m.last[site] = mark{at: at, noAnswer: noAnswer, counted: true}
	m.order = append(m.order, markRef{site, at})
	m.count.checked++
	if noAnswer {
		m.count.noAnswer++
	}
}

// prune stops counting the checks that arrived MassWindow or longer before now.
func (m *massWindow) prune(now time.Time) {
	cut := now.Add(-MassWindow)
	for len(m.order) > 0 && !m.order[0].at.After(cut) {
		ref := m.order[0]
		m.order = m.order[1:]
		if mk := m.last[ref.site]; mk.counted && mk.at.Equal(ref.at) {
			m.uncount(ref.site)
		}
	}
}

func (m *massWindow) uncount(site int64) {
	mk, ok := m.last[site]
	if !ok || !mk.counted {
		return
	}
	m.count.checked--
	if mk.noAnswer {
		m.count.noAnswer--
	}
	mk.counted = false
	m.last[site] = mk
}

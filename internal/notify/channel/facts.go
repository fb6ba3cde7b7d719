package channel

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Fact is one thing an alert tells, shown by each type in its own way (a Discord field, a
// line of a Telegram message, a row of an email's table).
type Fact struct {
	Name string
	Text string     // plain text, on one line, not escaped; "" with no Time means unknown
	Time *time.Time // set for a time, which each format writes its own way
	URL  bool       // Text is a URL
	// Inline says the fact is short and may stand beside others.
	Inline bool
}

// Facts are the facts of an alert, in the order people look for them.
func Facts(a monitor.Alert) []Fact {
	if d := Describe(a.Kind); d.Facts != nil {
		return d.Facts(a)
	}
	facts := urlFact(a)
	if a.StatusCode != 0 {
		facts = append(facts, Fact{Name: "HTTP status", Text: StatusText(a.StatusCode), Inline: true})
	}
	if a.Error != "" {
		facts = append(facts, Fact{Name: "Error", Text: OneLine(a.Error)})
	}
	if a.SiteID != 0 || a.ResponseTimeMS != 0 {
		facts = append(facts, Fact{Name: "Response time", Text: MS(a.ResponseTimeMS), Inline: true})
	}
	if a.DownSince != nil {
		since := *a.DownSince
		facts = append(facts, Fact{Name: "Down since", Time: &since, Inline: true})
	}
	return append(facts, downtimeFact(a)...)
}

// Downtime is how long the outage the alert ends or recalls has lasted (a recovery, a
// reminder, a settle in up, Tocsin's network back), when its start is known: without
// DownSince it is unknown, and "0s" would be a lie.
func Downtime(a monitor.Alert) (time.Duration, bool) {
	if a.DownSince == nil {
		return 0, false
	}
	switch a.Kind {
	case monitor.AlertRecovered, monitor.AlertStillDown, monitor.AlertNetworkUp:
		return a.Downtime(), true
	case monitor.AlertSettled:
		return a.Downtime(), a.SiteStatus == monitor.StatusUp
	}
	return 0, false
}

func downtimeFact(a monitor.Alert) []Fact {
	if d, ok := Downtime(a); ok {
		return []Fact{{Name: "Downtime", Text: HumanDuration(d), Inline: true}}
	}
	return nil
}

// urlFact is the site's URL; an alert about no site has none.
func urlFact(a monitor.Alert) []Fact {
	if a.URL == "" && a.SiteID == 0 {
		return nil
	}
	return []Fact{{Name: "URL", Text: a.URL, URL: true}}
}

// certFacts leave out the check's status and timing: it went well, and they would distract.
func certFacts(a monitor.Alert) []Fact {
	expires := Fact{Name: "Expires", Inline: true}
	if a.CertExpiresAt != nil {
		at := *a.CertExpiresAt
		expires.Time = &at
	}
	return append(urlFact(a), expires, Fact{Name: "Days left", Text: strconv.Itoa(a.CertDaysLeft), Inline: true})
}

// flapFacts are a flapping site's: where it stands and how often it changed, why it is down
// when it is, and the down alert this answers (since then the site has been down, then up
// and down), with the downtime once it settled up.
func flapFacts(a monitor.Alert) []Fact {
	facts := append(urlFact(a),
		Fact{Name: "Status", Text: string(a.SiteStatus), Inline: true},
		Fact{Name: "Changes", Text: strconv.Itoa(a.Changes) + " in the last " + strconv.Itoa(monitor.FlapWindow) + " checks", Inline: true})
	if a.SiteStatus == monitor.StatusDown {
		if a.StatusCode != 0 {
			facts = append(facts, Fact{Name: "HTTP status", Text: StatusText(a.StatusCode), Inline: true})
		}
		if a.Error != "" {
			facts = append(facts, Fact{Name: "Error", Text: OneLine(a.Error)})
		}
	}
	if a.DownSince != nil {
		since := *a.DownSince
		facts = append(facts, Fact{Name: "Down since", Time: &since, Inline: true})
	}
	return append(facts, downtimeFact(a)...)
}

// networkUpFacts say how long Tocsin could not reach the network, when that is known.
func networkUpFacts(a monitor.Alert) []Fact {
	if a.DownSince == nil {
		return nil
	}
	since := *a.DownSince
	d, _ := Downtime(a)
	return []Fact{{Name: "Unreachable since", Time: &since, Inline: true}, {Name: "For", Text: HumanDuration(d), Inline: true}}
}

func latencyFacts(a monitor.Alert) []Fact {
	return append(urlFact(a),
		Fact{Name: "Response time", Text: MS(a.ResponseTimeMS), Inline: true},
		Fact{Name: "Usual", Text: MS(a.BaselineMS), Inline: true})
}

// StatusText is "503 Service Unavailable", or the bare code when it has no name.
func StatusText(code int) string {
	if text := http.StatusText(code); text != "" {
		return strconv.Itoa(code) + " " + text
	}
	return strconv.Itoa(code)
}

// MS is a duration in milliseconds: "120 ms".
func MS(ms int64) string { return strconv.FormatInt(ms, 10) + " ms" }

// UTC writes a time for text formats that cannot show it in the reader's zone.
func UTC(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// Title is an alert's title: "🔴 shop is down". The subject is cut to nameRunes and escaped
// with esc, so the words after it survive any cut of the whole.
func Title(a monitor.Alert, esc func(string) string, nameRunes int) string {
	return Describe(a.Kind).Icon + " " + esc(Truncate(Subject(a), nameRunes)) + Headline(a)
}

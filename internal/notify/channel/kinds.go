package channel

import (
	"strconv"
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Severity is how bad an alert's news is; messages take the colour, priority or subject of
// the worst news they carry.
type Severity int

const (
	Info    Severity = iota // neither good nor bad, or a kind this version does not know
	Good                    // back to normal
	Warning                 // not down, but someone should look
	Bad                     // down
)

// Kind describes one kind of alert for every channel type: each type writes its messages
// from this, so a new kind of alert is described here once and every type shows it.
type Kind struct {
	Kind     monitor.AlertKind
	Icon     string // before the site's name: "🔴"
	Verb     string // after the site's name: "is down"
	Label    string // after a count in a summary: "3 down"
	Severity Severity
	// SeverityOf, when set, replaces Severity for an alert whose news depends on more than
	// its kind (a site that settled up is good news, one that settled down bad).
	SeverityOf func(a monitor.Alert) Severity
	// Note, when set, is a sentence under the title that says what the alert means for the
	// alerts that follow it ("sites are not reported down meanwhile").
	Note string
	// Headline, when set, replaces " " + Verb after the site's name in a title.
	Headline func(a monitor.Alert) string
	// Happened, when set, replaces " " + Verb after the site's name on a summary line; reason
	// is why the site is down, already escaped for the format and cut.
	Happened func(a monitor.Alert, reason string) string
	// Facts, when set, replaces the usual facts of an alert (see Facts).
	Facts func(a monitor.Alert) []Fact
}

// kinds are the kinds Tocsin raises, in the order a summary counts them: the bad news first.
func kinds() []Kind {
	return []Kind{
		{Kind: monitor.AlertNetworkDown, Icon: "📡", Verb: "cannot reach the network", Label: "network unreachable", Severity: Bad,
			Note:     "Checks that get no answer are held until it is back: sites are not reported down meanwhile.",
			Happened: func(a monitor.Alert, reason string) string { return " cannot reach the network — " + reason },
			Facts:    func(a monitor.Alert) []Fact { return []Fact{{Name: "Why", Text: OneLine(a.Error)}} }},
		{Kind: monitor.AlertDown, Icon: "🔴", Verb: "is down", Label: "down", Severity: Bad,
			Happened: func(a monitor.Alert, reason string) string { return " — " + reason }},
		{Kind: monitor.AlertStillDown, Icon: "🟠", Verb: "is still down", Label: "still down", Severity: Bad,
			Happened: func(a monitor.Alert, reason string) string {
				return " still down" + downtimeText(a, " for ") + " — " + reason
			}},
		{Kind: monitor.AlertFlapping, Icon: "🔀", Verb: "is flapping", Label: "flapping", Severity: Warning,
			Note: "Its status keeps changing: one alert when it settles, instead of a down and a recovery each time.",
			Happened: func(a monitor.Alert, _ string) string {
				return " is flapping: " + strconv.Itoa(a.Changes) + " changes in " + strconv.Itoa(monitor.FlapWindow) + " checks"
			},
			Facts: flapFacts},
		{Kind: monitor.AlertCertExpiring, Icon: "🔒", Verb: "certificate expiring", Label: "certificate expiring", Severity: Warning,
			Headline: func(a monitor.Alert) string { return ": certificate " + CertExpiresIn(a.CertDaysLeft) },
			Happened: func(a monitor.Alert, _ string) string { return " certificate " + CertExpiresIn(a.CertDaysLeft) },
			Facts:    certFacts},
		{Kind: monitor.AlertLatencyDegraded, Icon: "🐢", Verb: "is slow", Label: "slow", Severity: Warning,
			Happened: func(a monitor.Alert, _ string) string { return " slow: " + latencyText(a) },
			Facts:    latencyFacts},
		{Kind: monitor.AlertSettled, Icon: "🔀", Verb: "settled", Label: "settled", Severity: Good, SeverityOf: settledSeverity,
			Headline: func(a monitor.Alert) string { return " settled: " + statusWord(a.SiteStatus) },
			Happened: func(a monitor.Alert, _ string) string { return " settled: " + statusWord(a.SiteStatus) },
			Facts:    flapFacts},
		{Kind: monitor.AlertRecovered, Icon: "🟢", Verb: "recovered", Label: "recovered", Severity: Good,
			Happened: func(a monitor.Alert, _ string) string { return " recovered" + downtimeText(a, " after ") }},
		{Kind: monitor.AlertLatencyNormal, Icon: "⚡", Verb: "is fast again", Label: "fast again", Severity: Good,
			Happened: func(a monitor.Alert, _ string) string { return " fast again: " + latencyText(a) },
			Facts:    latencyFacts},
		{Kind: monitor.AlertNetworkUp, Icon: "📡", Verb: "reaches the network again", Label: "network back", Severity: Good,
			Note: "Sites that are still down alert at their next check.",
			Happened: func(a monitor.Alert, _ string) string {
				return " reaches the network again" + downtimeText(a, " after ")
			},
			Facts: networkUpFacts},
	}
}

// statusWord is a site's status in a text; an alert from before statuses were kept has none.
func statusWord(s monitor.Status) string {
	if s == "" {
		return "—"
	}
	return string(s)
}

// settledSeverity is the news of the status a flapping site settled in.
func settledSeverity(a monitor.Alert) Severity {
	if a.SiteStatus == monitor.StatusDown {
		return Bad
	}
	return Good
}

// Describe is the description of a kind; a kind this version does not know gets a neutral
// one that still says what it is called.
func Describe(k monitor.AlertKind) Kind {
	for _, d := range kinds() {
		if d.Kind == k {
			return d
		}
	}
	name := OneLine(strings.ReplaceAll(string(k), "_", " "))
	return Kind{Kind: k, Icon: "⚪", Verb: "changed (" + OneLine(string(k)) + ")", Label: name, Severity: Info}
}

// SummaryOrder lists the known kinds in the order a summary counts them.
func SummaryOrder() []monitor.AlertKind {
	var out []monitor.AlertKind
	for _, d := range kinds() {
		out = append(out, d.Kind)
	}
	return out
}

// Subject is what an alert is about: the site's name, or for an alert about no site (Tocsin
// itself, its network) "Tocsin".
func Subject(a monitor.Alert) string {
	if name := OneLine(a.SiteName); name != "" {
		return name
	}
	if a.SiteID == 0 {
		return "Tocsin"
	}
	return "Site " + strconv.FormatInt(a.SiteID, 10)
}

// Headline is what happened, after the subject in a title: " is down".
func Headline(a monitor.Alert) string {
	d := Describe(a.Kind)
	if d.Headline != nil {
		return d.Headline(a)
	}
	return " " + d.Verb
}

// Happened is what happened, after the subject on a summary line: " — timeout after 10s",
// " recovered after 5m". The reason why a site is down is cut to reasonRunes, then escaped
// for the format with esc, so that a cut never splits an escape.
func Happened(a monitor.Alert, esc func(string) string, reasonRunes int) string {
	d := Describe(a.Kind)
	if d.Happened != nil {
		return d.Happened(a, esc(Truncate(Reason(a), reasonRunes)))
	}
	return " " + d.Verb
}

// Reason is why the site is down, in the fewest words at hand.
func Reason(a monitor.Alert) string {
	switch {
	case strings.TrimSpace(a.Error) != "":
		return OneLine(a.Error)
	case a.StatusCode != 0:
		return "status " + StatusText(a.StatusCode)
	}
	return "down"
}

// SeverityOf is how bad the alert's news is.
func SeverityOf(a monitor.Alert) Severity {
	if d := Describe(a.Kind); d.SeverityOf != nil {
		return d.SeverityOf(a)
	}
	return Describe(a.Kind).Severity
}

// Worst is the most severe news among the alerts at the indexes.
func Worst(alerts []monitor.Alert, indexes []int) Severity {
	worst := Info
	for _, i := range indexes {
		worst = max(worst, SeverityOf(alerts[i]))
	}
	return worst
}

// Note is the sentence under an alert's title that says what it means, or "".
func Note(a monitor.Alert) string { return Describe(a.Kind).Note }

// CertExpiresIn reads "expires in 7 days", "expires in 1 day"; under a day is not "0 days".
func CertExpiresIn(days int) string {
	switch {
	case days < 1:
		return "expires in less than a day"
	case days == 1:
		return "expires in 1 day"
	}
	return "expires in " + strconv.Itoa(days) + " days"
}

func latencyText(a monitor.Alert) string {
	return MS(a.ResponseTimeMS) + " (usually " + MS(a.BaselineMS) + ")"
}

func downtimeText(a monitor.Alert, lead string) string {
	if a.DownSince == nil {
		return ""
	}
	return lead + HumanDuration(a.Downtime())
}

package web

import (
	"fmt"
	"strconv"
	"time"
)

// moment is a time as pages print it: machine-readable for <time datetime>, in UTC for
// people, and relative to now. The zero moment prints as a dash.
type moment struct {
	ISO  string // RFC 3339
	Text string // 2026-11-23 09:34:38 UTC
	Rel  string // "3 h 12 min ago", or "in 40 s" for a time to come
}

func (h *Handler) moment(t time.Time) moment {
	if t.IsZero() {
		return moment{}
	}
	t = t.UTC()
	m := moment{ISO: t.Format(time.RFC3339), Text: t.Format("2006-01-02 15:04:05 UTC")}
	if d := h.now().Sub(t); d >= 0 {
		m.Rel = humanDuration(d) + " ago"
	} else {
		m.Rel = "in " + humanDuration(-d)
	}
	return m
}

func (h *Handler) momentOf(t *time.Time) moment {
	if t == nil {
		return moment{}
	}
	return h.moment(*t)
}

// humanDuration says how long, to two units at most: "40 s", "5 min", "3 h 12 min", "2 d 3 h".
func humanDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 3600:
		return fmt.Sprintf("%d min", s/60)
	case s < 86400:
		return twoUnits(s/3600, "h", s%3600/60, "min")
	}
	return twoUnits(s/86400, "d", s%86400/3600, "h")
}

func twoUnits(a int64, unitA string, b int64, unitB string) string {
	if b == 0 {
		return fmt.Sprintf("%d %s", a, unitA)
	}
	return fmt.Sprintf("%d %s %d %s", a, unitA, b, unitB)
}

// milliseconds prints a response time; nil (never measured) is a dash.
func milliseconds(ms *int64) string {
	if ms == nil {
		return ""
	}
	return strconv.FormatInt(*ms, 10) + " ms"
}

// phase prints one phase of a check's timings with a tenth of a millisecond.
func phase(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
}

// every says how often: "every 5 min".
func every(seconds int) string {
	return "every " + humanDuration(time.Duration(seconds)*time.Second)
}

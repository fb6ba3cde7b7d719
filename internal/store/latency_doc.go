package store

import (
	"encoding/json"
	"strconv"

	"github.com/tocsin/tocsin/internal/monitor"
)

// The sites.latency document is read and written with every check, so it is written here by
// hand, byte for byte as encoding/json writes latencyDoc, and read by hand when it has that
// exact form; anything else (PostgreSQL's jsonb spacing in rows written before 00086, a
// document edited by hand, a malformed one) goes to encoding/json, which decides. At 1,000
// checks a second encoding/json's reflection on the 30-number window was 3 % of Tocsin's CPU.

type latencyDoc struct {
	Window   []int64 `json:"window,omitempty"`
	Streak   int     `json:"streak,omitempty"`
	Degraded bool    `json:"degraded,omitempty"`
}

const (
	latencyWindowKey   = `"window":[`
	latencyStreakKey   = `"streak":`
	latencyDegradedKey = `"degraded":`
)

// EncodeLatency returns the sites.latency document.
func EncodeLatency(l monitor.LatencyState) []byte {
	b := make([]byte, 0, 48+4*len(l.Window))
	b = append(b, '{')
	if len(l.Window) > 0 {
		b = append(b, latencyWindowKey...)
		for i, v := range l.Window {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, v, 10)
		}
		b = append(b, ']')
	}
	if l.Streak != 0 {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(append(b, latencyStreakKey...), int64(l.Streak), 10)
	}
	if l.Degraded {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(b, latencyDegradedKey+"true"...)
	}
	return append(b, '}')
}

// DecodeLatency reads the sites.latency document.
func DecodeLatency(b []byte) (monitor.LatencyState, error) {
	if len(b) == 0 {
		return monitor.LatencyState{}, nil
	}
	if l, ok := decodeLatencyCompact(b); ok {
		return l, nil
	}
	var d latencyDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return monitor.LatencyState{}, err
	}
	return monitor.LatencyState{Window: d.Window, Streak: d.Streak, Degraded: d.Degraded}, nil
}

// decodeLatencyCompact reads the document if it is in EncodeLatency's form; false if not.
func decodeLatencyCompact(b []byte) (monitor.LatencyState, bool) {
	var l monitor.LatencyState
	d := compactDoc{rest: b}
	if !d.take("{") {
		return l, false
	}
	if d.member(latencyWindowKey) {
		l.Window = make([]int64, 0, monitor.LatencyWindow)
		for {
			v, ok := d.int()
			if !ok {
				return l, false
			}
			l.Window = append(l.Window, v)
			if d.take("]") {
				break
			}
			if !d.take(",") {
				return l, false
			}
		}
	}
	if d.member(latencyStreakKey) {
		v, ok := d.int()
		if !ok {
			return l, false
		}
		l.Streak = int(v)
	}
	if d.member(latencyDegradedKey) {
		switch {
		case d.take("true"):
			l.Degraded = true
		case !d.take("false"):
			return l, false
		}
	}
	return l, d.take("}") && len(d.rest) == 0
}

// compactDoc reads JSON written without spaces, a token at a time.
type compactDoc struct {
	rest    []byte
	members int // read so far: each after the first follows a comma
}

// take consumes s if the rest starts with it.
func (d *compactDoc) take(s string) bool {
	if len(d.rest) < len(s) || string(d.rest[:len(s)]) != s {
		return false
	}
	d.rest = d.rest[len(s):]
	return true
}

// member consumes the next member's key (and the comma before it) if it is key.
func (d *compactDoc) member(key string) bool {
	rest := d.rest
	if (d.members == 0 || d.take(",")) && d.take(key) {
		d.members++
		return true
	}
	d.rest = rest
	return false
}

// int consumes a JSON integer: an optional minus, then 0 or digits not starting with 0.
// Fractions, exponents and numbers of more than 18 digits (which might not fit an int64) are
// left to encoding/json.
func (d *compactDoc) int() (int64, bool) {
	n, neg := 0, false
	if len(d.rest) > 0 && d.rest[0] == '-' {
		n, neg = 1, true
	}
	start := n
	var v int64
	for n < len(d.rest) && d.rest[n] >= '0' && d.rest[n] <= '9' {
		v = v*10 + int64(d.rest[n]-'0')
		n++
	}
	digits := n - start
	if digits == 0 || digits > 18 || (d.rest[start] == '0' && digits > 1) {
		return 0, false
	}
	d.rest = d.rest[n:]
	if neg {
		v = -v
	}
	return v, true
}

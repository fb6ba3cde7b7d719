package scheduler

import (
	"errors"
	"testing"
	"time"
)

// An outage is logged as one line when it starts, one a minute while it lasts, and one when it
// ends, however many claims and writes fail meanwhile.
func TestOutageIsLoggedAtItsEndsAndOnceAMinute(t *testing.T) {
	var logs logBuffer
	o := &dbOutage{log: logs.logger()}
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	for i := range 150 * 5 { // 150 s of five failures a second
		now := at.Add(time.Duration(i) * 200 * time.Millisecond)
		o.begin(now, errAway, i%2 == 0)
		o.report(now, i)
	}
	o.end(at.Add(150 * time.Second))
	o.end(at.Add(151 * time.Second))
	starts, minutes, ends := len(logs.lines(outageStartLog)), len(logs.lines("database still unavailable")), len(logs.lines(outageEndLog))
	if starts != 1 || minutes != 2 || ends != 1 {
		t.Errorf("logged %d starts, %d minute reports and %d ends, want 1, 2 and 1", starts, minutes, ends)
	}
	if o.writeError() != nil {
		t.Error("still not ready after the outage ended")
	}
	o.begin(at.Add(200*time.Second), errors.New("syntax error"), false)
	if n := len(logs.lines("database failing: checking the sites this process holds from memory and keeping their results until it works")); n != 1 {
		t.Errorf("an error other than an unavailable database logged %d times as such, want once", n)
	}
}

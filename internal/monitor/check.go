package monitor

import "time"

// Target is everything a probe needs to run one check.
type Target struct {
	URL                string
	Timeout            time.Duration
	ExpectedStatusCode int
}

// Result is what a probe observed in one check.
type Result struct {
	CheckedAt    time.Time // when the check started
	Status       Status    // up or down
	StatusCode   int       // 0 when no HTTP response arrived
	ResponseTime time.Duration
	Error        string // short and human; empty when up
}

// ResponseTimeMS is the response time in whole milliseconds, the unit the API and the store use.
func (r Result) ResponseTimeMS() int64 { return r.ResponseTime.Milliseconds() }

// Check is one recorded result in a site's history.
type Check struct {
	ID     int64
	SiteID int64
	Result
}

// Event is one status change of a site.
type Event struct {
	ID     int64
	SiteID int64
	At     time.Time
	From   Status
	To     Status
	Reason string
}

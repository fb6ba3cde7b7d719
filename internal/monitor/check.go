package monitor

import "time"

// Kind is the kind of monitor a site is: what a check of it does.
type Kind string

const (
	KindHTTP Kind = "http" // an HTTP request, judged by its answer
	KindTCP  Kind = "tcp"  // a TCP connection to host:port
	KindDNS  Kind = "dns"  // a name that must resolve (optionally to an expected address)
	KindPush Kind = "push" // a heartbeat: the site pings Tocsin; silence past interval + grace is down
)

// Target is everything a probe needs to run one check.
type Target struct {
	Kind               Kind   // KindHTTP when empty
	URL                string // http: the URL; tcp: host:port; dns: the name to resolve
	Timeout            time.Duration
	ExpectedStatusCode int
	HTTP               HTTPOptions
	DNS                DNSOptions
}

// HTTPOptions shape the request of an HTTP check and what its answer must satisfy.
type HTTPOptions struct {
	Method  string            `json:"method,omitempty"` // GET when empty
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
	// AcceptedStatusCodes, when set, replaces ExpectedStatusCode.
	AcceptedStatusCodes []StatusRange `json:"accepted_status_codes,omitempty"`
	// MaxRedirects is how many redirects are followed; 0 follows none. Nil means the default.
	MaxRedirects    *int       `json:"max_redirects,omitempty"`
	IgnoreTLSErrors bool       `json:"ignore_tls_errors,omitempty"`
	BasicAuth       *BasicAuth `json:"basic_auth,omitempty"`
	BearerToken     string     `json:"bearer_token,omitempty"` // a secret
	Keyword         string     `json:"keyword,omitempty"`
	KeywordAbsent   bool       `json:"keyword_absent,omitempty"` // the keyword must not appear
	// JSONSchema (draft 2020-12) the body must match; compiled and checked when the site is saved.
	JSONSchema        string `json:"json_schema,omitempty"`
	MaxResponseTimeMS int    `json:"max_response_time_ms,omitempty"` // slower is down; 0: no limit
}

// DefaultMaxRedirects is how many redirects a check follows unless told otherwise.
const DefaultMaxRedirects = 10

// Redirects is how many redirects to follow.
func (o HTTPOptions) Redirects() int {
	if o.MaxRedirects == nil {
		return DefaultMaxRedirects
	}
	return *o.MaxRedirects
}

// StatusRange is an inclusive range of HTTP status codes; a single code has From == To.
type StatusRange struct{ From, To int }

// BasicAuth is HTTP basic authentication; Password is a secret.
type BasicAuth struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// DNSOptions shape a DNS check.
type DNSOptions struct {
	ExpectedAddress string `json:"expected_address,omitempty"` // the name must resolve to it
	Server          string `json:"server,omitempty"`           // host:port to ask; the system's resolver when empty
}

// Result is what a probe observed in one check.
type Result struct {
	CheckedAt    time.Time // when the check started
	Status       Status    // up or down
	StatusCode   int       // 0 when no HTTP response arrived
	ResponseTime time.Duration
	Error        string   // short and human; empty when up
	Timings      *Timings // where the time went, for HTTP checks that got that far
	// CertExpiresAt is when the server's certificate (the first of its chain) expires, for
	// checks over TLS that completed the handshake.
	CertExpiresAt *time.Time
	// NoAnswer says the check failed before any answer came back: the name did not resolve,
	// the connection or the TLS handshake failed, or the time ran out first. That is how every
	// check fails when Tocsin's own network is down; an HTTP answer, even a 503, proves the
	// network works. Set by the probe; not stored.
	NoAnswer bool
}

// Timings split an HTTP check's time into its phases. A phase that did not happen (no DNS for
// an IP literal, no TLS for http) is zero.
type Timings struct {
	DNS              time.Duration
	Connect          time.Duration
	TLS              time.Duration
	ServerProcessing time.Duration // from the request written to the first byte of the answer
	Transfer         time.Duration // from the first byte to the last byte read
}

// ResponseTimeMS is the response time in whole milliseconds, the unit the API and the store use.
func (r Result) ResponseTimeMS() int64 { return r.ResponseTime.Milliseconds() }

// Check is one recorded result in a site's history.
type Check struct {
	ID     int64
	SiteID int64
	Result
	// Held says the check ran while Tocsin could not reach the network: it is kept as history
	// but changed nothing on its site and alerted no one.
	Held bool
}

// EventKind says what changed in an event.
type EventKind string

const (
	EventStatus  EventKind = "status"  // the site's Status: up, down, pending
	EventLatency EventKind = "latency" // the site's LatencyLevel: normal, degraded
)

// EventState is what an event changed from and to: a Status for status events, a
// LatencyLevel for latency events. One type for both, so that events of either kind are
// stored, listed and shown alike; StatusState and LevelState make one.
type EventState string

// StatusState is a status as an event's state.
func StatusState(s Status) EventState { return EventState(s) }

// LevelState is a latency level as an event's state.
func LevelState(l LatencyLevel) EventState { return EventState(l) }

// Event is one change of a site: of its status, or of its latency.
type Event struct {
	ID     int64
	SiteID int64
	Kind   EventKind // EventStatus when empty
	At     time.Time
	From   EventState
	To     EventState
	Reason string
}

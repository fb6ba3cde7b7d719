package channel

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// MaxWait bounds the waits a destination asks for, so a nonsense number cannot overflow a
// Duration.
const MaxWait = 24 * time.Hour

// Response is what came of one send.
type Response struct {
	// Status is the HTTP status, or for email the SMTP reply code; 0 when nothing answered.
	Status int
	Err    error // why there was no usable answer; never holds a secret
	// Verdict is the type's reading of the answer when it differs from HTTP's usual meaning
	// (see Outcome); zero leaves the judgement to the status.
	Verdict Outcome
	// RetryAfter is how long the destination asked to wait (on 429).
	RetryAfter time.Duration
	Global     bool // the wait is for everything this process sends there, not one channel
	RateLimit  RateLimit
	// Detail says in a few words what the destination answered, for last_error. At most
	// MaxDetailRunes characters; never holds a secret.
	Detail string
	// Unanswered says the message was sent whole but no answer came (a timeout, a closed
	// connection): the destination may have taken it, so resending soon may send it twice.
	Unanswered bool
}

// RateLimit is a destination's report on how many more requests it takes now, from the
// headers that come with an answer (Discord's X-RateLimit-*).
type RateLimit struct {
	Limit      int
	Remaining  int
	ResetAfter time.Duration
	Bucket     string
	// Known is true when the answer said what is left and when it refills, the two things
	// needed to pace the next request.
	Known bool
}

// Outcome is what the dispatcher does after a send.
type Outcome int

const (
	_           Outcome = iota // no verdict: Response.Outcome judges by the status
	Retry                      // 5xx, no answer, timeout: send the same message again later
	Delivered                  // taken
	RateLimited                // 429: wait RetryAfter, then send again
	Gone                       // the destination is gone or refuses the credentials: disable the channel
	Rejected                   // the destination refuses this message: do not resend it
)

func (o Outcome) String() string {
	switch o {
	case Retry:
		return "retry"
	case Delivered:
		return "delivered"
	case RateLimited:
		return "rate_limited"
	case Gone:
		return "gone"
	case Rejected:
		return "rejected"
	}
	return "outcome(" + strconv.Itoa(int(o)) + ")"
}

// Outcome is the Verdict when the type gave one, or else the HTTP status read as most
// services mean it: 2xx taken, 429 wait, 401/403/404 gone, other 4xx refused, the rest (5xx,
// no answer) retried. When in doubt, retry rather than drop an alert.
func (r Response) Outcome() Outcome {
	if r.Verdict != 0 {
		return r.Verdict
	}
	return ByStatus(r.Status, r.Err)
}

// ByStatus judges an HTTP answer as Response.Outcome does without a verdict.
func ByStatus(status int, err error) Outcome {
	switch s := status; {
	case err != nil || s == 0:
		return Retry
	case s >= 200 && s <= 299:
		return Delivered
	case s == http.StatusTooManyRequests:
		return RateLimited
	case s == http.StatusUnauthorized || s == http.StatusForbidden || s == http.StatusNotFound:
		return Gone
	case s >= 400 && s <= 499:
		return Rejected
	}
	// 5xx, and the 1xx and 3xx a destination should not send (redirects are not followed).
	return Retry
}

// ParseSeconds reads a Retry-After header given in seconds (a fraction allowed); the HTTP-date
// form counts as absent.
func ParseSeconds(v string) time.Duration {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0
	}
	return Seconds(f)
}

// Seconds turns float seconds into a Duration, bounded to [0, MaxWait].
func Seconds(f float64) time.Duration {
	if math.IsNaN(f) || f <= 0 {
		return 0
	}
	if f >= MaxWait.Seconds() {
		return MaxWait
	}
	return time.Duration(math.Round(f*1000)) * time.Millisecond
}

package discord

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"
)

// maxWait bounds the waits Discord asks for, so a nonsense number cannot overflow a Duration.
const maxWait = 24 * time.Hour

// Response is what came of one request to Discord.
type Response struct {
	Status int   // HTTP status; 0 when Discord did not answer
	Err    error // why there was no usable answer; never holds the URL or the token
	// RetryAfter is how long Discord asked to wait, on 429 only.
	RetryAfter time.Duration
	Global     bool // the 429 is for everything this IP sends, not only this webhook
	RateLimit  RateLimit
	// Detail says in a few words what Discord answered, for the webhook's last_error. At most
	// 300 characters; never holds the token.
	Detail string
	// Unanswered says the request was sent whole but no answer came (a timeout, or the
	// connection closed): Discord may have posted the message, so resending it soon is likely
	// to post it twice.
	Unanswered bool
}

// RateLimit is Discord's report on the webhook's rate-limit bucket, from the X-RateLimit
// headers that come with every answer.
type RateLimit struct {
	Limit      int
	Remaining  int
	ResetAfter time.Duration
	Bucket     string
	// Known is true when the answer said what is left and when it refills, the two things
	// needed to pace the next request.
	Known bool
}

// Outcome is what the caller should do after a request.
type Outcome int

const (
	// Retry is the zero value: when in doubt, try again later rather than drop an alert.
	Retry       Outcome = iota // 5xx, no answer, timeout: send the same message again later
	Delivered                  // 2xx
	RateLimited                // 429: wait RetryAfter, then send again
	Gone                       // 401, 403, 404: the webhook was deleted or its token is wrong
	Rejected                   // other 4xx: Discord refuses this payload; do not resend it
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

// Outcome sorts the answer into what the caller does next.
func (r Response) Outcome() Outcome {
	switch s := r.Status; {
	case r.Err != nil || s == 0:
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
	// 5xx, and the 1xx and 3xx Discord never sends (a redirect is not followed): try later.
	return Retry
}

// readResponse reads an HTTP answer; target is the requested URL, kept out of Detail.
func readResponse(resp *http.Response, body []byte, target string) Response {
	r := Response{Status: resp.StatusCode, RateLimit: parseRateLimit(resp.Header)}
	problem := parseProblem(body)
	if resp.StatusCode == http.StatusTooManyRequests {
		r.RetryAfter = max(seconds(problem.RetryAfter), parseSeconds(resp.Header.Get("Retry-After")))
		r.Global = problem.Global
	}
	r.Detail = answerDetail(resp, problem, r.RetryAfter, target)
	return r
}

func parseRateLimit(h http.Header) RateLimit {
	limit, limitErr := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	remaining, remainingErr := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	resetAfter, resetErr := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64)
	rl := RateLimit{Bucket: h.Get("X-RateLimit-Bucket")}
	if limitErr == nil {
		rl.Limit = limit
	}
	if remainingErr == nil && resetErr == nil {
		rl.Remaining, rl.ResetAfter, rl.Known = remaining, seconds(resetAfter), true
	}
	return rl
}

// parseSeconds reads a Retry-After header. Discord sends seconds, sometimes with a fraction;
// the HTTP-date form is not used by Discord and counts as absent.
func parseSeconds(v string) time.Duration {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0
	}
	return seconds(f)
}

// seconds turns Discord's float seconds into a Duration, bounded to [0, maxWait].
func seconds(f float64) time.Duration {
	if math.IsNaN(f) || f <= 0 {
		return 0
	}
	if f >= maxWait.Seconds() {
		return maxWait
	}
	return time.Duration(math.Round(f*1000)) * time.Millisecond
}

// problem is the part of Discord's JSON error and rate-limit answers Tocsin uses.
type problem struct {
	Message    string          `json:"message"`
	Code       int             `json:"code"`
	RetryAfter float64         `json:"retry_after"`
	Global     bool            `json:"global"`
	Errors     json.RawMessage `json:"errors"`
}

// parseProblem reads Discord's error body; anything else (an HTML page from a proxy, an
// empty body) gives the zero problem.
func parseProblem(body []byte) problem {
	var p problem
	if json.Unmarshal(body, &p) != nil {
		return problem{}
	}
	return p
}

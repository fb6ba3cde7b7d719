package discord

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/tocsin/tocsin/internal/notify/channel"
)

// Response is what came of one request to Discord (see channel.Response).
type Response = channel.Response

// RateLimit is Discord's report on the webhook's rate-limit bucket, from the X-RateLimit
// headers that come with every answer.
type RateLimit = channel.RateLimit

// Outcome is what the caller should do after a request (see channel.Outcome).
type Outcome = channel.Outcome

// Discord's answers read as HTTP's: 2xx delivered, 429 wait, 401/403/404 gone (the webhook was
// deleted or its token is wrong), other 4xx refused, 5xx and no answer retried.
const (
	Retry       = channel.Retry
	Delivered   = channel.Delivered
	RateLimited = channel.RateLimited
	Gone        = channel.Gone
	Rejected    = channel.Rejected
)

// readResponse reads an HTTP answer; target is the requested URL, kept out of Detail.
func readResponse(resp *http.Response, body []byte, target string) Response {
	r := Response{Status: resp.StatusCode, RateLimit: parseRateLimit(resp.Header)}
	problem := parseProblem(body)
	if resp.StatusCode == http.StatusTooManyRequests {
		r.RetryAfter = max(channel.Seconds(problem.RetryAfter), channel.ParseSeconds(resp.Header.Get("Retry-After")))
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
		rl.Remaining, rl.ResetAfter, rl.Known = remaining, channel.Seconds(resetAfter), true
	}
	return rl
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

package slack

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/tocsin/tocsin/internal/notify/channel"
)

// deadErrors are Slack's answers that mean the webhook will never take a message again: it
// was removed, its channel archived or deleted, its workspace or app switched off.
func deadErrors() []string {
	return []string{"no_service", "no_service_id", "no_team", "team_disabled", "invalid_token", "channel_not_found",
		"channel_is_archived", "action_prohibited", "posting_to_general_channel_denied", "user_not_found"}
}

// readAnswer judges Slack's answer: "ok" with 200; an error code in the body otherwise
// ("no_service", "invalid_payload"). 429 carries Retry-After.
func readAnswer(a channel.Answer, target, token string) channel.Response {
	code := strings.TrimSpace(strings.SplitN(string(a.Body), "\n", 2)[0])
	r := channel.Response{Status: a.Status}
	switch {
	case a.Status >= 200 && a.Status <= 299:
		r.Verdict = channel.Delivered
	case a.Status == http.StatusTooManyRequests:
		r.Verdict, r.RetryAfter = channel.RateLimited, channel.ParseSeconds(a.Header.Get("Retry-After"))
	case a.Status == http.StatusGone || slices.Contains(deadErrors(), code):
		r.Verdict = channel.Gone
	}
	detail := strconv.Itoa(a.Status) + " " + http.StatusText(a.Status)
	if code != "" && len(code) <= 100 {
		detail = strconv.Itoa(a.Status) + " " + code
	}
	if r.RetryAfter > 0 {
		detail += ", retry after " + r.RetryAfter.String()
	}
	r.Detail = channel.Clip(channel.Scrub(detail, target, token))
	return r
}

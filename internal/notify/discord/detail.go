package discord

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/notify/channel"
)

const (
	// MaxDetailRunes bounds Response.Detail, which is stored as the webhook's last_error.
	MaxDetailRunes = channel.MaxDetailRunes
	// maxFieldProblems is how many of Discord's per-field complaints a Detail names.
	maxFieldProblems = 3
)

// answerDetail describes an HTTP answer, e.g. "404 Unknown Webhook (code 10015)".
func answerDetail(resp *http.Response, p problem, retryAfter time.Duration, target string) string {
	text := p.Message
	if text == "" {
		text = http.StatusText(resp.StatusCode)
	}
	detail := strings.TrimSpace(strconv.Itoa(resp.StatusCode) + " " + text)
	if p.Code != 0 {
		detail += " (code " + strconv.Itoa(p.Code) + ")"
	}
	if fields := fieldProblems(p.Errors); len(fields) > 0 {
		detail += ": " + strings.Join(fields, "; ")
	}
	if resp.StatusCode == http.StatusTooManyRequests && retryAfter > 0 {
		detail += ", retry after " + retryAfter.String()
	}
	if p.Global {
		detail += " (global)"
	}
	return clip(scrub(detail, target))
}

// fieldProblems flattens Discord's "errors" tree of a 400 into lines like
// "embeds.0.description: Must be 4096 or fewer in length.", which say what to fix.
func fieldProblems(raw json.RawMessage) []string {
	var out []string
	walkFieldProblems(raw, "", &out)
	return out
}

func walkFieldProblems(raw json.RawMessage, path string, out *[]string) {
	var node map[string]json.RawMessage
	if len(*out) >= maxFieldProblems || json.Unmarshal(raw, &node) != nil {
		return
	}
	if list, ok := node["_errors"]; ok {
		var errs []struct{ Message string }
		json.Unmarshal(list, &errs)
		for _, e := range errs {
			if len(*out) < maxFieldProblems {
				*out = append(*out, strings.TrimPrefix(path, ".")+": "+e.Message)
			}
		}
	}
	keys := make([]string, 0, len(node))
	for k := range node {
		if k != "_errors" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		walkFieldProblems(node[k], path+"."+k, out)
	}
}

// transportFailure is the Response for a request that got no HTTP answer; written says the
// whole request had been sent when it failed.
func transportFailure(err error, target string, timeout time.Duration, written bool) Response {
	return channel.TransportFailure(err, "Discord", timeout, written, target, tokenOf(target))
}

// redact takes a transport error apart from the webhook URL and token it quotes.
func redact(err error, target string) error { return channel.Redact(err, target, tokenOf(target)) }

// tokenOf is the token of a webhook URL, "" when it is not one.
func tokenOf(target string) string {
	if _, p, ok := parseStored(strings.TrimSuffix(strings.SplitN(target, "?", 2)[0], "/")); ok {
		return p.token
	}
	return ""
}

// scrub removes the webhook URL and its token from a text.
func scrub(text, target string) string {
	if target == "" {
		return text
	}
	text = strings.ReplaceAll(text, target, "the webhook URL")
	if base, _, found := strings.Cut(target, "?"); found {
		text = strings.ReplaceAll(text, base, "the webhook URL")
	}
	if _, p, ok := parseStored(target); ok {
		text = strings.ReplaceAll(text, p.token, "****")
	}
	return text
}

// clip makes a text fit Detail (see channel.Clip).
func clip(s string) string { return channel.Clip(s) }

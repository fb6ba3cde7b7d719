package discord

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tocsin/tocsin/internal/netguard"
)

const (
	// MaxDetailRunes bounds Response.Detail, which is stored as the webhook's last_error.
	MaxDetailRunes = 300
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
	redacted := redact(err, target)
	detail := describeTransport(err, redacted, timeout)
	if written {
		detail += "; the message was sent, Discord may have posted it"
	}
	return Response{Err: redacted, Detail: clip(detail), Unanswered: written}
}

// describeTransport says in a few words why there was no answer. It reads err for its kind
// but only ever quotes redacted.
func describeTransport(err, redacted error, timeout time.Duration) string {
	var (
		dnsErr  *net.DNSError
		netErr  net.Error
		blocked *netguard.BlockedError
	)
	switch {
	case errors.As(err, &blocked):
		return blocked.Error()
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		if timeout <= 0 {
			return "timeout"
		}
		return "timeout after " + roundTimeout(timeout).String()
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "no such host"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "host unreachable"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed before a complete answer"
	}
	return redacted.Error()
}

// roundTimeout writes a limit the way it was set (10s), not as measured (9.999812s).
func roundTimeout(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

// redact takes a transport error apart from the URL it quotes. The *url.Error wrapper is
// dropped (its text is "Post \"https://…/TOKEN\": …") and anything still naming the URL or
// the token is rewritten.
func redact(err error, target string) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	if err == nil {
		return errors.New("request failed")
	}
	msg := err.Error()
	clean := scrub(msg, target)
	if clean == msg && !errors.As(err, &urlErr) {
		return err
	}
	return redactedError{msg: clean, timeout: isTimeout(err)}
}

// redactedError keeps the text and the timeout flag of an error that named the URL, but not
// the error itself, which a caller could unwrap to find the URL again.
type redactedError struct {
	msg     string
	timeout bool
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Timeout() bool { return e.timeout }

func isTimeout(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout()
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

// clip makes a text fit Detail: one line of valid UTF-8 without NUL (PostgreSQL refuses NUL,
// and a Detail that cannot be stored would hold up the outbox), at most MaxDetailRunes.
func clip(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "�"), "\x00", "")
	return truncate(strings.Join(strings.Fields(s), " "), MaxDetailRunes)
}

package channel

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/tocsin/tocsin/internal/netguard"
)

// Failure is the Response for a send that never started, with why.
func Failure(why string) Response { return Response{Err: errors.New(why), Detail: Clip(why)} }

// TransportFailure is the Response for a request that got no answer. sent says the whole
// request had been sent when it failed (the destination may have taken it). target and
// secrets are kept out of everything it reports.
func TransportFailure(err error, service string, timeout time.Duration, sent bool, target string, secrets ...string) Response {
	redacted := Redact(err, target, secrets...)
	detail := DescribeTransport(err, redacted, timeout)
	if sent {
		detail += "; the message was sent, " + service + " may have posted it"
	}
	return Response{Err: redacted, Detail: Clip(detail), Unanswered: sent}
}

// DescribeTransport says in a few words why there was no answer. It reads err for its kind but
// only ever quotes redacted.
func DescribeTransport(err, redacted error, timeout time.Duration) string {
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

// Redact takes a transport error apart from the URL it quotes. The *url.Error wrapper is
// dropped (its text is `Post "https://…/TOKEN": …`) and anything still naming the URL or a
// secret is rewritten.
func Redact(err error, target string, secrets ...string) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	if err == nil {
		return errors.New("request failed")
	}
	msg := err.Error()
	clean := Scrub(msg, target, secrets...)
	if clean == msg && !errors.As(err, &urlErr) {
		return err
	}
	return redactedError{msg: clean, timeout: isTimeout(err)}
}

// redactedError keeps the text and the timeout flag of an error that named a secret, but not
// the error itself, which a caller could unwrap to find the secret again.
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

// Scrub removes a URL (as given, as Go writes it back, and without its query) and the secrets
// from a text. Secrets shorter than 4 bytes are left alone: replacing them would garble the
// text and hide nothing.
func Scrub(text, target string, secrets ...string) string {
	if target != "" {
		forms := []string{target}
		if u, err := url.Parse(target); err == nil {
			forms = append(forms, u.String(), u.Redacted())
		}
		for _, f := range forms {
			if base, _, found := strings.Cut(f, "?"); found {
				forms = append(forms, base)
			}
		}
		for _, f := range forms {
			text = strings.ReplaceAll(text, f, "the URL")
		}
	}
	for _, s := range secrets {
		if len(s) >= 4 {
			text = strings.ReplaceAll(text, s, "****")
			if escaped := url.PathEscape(s); escaped != s {
				text = strings.ReplaceAll(text, escaped, "****")
			}
		}
	}
	return text
}

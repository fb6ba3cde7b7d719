package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/tocsin/tocsin/internal/netguard"
)

// describe turns a transport error into the short sentence a user sees in the history and alerts.
func describe(err error, timeout time.Duration) string {
	var (
		dnsErr     *net.DNSError
		hostErr    x509.HostnameError
		authErr    x509.UnknownAuthorityError
		invalidErr x509.CertificateInvalidError
		recordErr  tls.RecordHeaderError
		alertErr   tls.AlertError
		verifyErr  *tls.CertificateVerificationError
		netErr     net.Error
		body       bodyError
		blocked    *netguard.BlockedError
		loop       *redirectLoopError
		tooMany    *tooManyRedirectsError
		suffix     string
	)
	if errors.As(err, &body) {
		suffix = " while reading the body"
	}
	switch {
	case errors.As(err, &blocked):
		// The refusal says which address and why; the dial and URL around it add nothing.
		return blocked.Error()
	case errors.As(err, &loop):
		return loop.Error()
	case errors.As(err, &tooMany):
		return tooMany.Error()
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Sprintf("timeout after %s%s", timeout, suffix)
	case errors.Is(err, context.Canceled):
		return "check canceled"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "no such host"
		}
		return "DNS lookup failed: " + dnsErr.Err
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer" + suffix
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "host unreachable"
	case errors.As(err, &hostErr):
		return "TLS: " + withoutX509(hostErr)
	case errors.As(err, &authErr):
		return "TLS: certificate signed by unknown authority"
	case errors.As(err, &invalidErr):
		if invalidErr.Reason == x509.Expired {
			return "TLS: certificate has expired or is not yet valid"
		}
		return "TLS: " + withoutX509(invalidErr)
	case errors.As(err, &verifyErr):
		return "TLS: " + withoutX509(verifyErr.Err)
	case errors.As(err, &recordErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "TLS: the server did not answer with TLS"
	case errors.As(err, &alertErr):
		return "TLS handshake failed: " + alertErr.Error()
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed before a complete response" + suffix
	case headersTooLarge(err):
		return fmt.Sprintf("response headers too large (over %d KiB)", maxResponseHeaderBytes>>10)
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	return err.Error()
}

// headersTooLarge says whether the answer's headers passed maxResponseHeaderBytes. net/http has
// no exported error for it, over HTTP/1 or HTTP/2, so its text is all there is to go by.
func headersTooLarge(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "server response headers exceeded") || strings.Contains(msg, "response header list larger than advertised limit")
}

// withoutX509 is an x509 error's text without the package name, which tells a user nothing.
func withoutX509(err error) string {
	return strings.TrimPrefix(err.Error(), "x509: ")
}

// bodyError marks a failure that happened after the headers arrived, while the body was read.
type bodyError struct{ err error }

func (e bodyError) Error() string { return "reading the body: " + e.err.Error() }
func (e bodyError) Unwrap() error { return e.err }

// noAnswer says whether a check that failed with err got no answer at all: the name did not
// resolve, the connection or the TLS handshake failed, the connection closed before an
// answer, or the time ran out. That is how every check fails when Tocsin's own network is
// down. A refusal by the policy, a refused redirect (its answer came), a cancelled check and
// headers too large (they came) are not.
func noAnswer(err error) bool {
	var (
		blocked    *netguard.BlockedError
		loop       *redirectLoopError
		tooMany    *tooManyRedirectsError
		netErr     net.Error
		dnsErr     *net.DNSError
		opErr      *net.OpError
		recordErr  tls.RecordHeaderError
		alertErr   tls.AlertError
		verifyErr  *tls.CertificateVerificationError
		hostErr    x509.HostnameError
		authErr    x509.UnknownAuthorityError
		invalidErr x509.CertificateInvalidError
	)
	switch {
	case err == nil, errors.As(err, &blocked), errors.As(err, &loop), errors.As(err, &tooMany),
		errors.Is(err, context.Canceled), headersTooLarge(err):
		return false
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout(),
		errors.As(err, &dnsErr), errors.As(err, &opErr),
		errors.As(err, &recordErr), errors.As(err, &alertErr), errors.As(err, &verifyErr),
		errors.As(err, &hostErr), errors.As(err, &authErr), errors.As(err, &invalidErr),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET),
		strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return true
	}
	return false
}

package probe

import (
	"crypto/tls"
	"errors"
	"net/http"
	"time"
)

// certExpiry is when the server's own certificate (the first of the chain it sent) expires, or
// nil when there was none. A certificate that failed verification is still read, from the error,
// so that an expired one says since when.
func certExpiry(resp *http.Response, err error) *time.Time {
	if resp != nil && resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 {
		at := resp.TLS.PeerCertificates[0].NotAfter
		return &at
	}
	var verifyErr *tls.CertificateVerificationError
	if errors.As(err, &verifyErr) && len(verifyErr.UnverifiedCertificates) > 0 {
		at := verifyErr.UnverifiedCertificates[0].NotAfter
		return &at
	}
	return nil
}

package monitor

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

func (s Site) validateKind() error {
	switch s.Kind {
	case "", KindHTTP, KindTCP, KindDNS, KindPush:
		return nil
	}
	return fieldErr("type", "must be one of http, tcp, dns, push")
}

// validateTarget checks what a site watches, by kind.
func (s Site) validateTarget() error {
	switch s.Kind {
	case "", KindHTTP:
		if err := ValidateURL(s.URL); err != nil {
			return err
		}
		return s.HTTP.validate(s.TimeoutSeconds)
	case KindTCP:
		if err := validateHostPort("url", s.URL); err != nil {
			return err
		}
	case KindDNS:
		if err := validateDNS(s.URL, s.DNS); err != nil {
			return err
		}
	case KindPush:
		if s.URL != "" {
			return fieldErr("url", "must be empty for push sites: they ping Tocsin at their push_url")
		}
	}
	if !s.HTTP.Empty() {
		return fieldErr(s.HTTP.firstSetField(), "applies only to http sites")
	}
	if s.Kind != KindDNS && s.DNS != (DNSOptions{}) {
		return fieldErr("expected_address", "applies only to dns sites")
	}
	return nil
}

var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

const (
	maxHeaders        = 50
	maxHeaderBytes    = 8 << 10
	maxRequestBody    = 32 << 10
	maxKeywordLength  = 1024
	MaxRedirectsLimit = 30
)

func (o HTTPOptions) validate(timeoutSeconds int) error {
	if o.Method != "" && !slices.Contains(httpMethods, o.Method) {
		return fieldErr("method", "must be one of %s", strings.Join(httpMethods, ", "))
	}
	if err := o.validateRequest(); err != nil {
		return err
	}
	if err := o.validateCredentials(); err != nil {
		return err
	}
	for _, r := range o.AcceptedStatusCodes {
		if r.From < 100 || r.To > 599 || r.From > r.To {
			return fieldErr("accepted_status_codes", "holds codes 100 to 599 and ranges like %q (low to high)", "200-299")
		}
	}
	if m := o.MaxRedirects; m != nil && (*m < 0 || *m > MaxRedirectsLimit) {
		return fieldErr("max_redirects", "must be between 0 (do not follow) and %d", MaxRedirectsLimit)
	}
	if utf8.RuneCountInString(o.Keyword) > maxKeywordLength {
		return fieldErr("keyword", "must be at most %d characters", maxKeywordLength)
	}
	if err := validateText("keyword", o.Keyword, "\t\r\n"); err != nil {
		return err
	}
	if o.KeywordAbsent && o.Keyword == "" {
		return fieldErr("keyword_absent", "needs a keyword")
	}
	if err := validateText("json_schema", o.JSONSchema, ""); err != nil {
		return err
	}
	limit := timeoutSeconds * 1000
	if o.MaxResponseTimeMS < 0 || o.MaxResponseTimeMS > limit {
		return conflict("max_response_time_ms", fmt.Sprintf("must be between 0 (no limit) and the timeout (%d ms)", limit),
			"timeout_seconds", fmt.Sprintf("must not be below max_response_time_ms (%d ms)", o.MaxResponseTimeMS))
	}
	return nil
}

// validateRequest checks the headers and body the request is sent with.
func (o HTTPOptions) validateRequest() error {
	if len(o.Headers) > maxHeaders {
		return fieldErr("headers", "must be at most %d", maxHeaders)
	}
	size := 0
	for name, value := range o.Headers {
		if !validHeaderName(name) {
			return fieldErr("headers", "%q is not a valid header name", name)
		}
		if err := validateText("headers", value, "\t"); err != nil {
			return fieldErr("headers", "the value of %s %s", name, err.(*FieldError).Message)
		}
		size += len(name) + len(value)
	}
	if size > maxHeaderBytes {
		return fieldErr("headers", "must be at most %d bytes in all", maxHeaderBytes)
	}
	if len(o.Body) > maxRequestBody {
		return fieldErr("body", "must be at most %d bytes", maxRequestBody)
	}
	return validateText("body", o.Body, "\t\r\n")
}

// validateCredentials checks basic authentication and the bearer token.
func (o HTTPOptions) validateCredentials() error {
	if b := o.BasicAuth; b != nil {
		if b.Username == "" || strings.Contains(b.Username, ":") {
			return fieldErr("basic_auth", "needs a username without ':'")
		}
		if validateText("basic_auth", b.Username, "") != nil || validateText("basic_auth", b.Password, "") != nil {
			return fieldErr("basic_auth", "username and password must be text without control characters")
		}
		if o.BearerToken != "" {
			return fieldErr("bearer_token", "cannot be used together with basic_auth")
		}
	}
	if strings.ContainsAny(o.BearerToken, "\r\n ") {
		return fieldErr("bearer_token", "must not contain spaces or line breaks")
	}
	return ValidateLine("bearer_token", o.BearerToken)
}

// Empty reports whether no HTTP-only setting is set.
func (o HTTPOptions) Empty() bool { return o.firstSetField() == "" }

// firstSetField names the first HTTP-only setting that is set, for errors on other kinds.
func (o HTTPOptions) firstSetField() string {
	switch {
	case o.Method != "":
		return "method"
	case len(o.Headers) > 0:
		return "headers"
	case o.Body != "":
		return "body"
	case len(o.AcceptedStatusCodes) > 0:
		return "accepted_status_codes"
	case o.MaxRedirects != nil:
		return "max_redirects"
	case o.IgnoreTLSErrors:
		return "ignore_tls_errors"
	case o.BasicAuth != nil:
		return "basic_auth"
	case o.BearerToken != "":
		return "bearer_token"
	case o.Keyword != "" || o.KeywordAbsent:
		return "keyword"
	case o.JSONSchema != "":
		return "json_schema"
	case o.MaxResponseTimeMS != 0:
		return "max_response_time_ms"
	}
	return ""
}

// validHeaderName accepts RFC 9110 tokens: letters, digits and !#$%&'*+-.^_`|~.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		alnum := '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !alnum && !strings.ContainsRune("!#$%&'*+-.^_`|~", c) {
			return false
		}
	}
	return true
}

func validateHostPort(field, hostport string) error {
	if err := ValidateLine(field, hostport); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil || host == "" {
		return fieldErr(field, "must be host:port, like db.example.com:5432")
	}
	if !validPort(port) {
		return fieldErr(field, "must end in a port from 1 to 65535")
	}
	return nil
}

func validateDNS(name string, o DNSOptions) error {
	if err := ValidateLine("url", name); err != nil {
		return err
	}
	if name == "" || strings.ContainsAny(name, ":/ ") || len(name) > 253 {
		return fieldErr("url", "must be a host name to resolve, like example.com")
	}
	if o.ExpectedAddress != "" {
		if _, err := netip.ParseAddr(o.ExpectedAddress); err != nil {
			return fieldErr("expected_address", "must be an IPv4 or IPv6 address")
		}
	}
	if o.Server != "" {
		if err := validateHostPort("dns_server", o.Server); err != nil {
			return err
		}
	}
	return nil
}

// ParseStatusRange reads "200", "200-299" into a range.
func ParseStatusRange(s string) (StatusRange, bool) {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(s), "-")
	from, err1 := strconv.Atoi(strings.TrimSpace(lo))
	to, err2 := from, error(nil)
	if isRange {
		to, err2 = strconv.Atoi(strings.TrimSpace(hi))
	}
	return StatusRange{From: from, To: to}, err1 == nil && err2 == nil
}

// String writes the range as "200" or "200-299".
func (r StatusRange) String() string {
	if r.From == r.To {
		return strconv.Itoa(r.From)
	}
	return strconv.Itoa(r.From) + "-" + strconv.Itoa(r.To)
}

package channel

import (
	"net"
	"net/url"
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
)

// MaxURLBytes bounds every URL a channel takes.
const MaxURLBytes = 2048

// ParseURL checks a URL a user gave for field: http or https, with a host, without a user
// name, password or fragment. Errors never quote it, since its path or query may be secret.
func ParseURL(field, raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return nil, Invalid(field, "is required")
	case len(raw) > MaxURLBytes:
		return nil, Invalid(field, "is too long (at most 2048 bytes)")
	}
	if err := monitor.ValidateLine(field, raw); err != nil {
		return nil, err
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, Invalid(field, "is not a valid URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, Invalid(field, "must be an http:// or https:// URL")
	case u.Host == "" || u.Hostname() == "":
		return nil, Invalid(field, "must name a host")
	case u.User != nil:
		return nil, Invalid(field, "must not contain a user name or password")
	case strings.Contains(raw, "#"): // url.Parse drops an empty fragment, so look at the text
		return nil, Invalid(field, "must not have a fragment (the part after #)")
	}
	return u, nil
}

// ParseServiceURL checks the URL of a hosted service (hooks.slack.com): https on one of
// hosts. A test or a stand-in of the service names its own hosts instead, where plain http is
// accepted for loopback hosts.
func ParseServiceURL(field, raw, service string, hosts []string) (*url.URL, error) {
	u, err := ParseURL(field, raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "https" && !IsLoopback(u.Hostname()) {
		return nil, Invalid(field, "must be an https URL")
	}
	if !HostAllowed(u, hosts) {
		return nil, Invalid(field, "host "+describeHost(u.Hostname())+" is not a "+service+" host")
	}
	return u, nil
}

// HostAllowed matches host[:port] against the list. An entry without a port stands for the
// scheme's default port, so "hooks.slack.com" matches https://hooks.slack.com:443 too.
func HostAllowed(u *url.URL, hosts []string) bool {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	for _, entry := range hosts {
		entryHost, entryPort := splitHostEntry(strings.ToLower(strings.TrimSpace(entry)))
		if entryHost != host {
			continue
		}
		if entryPort == port || (entryPort == "" && u.Scheme == "https" && port == "443") {
			return true
		}
	}
	return false
}

// splitHostEntry reads "host", "host:port", "[v6]:port" or a bare IPv6 address.
func splitHostEntry(entry string) (host, port string) {
	if h, p, err := net.SplitHostPort(entry); err == nil {
		return h, p
	}
	return strings.TrimSuffix(strings.TrimPrefix(entry, "["), "]"), ""
}

// IsLoopback says whether a host is this machine: the only place a secret may travel to
// unencrypted (a local stand-in of a service in tests).
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// describeHost quotes a host for an error message unless it is too long to be helpful.
func describeHost(host string) string {
	if host == "" || len(host) > 100 {
		return "of this URL"
	}
	return host
}

// Invalid is a field's error; the API writes the field's name in front of message.
func Invalid(field, message string) *monitor.FieldError {
	return &monitor.FieldError{Field: field, Message: message}
}

// Origin is a URL's scheme and host, which are no secret: "https://hooks.example.com".
func Origin(u *url.URL) string { return u.Scheme + "://" + strings.ToLower(u.Host) }

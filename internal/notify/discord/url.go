// Package discord posts Tocsin's alerts to Discord webhooks: it checks the webhook URLs users
// give, builds messages within Discord's limits and tells the caller what Discord answered.
package discord

import (
	"net"
	"net/url"
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
)

const (
	// canonicalHost is where every Discord webhook is sent, whichever alias the user pasted.
	canonicalHost = "discord.com"
	// apiVersion is pinned so a change of Discord's default version cannot change our requests.
	apiVersion = "v10"

	maxWebhookURLBytes = 2048
	maxIDDigits        = 25
	maxTokenLength     = 100
	maxAPIVersionDigit = 4
	// maxHostInMessage keeps an absurd host from filling the error shown to the user.
	maxHostInMessage = 100

	webhookURLField = "webhook_url"
	// Messages omit the field name: the API writes "webhook_url " in front of them.
	msgNotDiscordWebhook = "must be a Discord webhook URL (https://discord.com/api/webhooks/ID/TOKEN)"
)

// DefaultHosts are the hosts Discord serves webhooks from.
func DefaultHosts() []string {
	return []string{"discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"}
}

// webhookPath is the meaningful part of a webhook URL's path.
type webhookPath struct {
	version string // "v10", or "" when the URL names no version
	id      string
	token   string
}

// ParseWebhookURL checks a webhook URL a user gave and returns it in the one form Tocsin
// stores and sends to. Errors are *monitor.FieldError whose message never repeats the URL,
// because the URL holds the webhook's token.
func ParseWebhookURL(raw string, allowedHosts []string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", invalidWebhookURL("is required")
	}
	if len(raw) > maxWebhookURLBytes {
		return "", invalidWebhookURL("is too long for a Discord webhook URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", invalidWebhookURL("is not a valid URL")
	}
	if err := checkURLShape(raw, u); err != nil {
		return "", err
	}
	if !hostAllowed(u, allowedHosts) {
		return "", invalidWebhookURL("host " + describeHost(u.Hostname()) + " is not a Discord host")
	}
	p, err := checkWebhookPath(u.EscapedPath())
	if err != nil {
		return "", err
	}
	return normalise(u, p), nil
}

// checkURLShape rejects what no webhook URL has: another scheme, credentials, a query.
func checkURLShape(raw string, u *url.URL) error {
	switch {
	case u.Scheme == "" || u.Host == "":
		return invalidWebhookURL(msgNotDiscordWebhook)
	case u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())):
		return invalidWebhookURL("must be an https URL")
	case u.User != nil:
		return invalidWebhookURL("must not contain a user name or password")
	case u.RawQuery != "" || u.ForceQuery:
		return invalidWebhookURL("must not have a query string (the part after ?)")
	case strings.Contains(raw, "#"): // url.Parse drops an empty fragment, so look at the text

		return invalidWebhookURL("must not have a fragment (the part after #)")
	}
	return nil
}

// checkWebhookPath tells the user which part of the path is wrong, without quoting it.
func checkWebhookPath(escapedPath string) (webhookPath, error) {
	p, ok := splitWebhookPath(escapedPath)
	switch {
	case !ok:
		return p, invalidWebhookURL(msgNotDiscordWebhook)
	case !isDigits(p.id, maxIDDigits):
		return p, invalidWebhookURL("has an invalid webhook ID: it must be 1 to 25 digits")
	case !isToken(p.token):
		return p, invalidWebhookURL("has an invalid webhook token: it must be 1 to 100 letters, digits, _ or -")
	}
	return p, nil
}

// splitWebhookPath finds the id and token in /api[/vN]/webhooks/{id}/{token}[/]. It checks
// only the shape, so callers can say whether the id or the token is wrong.
func splitWebhookPath(escapedPath string) (webhookPath, bool) {
	rest, ok := strings.CutPrefix(escapedPath, "/api/")
	if !ok {
		return webhookPath{}, false
	}
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	var p webhookPath
	if len(parts) == 4 && isAPIVersion(parts[0]) {
		p.version, parts = parts[0], parts[1:]
	}
	if len(parts) != 3 || parts[0] != "webhooks" || parts[1] == "" || parts[2] == "" {
		return webhookPath{}, false
	}
	p.id, p.token = parts[1], parts[2]
	return p, true
}

// normalise writes the URL the way Tocsin sends to it: one host for Discord, one API version.
func normalise(u *url.URL, p webhookPath) string {
	origin := u.Scheme + "://" + strings.ToLower(u.Host)
	if isDiscordHost(u) {
		origin = "https://" + canonicalHost
	}
	return origin + "/api/" + apiVersion + "/webhooks/" + p.id + "/" + p.token
}

// hostAllowed matches host[:port] against the list. An entry without a port stands for the
// scheme's default port, so "discord.com" matches https://discord.com:443 too.
func hostAllowed(u *url.URL, allowedHosts []string) bool {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	for _, entry := range allowedHosts {
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

// isDiscordHost says whether the URL points at Discord itself, under any of its names.
func isDiscordHost(u *url.URL) bool {
	if port := u.Port(); u.Scheme != "https" || (port != "" && port != "443") {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, h := range DefaultHosts() {
		if host == h {
			return true
		}
	}
	return false
}

// isLoopback says whether plain http to the host stays on this machine: the only case in
// which the token may travel unencrypted (a local stand-in for Discord in tests).
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isAPIVersion(s string) bool {
	digits, ok := strings.CutPrefix(s, "v")
	return ok && isDigits(digits, maxAPIVersionDigit)
}

func isDigits(s string, maxLen int) bool {
	if s == "" || len(s) > maxLen {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isToken(s string) bool {
	if s == "" || len(s) > maxTokenLength {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// describeHost quotes the host for an error message unless it is too long to be helpful.
func describeHost(host string) string {
	if host == "" || len(host) > maxHostInMessage {
		return "of this URL"
	}
	return host
}

func invalidWebhookURL(message string) *monitor.FieldError {
	return &monitor.FieldError{Field: webhookURLField, Message: message}
}

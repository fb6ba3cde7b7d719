// Package email sends Tocsin's alerts as email through an SMTP server: one message per batch
// of alerts, with a plain-text and an HTML part, over STARTTLS, implicit TLS or, to a server
// nearby, no TLS.
package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

// maxRecipients bounds the addresses of one channel: alerts go to a team, not a list.
const maxRecipients = 20

// Driver is the email channel type.
type Driver struct {
	Policy   netguard.Policy // checked on every address dialled
	Timeouts channel.Timeouts
	// RootCAs, when set, replaces the system's certificate authorities (a test's server).
	RootCAs *x509.CertPool
}

var _ channel.Driver = (*Driver)(nil)

func (d *Driver) Service() string { return "the mail server" }
func (d *Driver) Fields() []string {
	return []string{"host", "port", "tls", "username", "password", "from", "to"}
}

func defaultPort(mode string) int {
	switch mode {
	case monitor.EmailImplicitTLS:
		return 465
	case monitor.EmailNoTLS:
		return 25
	}
	return 587
}

func (d *Driver) Normalize(c monitor.Channel) (monitor.Channel, error) {
	s := &c.Settings
	s.Host, s.TLS, s.Username = strings.ToLower(strings.TrimSpace(s.Host)), strings.ToLower(strings.TrimSpace(s.TLS)), strings.TrimSpace(s.Username)
	if err := checkHost(s.Host); err != nil {
		return c, err
	}
	if err := d.Policy.CheckURL("smtp://" + net.JoinHostPort(s.Host, "25")); err != nil {
		return c, channel.Invalid("host", "is not allowed: "+err.Error())
	}
	switch s.TLS {
	case "":
		s.TLS = monitor.EmailSTARTTLS
	case monitor.EmailSTARTTLS, monitor.EmailImplicitTLS, monitor.EmailNoTLS:
	default:
		return c, channel.Invalid("tls", "must be starttls, implicit or none")
	}
	if s.Port == 0 {
		s.Port = defaultPort(s.TLS)
	}
	if s.Port < 1 || s.Port > 65535 {
		return c, channel.Invalid("port", "must be between 1 and 65535")
	}
	if err := checkCredentials(s); err != nil {
		return c, err
	}
	from, err := parseAddress("from", s.From)
	if err != nil {
		return c, err
	}
	s.From = from
	return c, checkRecipients(s)
}

func checkHost(host string) error {
	switch {
	case host == "":
		return channel.Invalid("host", "is required: the SMTP server's name or address")
	case len(host) > 253 || strings.ContainsAny(host, "/@ :\t") && net.ParseIP(host) == nil:
		return channel.Invalid("host", "must be a host name or an address, without a port (set port) or a scheme")
	}
	return monitor.ValidateLine("host", host)
}

// checkCredentials: a password is sent only where it cannot be read on the way, over TLS or
// to this machine.
func checkCredentials(s *monitor.ChannelSettings) error {
	for field, v := range map[string]string{"username": s.Username, "password": s.Password} {
		if err := monitor.ValidateLine(field, v); err != nil {
			return err
		}
		if len(v) > 512 {
			return channel.Invalid(field, "is too long (at most 512 bytes)")
		}
	}
	switch {
	case s.Password != "" && s.Username == "":
		return channel.Invalid("username", "is required with a password")
	case s.Username != "" && s.Password == "":
		return channel.Invalid("password", "is required with a username")
	case s.Password != "" && s.TLS == monitor.EmailNoTLS && !channel.IsLoopback(s.Host):
		return channel.Invalid("tls", "must be starttls or implicit to send a password, unless the server is on this machine")
	}
	return nil
}

func parseAddress(field, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", channel.Invalid(field, "is required: an email address")
	}
	if err := monitor.ValidateLine(field, raw); err != nil {
		return "", err
	}
	a, err := mail.ParseAddress(raw)
	if err != nil || len(raw) > 320 {
		return "", channel.Invalid(field, "must be an email address, like alerts@example.com or \"Tocsin <alerts@example.com>\"")
	}
	return a.String(), nil
}

func checkRecipients(s *monitor.ChannelSettings) error {
	if len(s.To) == 0 {
		return channel.Invalid("to", "is required: a list of email addresses")
	}
	if len(s.To) > maxRecipients {
		return channel.Invalid("to", "must list at most "+strconv.Itoa(maxRecipients)+" addresses")
	}
	for i, raw := range s.To {
		a, err := parseAddress("to", raw)
		if err != nil {
			return err
		}
		s.To[i] = a
	}
	return nil
}

// Mask hides the password; the rest says where mail goes and is no secret.
func (d *Driver) Mask(c monitor.Channel) monitor.Channel {
	c.Settings = c.Settings.WithoutSecrets()
	if c.Settings.Username != "" {
		c.Settings.Password = monitor.Masked
	}
	return c
}

func (d *Driver) Destination(c monitor.Channel) string {
	s := c.Settings
	return strings.Join(s.To, ", ") + " via " + net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
}

// Pace: one message per batch of alerts is few messages; a mail server takes them calmly.
func (d *Driver) Pace() channel.Pace {
	return channel.Pace{Every: 2 * time.Second, Burst: 2, GroupEvery: 2 * time.Second, GroupBurst: 2}
}

func (d *Driver) Group(monitor.Channel) string { return "" }

// Send delivers the message through the channel's server, a connection of its own.
func (d *Driver) Send(ctx context.Context, c monitor.Channel, msg channel.Message) channel.Response {
	m, ok := msg.(Message)
	if !ok {
		return channel.Response{Err: errors.New("not an email"), Verdict: channel.Rejected, Detail: "not an email"}
	}
	s := c.Settings
	mail, err := m.build(s)
	if err != nil {
		return channel.Response{Err: err, Verdict: channel.Rejected, Detail: channel.Clip("the message cannot be written: " + err.Error())}
	}
	client, err := gomail.NewClient(s.Host, d.options(s)...)
	if err != nil {
		return channel.Response{Err: err, Verdict: channel.Gone, Detail: channel.Clip(channel.Scrub(err.Error(), "", s.Password))}
	}
	return judge(client.DialAndSendWithContext(ctx, mail), d.timeouts().Send, s.Password)
}

func (d *Driver) timeouts() channel.Timeouts {
	t := d.Timeouts
	if t.Connect <= 0 {
		t.Connect = channel.ConnectTimeout
	}
	if t.Send <= 0 {
		t.Send = channel.SendTimeout
	}
	return t
}

func (d *Driver) options(s monitor.ChannelSettings) []gomail.Option {
	t := d.timeouts()
	tlsConfig := &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12, RootCAs: d.RootCAs}
	dialer := &net.Dialer{Timeout: t.Connect, Control: d.Policy.Control}
	dial := dialer.DialContext
	policy := gomail.TLSMandatory
	switch s.TLS {
	case monitor.EmailImplicitTLS:
		// The dialer speaks TLS itself, so that the policy sees the address it dials.
		dial = (&tls.Dialer{NetDialer: dialer, Config: tlsConfig}).DialContext
		policy = gomail.NoTLS
	case monitor.EmailNoTLS:
		policy = gomail.NoTLS
	}
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(t.Send), gomail.WithTLSPolicy(policy),
		gomail.WithTLSConfig(tlsConfig), gomail.WithDialContextFunc(dial)}
	if s.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	return opts
}

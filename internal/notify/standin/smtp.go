package standin

import (
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP credentials the stand-in accepts.
const (
	SMTPUser     = "alerts"
	SMTPPassword = "smtp-s3cret-password"
)

// Mail is a message the stand-in took: its envelope, and its parts decoded.
type Mail struct {
	From    string
	To      []string
	Subject string
	Text    string
	HTML    string
}

// SMTP plays a mail server on loopback that asks for SMTPUser and SMTPPassword (AUTH PLAIN).
// Scripted replies: Status 4xx or 5xx refuses the message at DATA; Dead refuses the
// recipients (550), as for an address that does not exist. Drop is not played.
type SMTP struct {
	script
	Addr  string
	Host  string
	Port  int
	mails log[Mail]
}

// SMTPMode is how the stand-in secures connections.
type SMTPMode int

const (
	SMTPPlain    SMTPMode = iota // no TLS
	SMTPStartTLS                 // STARTTLS offered (and required before AUTH)
	SMTPImplicit                 // TLS from the first byte
)

// NewSMTP starts an SMTP stand-in; cert is needed for the TLS modes.
func NewSMTP(t testing.TB, mode SMTPMode, cert *tls.Certificate) *SMTP {
	s := &SMTP{}
	srv := smtp.NewServer(smtpBackend{s})
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.AllowInsecureAuth = mode == SMTPPlain
	var ln net.Listener
	var err error
	switch mode {
	case SMTPImplicit:
		ln, err = tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{*cert}})
	default:
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		if mode == SMTPStartTLS {
			srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s.Addr = ln.Addr().String()
	s.Host = "127.0.0.1"
	s.Port = ln.Addr().(*net.TCPAddr).Port
	return s
}

// Mails are the messages taken, in order.
func (s *SMTP) Mails() []Mail { return s.mails.all() }

type smtpBackend struct{ s *SMTP }

func (b smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s: b.s}, nil }

type smtpSession struct {
	s      *SMTP
	authed bool
	from   string
	to     []string
	reply  Reply
	once   sync.Once
}

func (x *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != SMTPUser || pass != SMTPPassword {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		x.authed = true
		return nil
	}), nil
}

func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if !x.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	x.reply = x.s.next()
	x.from = from
	return nil
}

func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if x.reply.Dead {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Mailbox unavailable"}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if code := x.reply.Status; code >= 400 {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "Refused by the stand-in"}
	}
	m, err := parseMail(string(raw))
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Unreadable message: " + err.Error()}
	}
	m.From, m.To = x.from, x.to
	x.s.mails.add(m)
	return nil
}

func (x *smtpSession) Reset()        { x.from, x.to = "", nil }
func (x *smtpSession) Logout() error { return nil }

// parseMail reads the subject and the plain-text and HTML parts of a message.
func parseMail(raw string) (Mail, error) {
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		return Mail{}, err
	}
	var m Mail
	if m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Mail{}, err
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return Mail{}, err
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := parts.NextPart() // decodes quoted-printable
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Mail{}, err
		}
		var body []byte
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
			body, _ = io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		} else {
			body, _ = io.ReadAll(p)
		}
		switch mt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); mt {
		case "text/plain":
			m.Text = string(body)
		case "text/html":
			m.HTML = string(body)
		}
	}
	return m, nil
}

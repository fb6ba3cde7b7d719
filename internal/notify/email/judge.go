package email

import (
	"errors"
	"net/textproto"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/tocsin/tocsin/internal/notify/channel"
)

// judge reads what came of a send. A server that refuses the user name or password, the
// sender or the recipients, or that cannot do what the channel asks (STARTTLS, signing in),
// will refuse every message: the channel is disabled. A message refused after DATA is failed;
// 4xx answers and lost connections are retried.
func judge(err error, timeout time.Duration, password string) channel.Response {
	if err == nil {
		return channel.Response{Status: 250, Verdict: channel.Delivered, Detail: "250 accepted"}
	}
	r := channel.Response{Err: channel.Redact(err, "", password), Verdict: channel.Retry}
	var (
		sendErr *gomail.SendError
		smtpErr *textproto.Error
	)
	text := err.Error()
	hasCode := errors.As(err, &smtpErr)
	if hasCode {
		r.Status = smtpErr.Code
	}
	switch {
	case errors.As(err, &sendErr):
		judgeSend(&r, sendErr)
		hasCode = r.Status != 0
	case hasCode && smtpErr.Code >= 500:
		r.Verdict = channel.Gone // the server refuses this client: its greeting, STARTTLS or sign-in
	case hasCode:
	case strings.Contains(text, "does not support STARTTLS"), strings.Contains(text, "not support SMTP AUTH"),
		errors.Is(err, gomail.ErrPlainAuthNotSupported):
		r.Verdict = channel.Gone
	}
	detail := channel.DescribeTransport(err, r.Err, timeout)
	if hasCode || r.Verdict == channel.Gone {
		detail = r.Err.Error()
	}
	if r.Unanswered {
		detail += "; the message was sent, the mail server may have taken it"
	}
	r.Detail = channel.Clip(strings.TrimPrefix(strings.TrimPrefix(detail, "dial failed: "), "send failed: "))
	return r
}

// judgeSend reads a refusal during the sending of a message.
func judgeSend(r *channel.Response, e *gomail.SendError) {
	code := e.ErrorCode() // the server's reply code; 0 when the connection failed instead
	if code != 0 {
		r.Status = code
	}
	switch {
	case e.IsTemp():
	case e.Reason == gomail.ErrSMTPMailFrom || e.Reason == gomail.ErrSMTPRcptTo:
		r.Verdict = channel.Gone
	case (e.Reason == gomail.ErrSMTPData || e.Reason == gomail.ErrSMTPDataClose) && code >= 500:
		r.Verdict = channel.Rejected
	case e.Reason == gomail.ErrSMTPDataClose || e.Reason == gomail.ErrWriteContent:
		// The message was written, and then the connection failed: the server may have it.
		r.Unanswered = e.Reason == gomail.ErrSMTPDataClose
	}
}

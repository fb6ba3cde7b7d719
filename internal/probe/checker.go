package probe

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

// Checker runs a check of any kind. Build it once with NewChecker and share it: nothing in it
// changes after that, and it is safe for concurrent use.
type Checker struct {
	HTTP *HTTPChecker
	// Dialer opens TCP checks' connections and reaches the DNS servers sites name; its Resolver
	// (the system's when nil) answers DNS checks that name none.
	Dialer *net.Dialer
}

// NewChecker returns a Checker whose every connection, of every kind, is held to policy.
func NewChecker(userAgent string, policy netguard.Policy) *Checker {
	return &Checker{HTTP: NewHTTPChecker(userAgent, policy), Dialer: NewDialer(policy)}
}

// NewDialer returns a dialer for TCP and DNS checks: the policy is checked on every address it
// connects to, whatever name led there.
func NewDialer(policy netguard.Policy) *net.Dialer {
	return &net.Dialer{KeepAlive: -1, Control: policy.Control}
}

// Check runs the check the target's kind calls for. Push sites are never probed: they report in,
// and their silence is judged elsewhere. The result's text is clean (monitor.Result.Clean): what
// a target sends can end up in it, and it must neither break a store nor flood one.
func (c *Checker) Check(ctx context.Context, target monitor.Target) monitor.Result {
	return c.check(ctx, target).Clean()
}

func (c *Checker) check(ctx context.Context, target monitor.Target) monitor.Result {
	switch target.Kind {
	case "", monitor.KindHTTP:
		return c.HTTP.Check(ctx, target)
	case monitor.KindTCP:
		return TCP(ctx, c.Dialer, target)
	case monitor.KindDNS:
		return DNS(ctx, c.Dialer, target)
	case monitor.KindPush:
		return refused(errors.New("push sites are not probed: they report to Tocsin"))
	}
	return refused(fmt.Errorf("unknown kind of check %q", target.Kind))
}

// refused is the result of a check that was not attempted.
func refused(err error) monitor.Result {
	return monitor.Result{Status: monitor.StatusDown, Error: err.Error()}
}

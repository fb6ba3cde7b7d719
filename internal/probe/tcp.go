package probe

import (
	"context"
	"net"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// TCP opens a connection to target.URL (host:port) within the target's timeout, and closes it at
// once: the site is up when something accepts connections there. The response time is the time
// to connect, name resolution included.
func TCP(ctx context.Context, dialer *net.Dialer, target monitor.Target) monitor.Result {
	ctx, cancel := withTimeout(ctx, target.Timeout)
	defer cancel()
	start := time.Now()
	conn, err := dialer.DialContext(ctx, "tcp", target.URL)
	took := time.Since(start)
	if err != nil {
		return monitor.Result{Status: monitor.StatusDown, ResponseTime: took, Error: describe(err, target.Timeout), NoAnswer: noAnswer(err)}
	}
	conn.Close()
	return monitor.Result{Status: monitor.StatusUp, ResponseTime: took}
}

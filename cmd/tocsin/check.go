package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/probe"
)

// check runs one check from the command line, as a site with the same settings would be checked.
func check(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tocsin check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	expected := fs.Int("expected-status-code", monitor.DefaultExpectedStatusCode, "status code that means up")
	timeout := fs.Int("timeout", monitor.DefaultTimeoutSeconds, "timeout in seconds")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: tocsin check URL [--expected-status-code 200] [--timeout 10]")
		fs.PrintDefaults()
	}
	url, rest := "", args
	if len(rest) > 0 && rest[0] != "" && rest[0][0] != '-' {
		url, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return 2
	}
	if url == "" && fs.NArg() == 1 {
		url = fs.Arg(0)
	} else if fs.NArg() > 0 || url == "" {
		fs.Usage()
		return 2
	}
	site := monitor.Site{Name: url, URL: url, CheckIntervalSeconds: monitor.MaxIntervalSeconds, TimeoutSeconds: *timeout, ExpectedStatusCode: *expected}
	if err := site.Validate(monitor.Limits{MinIntervalSeconds: 1}); err != nil {
		fmt.Fprintf(stderr, "tocsin check: %v\n", err)
		return 2
	}
	r := probe.HTTP(context.Background(), probe.NewHTTPClient(userAgent(), netguard.Policy{}), site.Target())
	code := "-"
	if r.StatusCode != 0 {
		code = fmt.Sprint(r.StatusCode)
	}
	fmt.Fprintf(stdout, "%s  status %s  %s\n", r.Status, code, r.ResponseTime.Round(time.Millisecond))
	if r.Status != monitor.StatusUp {
		fmt.Fprintf(stdout, "error: %s\n", r.Error)
		return 1
	}
	return 0
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/probe"
)

// headerFlags collects repeated --header "Name: value" flags.
type headerFlags map[string]string

func (h headerFlags) String() string { return fmt.Sprint(map[string]string(h)) }

func (h headerFlags) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("want \"Name: value\", got %q", v)
	}
	h[strings.TrimSpace(name)] = strings.TrimSpace(value)
	return nil
}

// checkFlags are a site's settings as flags of `tocsin check`.
type checkFlags struct {
	kind, method, body, accepted, basicAuth, bearer, keyword, schema, expectedAddr, dnsServer string
	expected, timeout, maxRedirects, maxResponseMS                                            int
	ignoreTLS, keywordAbsent, blockPrivate                                                    bool
	headers                                                                                   headerFlags
}

func (f *checkFlags) register(fs *flag.FlagSet) {
	f.headers = headerFlags{}
	fs.StringVar(&f.kind, "type", monitor.KindHTTP, "http, tcp (URL is host:port) or dns (URL is a host name)")
	fs.IntVar(&f.timeout, "timeout", monitor.DefaultTimeoutSeconds, "timeout in seconds")
	fs.IntVar(&f.expected, "expected-status-code", monitor.DefaultExpectedStatusCode, "status code that means up")
	fs.StringVar(&f.accepted, "accepted-status-codes", "", `codes and ranges that mean up, like "200-299,304"`)
	fs.StringVar(&f.method, "method", "", "HTTP method (default GET)")
	fs.Var(f.headers, "header", `request header "Name: value" (repeatable)`)
	fs.StringVar(&f.body, "body", "", "request body")
	fs.IntVar(&f.maxRedirects, "max-redirects", monitor.DefaultMaxRedirects, "redirects to follow (0: none)")
	fs.BoolVar(&f.ignoreTLS, "ignore-tls-errors", false, "do not verify the certificate")
	fs.StringVar(&f.basicAuth, "basic-auth", "", "user:password for HTTP basic authentication")
	fs.StringVar(&f.bearer, "bearer-token", "", "token for Authorization: Bearer")
	fs.StringVar(&f.keyword, "keyword", "", "text the body must contain")
	fs.BoolVar(&f.keywordAbsent, "keyword-absent", false, "the keyword must NOT appear")
	fs.StringVar(&f.schema, "json-schema", "", "JSON Schema the body must match: inline JSON or a file path")
	fs.IntVar(&f.maxResponseMS, "max-response-time-ms", 0, "slower than this is down (0: no limit)")
	fs.StringVar(&f.expectedAddr, "expected-address", "", "dns: the address the name must resolve to")
	fs.StringVar(&f.dnsServer, "dns-server", "", "dns: host:port of the server to ask")
	fs.BoolVar(&f.blockPrivate, "block-private-targets", false, "refuse loopback and private addresses too")
}

// site builds the site the flags describe, as the API would.
func (f *checkFlags) site(url string) (monitor.Site, error) {
	s := monitor.Site{Kind: f.kind, Name: url, URL: url, CheckIntervalSeconds: monitor.MaxIntervalSeconds,
		TimeoutSeconds: f.timeout, ExpectedStatusCode: f.expected, FailureThreshold: 1}
	if f.kind == monitor.KindDNS {
		s.DNS = monitor.DNSOptions{ExpectedAddress: f.expectedAddr, Server: f.dnsServer}
	}
	if f.kind != monitor.KindHTTP {
		return s, nil
	}
	o := &s.HTTP
	o.Method, o.Body, o.IgnoreTLSErrors, o.BearerToken = strings.ToUpper(f.method), f.body, f.ignoreTLS, f.bearer
	o.Keyword, o.KeywordAbsent, o.MaxResponseTimeMS = f.keyword, f.keywordAbsent, f.maxResponseMS
	if len(f.headers) > 0 {
		o.Headers = f.headers
	}
	if f.maxRedirects != monitor.DefaultMaxRedirects {
		o.MaxRedirects = &f.maxRedirects
	}
	if user, pass, ok := strings.Cut(f.basicAuth, ":"); ok {
		o.BasicAuth = &monitor.BasicAuth{Username: user, Password: pass}
	}
	for _, part := range strings.FieldsFunc(f.accepted, func(r rune) bool { return r == ',' || r == ' ' }) {
		r, ok := monitor.ParseStatusRange(part)
		if !ok {
			return s, fmt.Errorf("--accepted-status-codes: %q is not a code or range", part)
		}
		o.AcceptedStatusCodes = append(o.AcceptedStatusCodes, r)
	}
	if f.schema != "" {
		text := f.schema
		if !strings.HasPrefix(strings.TrimSpace(text), "{") {
			b, err := os.ReadFile(text)
			if err != nil {
				return s, fmt.Errorf("--json-schema: %w", err)
			}
			text = string(b)
		}
		if err := probe.CompileSchema(text); err != nil {
			return s, fmt.Errorf("--json-schema: %w", err)
		}
		o.JSONSchema = text
	}
	return s, nil
}

// check runs one check from the command line, as a site with the same settings would be checked.
func check(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tocsin check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f checkFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: tocsin check URL [flags]\n\nChecks once, prints the verdict, and exits 0 when up, 1 when down.\n\nFlags:")
		fs.PrintDefaults()
	}
	url, rest := "", args
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
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
	site, err := f.site(url)
	if err == nil {
		err = site.Validate(monitor.Limits{MinIntervalSeconds: 1})
	}
	if err != nil {
		fmt.Fprintf(stderr, "tocsin check: %v\n", err)
		return 2
	}
	checker := probe.NewChecker(userAgent(), netguard.Policy{BlockPrivate: f.blockPrivate})
	r := checker.Check(context.Background(), site.Target())
	printResult(stdout, r, time.Now())
	if r.Status != monitor.StatusUp {
		return 1
	}
	return 0
}

func printResult(w io.Writer, r monitor.Result, now time.Time) {
	code := "-"
	if r.StatusCode != 0 {
		code = fmt.Sprint(r.StatusCode)
	}
	fmt.Fprintf(w, "%s  status %s  %s\n", r.Status, code, r.ResponseTime.Round(time.Millisecond))
	if t := r.Timings; t != nil {
		round := func(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
		fmt.Fprintf(w, "timings: dns %s  connect %s  tls %s  server %s  transfer %s\n",
			round(t.DNS), round(t.Connect), round(t.TLS), round(t.ServerProcessing), round(t.Transfer))
	}
	if exp := r.CertExpiresAt; exp != nil {
		fmt.Fprintf(w, "certificate expires %s (in %d days)\n", exp.UTC().Format(time.DateOnly), int(exp.Sub(now).Hours()/24))
	}
	if r.Error != "" {
		fmt.Fprintf(w, "error: %s\n", r.Error)
	}
}

package main

import (
	"context"
	"errors"
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
	fs.StringVar(&f.kind, "type", string(monitor.KindHTTP), "http, tcp (URL is host:port) or dns (URL is a host name)")
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

// site builds the site the flags describe, by the rules a site made through the API follows.
func (f *checkFlags) site(url string) (monitor.Site, error) {
	kind, interval := monitor.Kind(strings.ToLower(f.kind)), monitor.MaxIntervalSeconds
	p := monitor.SitePatch{Kind: &kind, URL: &url, CheckIntervalSeconds: &interval, TimeoutSeconds: &f.timeout,
		ExpectedStatusCode: &f.expected}
	if kind == monitor.KindDNS {
		p.ExpectedAddress, p.DNSServer = &f.expectedAddr, &f.dnsServer
	}
	if kind == monitor.KindHTTP {
		if err := f.httpPatch(&p); err != nil {
			return monitor.Site{}, err
		}
	}
	return monitor.NewSite(0, time.Now(), p, monitor.Limits{MinIntervalSeconds: 1})
}

func (f *checkFlags) httpPatch(p *monitor.SitePatch) error {
	p.Method, p.Body, p.IgnoreTLSErrors, p.BearerToken = &f.method, &f.body, &f.ignoreTLS, &f.bearer
	p.Keyword, p.KeywordAbsent, p.MaxResponseTimeMS = &f.keyword, &f.keywordAbsent, &f.maxResponseMS
	if len(f.headers) > 0 {
		headers := map[string]string(f.headers)
		p.Headers = &headers
	}
	if f.maxRedirects != monitor.DefaultMaxRedirects {
		p.MaxRedirects = &f.maxRedirects
	}
	if user, pass, ok := strings.Cut(f.basicAuth, ":"); ok {
		p.BasicAuth = &monitor.BasicAuth{Username: user, Password: pass}
	}
	var ranges []monitor.StatusRange
	for _, part := range strings.FieldsFunc(f.accepted, func(r rune) bool { return r == ',' || r == ' ' }) {
		r, ok := monitor.ParseStatusRange(part)
		if !ok {
			return fmt.Errorf("--accepted-status-codes: %q is not a code or range", part)
		}
		ranges = append(ranges, r)
	}
	p.AcceptedStatusCodes = &ranges
	if f.schema == "" {
		return nil
	}
	text := f.schema
	if !strings.HasPrefix(strings.TrimSpace(text), "{") {
		b, err := os.ReadFile(text)
		if err != nil {
			return fmt.Errorf("--json-schema: %w", err)
		}
		text = string(b)
	}
	if err := probe.CompileSchema(text); err != nil {
		return fmt.Errorf("--json-schema: %w", err)
	}
	p.JSONSchema = &text
	return nil
}

// checkHelp prints the usage of tocsin check.
func checkHelp(w io.Writer) {
	fs, _ := checkFlagSet()
	fs.SetOutput(w)
	fmt.Fprintln(w, "Usage: tocsin check URL [flags]\n\nChecks once, prints the verdict, and exits 0 when up, 1 when down, 2 for bad flags.\n\nFlags:")
	fs.PrintDefaults()
}

func checkFlagSet() (*flag.FlagSet, *checkFlags) {
	fs := flag.NewFlagSet("tocsin check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var f checkFlags
	f.register(fs)
	return fs, &f
}

// check runs one check from the command line, as a site with the same settings would be checked.
func check(args []string, stdout, stderr io.Writer) int {
	fs, f := checkFlagSet()
	url, rest := "", args
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		url, rest = rest[0], rest[1:]
	}
	err := fs.Parse(rest)
	if errors.Is(err, flag.ErrHelp) {
		checkHelp(stdout)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "tocsin check: %v\n\n", err)
		checkHelp(stderr)
		return 2
	}
	if url == "" && fs.NArg() == 1 {
		url = fs.Arg(0)
	} else if fs.NArg() > 0 || url == "" {
		checkHelp(stderr)
		return 2
	}
	site, err := f.site(url)
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

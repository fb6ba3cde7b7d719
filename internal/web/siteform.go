package web

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
)

// siteForm is the add and edit form of a site: every setting the API takes, as the text the
// user typed, and the errors about it. Its fields are named as the API's JSON fields are, so
// that an error monitor (or siteops) reports about a field lands beside that field. The form
// holds no rule of its own beyond reading text into numbers: it fills a monitor.SitePatch,
// and the rules that judge it are the API's.
type siteForm struct {
	Values map[string]string // by field name
	// Channels are the owner's channels, to tick those the site alerts.
	Channels []channelChoice
	// Errors are by field name; "" holds an error that is about no one field.
	Errors map[string]string
}

type channelChoice struct {
	ID      int64
	Label   string
	Checked bool
}

// The form's text fields, by the API's names. Checkboxes (paused, ignore_tls_errors,
// keyword_absent) and the channels are read apart.
var siteFormTexts = []string{
	"type", "name", "url", "check_interval_seconds", "timeout_seconds",
	"method", "headers", "body", "basic_auth_username", "basic_auth_password", "bearer_token", "max_redirects",
	"expected_status_code", "accepted_status_codes", "keyword", "json_schema", "max_response_time_ms",
	"expected_address", "dns_server", "grace_seconds",
	"failure_threshold", "retry_interval_seconds", "resend_interval_minutes",
}

var siteFormChecks = []string{"paused", "ignore_tls_errors", "keyword_absent"}

// V is a field's value, for the template.
func (f siteForm) V(name string) string { return f.Values[name] }

// On says whether a checkbox is ticked.
func (f siteForm) On(name string) bool { return f.Values[name] == "on" }

// E is the error about a field, if any.
func (f siteForm) E(name string) string { return f.Errors[name] }

// Is says whether the site is of this kind, for the form's kind-specific hints.
func (f siteForm) Is(kind string) bool {
	k := f.Values["type"]
	if k == "" {
		k = string(monitor.KindHTTP)
	}
	return k == kind
}

// formOfSite fills the edit form from a stored site; secrets are shown as monitor.Masked,
// which, sent back, keeps them.
func formOfSite(s monitor.Site) siteForm {
	v := map[string]string{
		"type": string(s.Kind), "name": s.Name, "url": s.URL,
		"check_interval_seconds": strconv.Itoa(s.CheckIntervalSeconds), "timeout_seconds": strconv.Itoa(s.TimeoutSeconds),
		"method": s.HTTP.Method, "headers": headerText(monitor.MaskHeaders(s.HTTP.Headers)), "body": s.HTTP.Body,
		"expected_status_code": strconv.Itoa(s.ExpectedStatusCode), "keyword": s.HTTP.Keyword,
		"json_schema": s.HTTP.JSONSchema, "expected_address": s.DNS.ExpectedAddress, "dns_server": s.DNS.Server,
		"failure_threshold": strconv.Itoa(s.FailureThreshold), "retry_interval_seconds": strconv.Itoa(s.RetryIntervalSeconds),
		"resend_interval_minutes": strconv.Itoa(s.ResendIntervalMinutes),
	}
	if s.Kind == monitor.KindPush {
		v["grace_seconds"] = strconv.Itoa(s.GraceSeconds)
	}
	if s.HTTP.MaxRedirects != nil {
		v["max_redirects"] = strconv.Itoa(*s.HTTP.MaxRedirects)
	}
	if s.HTTP.MaxResponseTimeMS != 0 {
		v["max_response_time_ms"] = strconv.Itoa(s.HTTP.MaxResponseTimeMS)
	}
	var codes []string
	for _, r := range s.HTTP.AcceptedStatusCodes {
		codes = append(codes, r.String())
	}
	v["accepted_status_codes"] = strings.Join(codes, ", ")
	if b := s.HTTP.BasicAuth; b != nil {
		v["basic_auth_username"], v["basic_auth_password"] = b.Username, monitor.Masked
	}
	if s.HTTP.BearerToken != "" {
		v["bearer_token"] = monitor.Masked
	}
	for name, on := range map[string]bool{"paused": s.Paused, "ignore_tls_errors": s.HTTP.IgnoreTLSErrors, "keyword_absent": s.HTTP.KeywordAbsent} {
		if on {
			v[name] = "on"
		}
	}
	return siteForm{Values: v}
}

// headerText is headers one "Name: value" a line, in name order.
func headerText(h map[string]string) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(h)) {
		fmt.Fprintf(&b, "%s: %s\n", name, h[name])
	}
	return b.String()
}

// readSiteForm reads a posted form back into the form (to show it again) and the patch it
// asks for. A blank field is left out of the patch: a new site takes the default, an edited
// one keeps its value. Only text that is not a number where one is needed is refused here,
// named by field; everything else is for the rules to judge.
func readSiteForm(post url.Values) (siteForm, monitor.SitePatch) {
	f := siteForm{Values: map[string]string{}, Errors: map[string]string{}}
	for _, name := range siteFormTexts {
		f.Values[name] = post.Get(name)
	}
	for _, name := range siteFormChecks {
		if post.Get(name) != "" {
			f.Values[name] = "on"
		}
	}
	var p monitor.SitePatch
	text := func(name string) *string {
		v := f.Values[name]
		return &v
	}
	nonBlank := func(name string) *string {
		if strings.TrimSpace(f.Values[name]) == "" {
			return nil
		}
		return text(name)
	}
	number := func(name string) *int {
		raw := strings.TrimSpace(f.Values[name])
		if raw == "" {
			return nil
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			f.Errors[name] = "must be a whole number"
			return nil
		}
		return &n
	}
	check := func(name string) *bool {
		on := f.On(name)
		return &on
	}
	if k := nonBlank("type"); k != nil {
		kind := monitor.Kind(*k)
		p.Kind = &kind
	}
	p.Name, p.URL = nonBlank("name"), text("url")
	p.CheckIntervalSeconds, p.TimeoutSeconds = number("check_interval_seconds"), number("timeout_seconds")
	p.Paused = check("paused")
	p.Method, p.Body = text("method"), text("body")
	p.MaxRedirects = number("max_redirects")
	p.IgnoreTLSErrors = check("ignore_tls_errors")
	p.BearerToken = text("bearer_token")
	user, pass := strings.TrimSpace(f.Values["basic_auth_username"]), f.Values["basic_auth_password"]
	p.BasicAuth = &monitor.BasicAuth{Username: user, Password: pass}
	p.ExpectedStatusCode = number("expected_status_code")
	p.Keyword, p.KeywordAbsent = text("keyword"), check("keyword_absent")
	p.JSONSchema = text("json_schema")
	zeroIfBlank := func(name string) *int {
		if n := number(name); n != nil {
			return n
		}
		zero := 0
		return &zero
	}
	p.MaxResponseTimeMS = zeroIfBlank("max_response_time_ms") // blank: no limit
	dnsAddress, dnsServer := text("expected_address"), text("dns_server")
	p.ExpectedAddress, p.DNSServer = dnsAddress, dnsServer
	p.GraceSeconds = number("grace_seconds")
	p.FailureThreshold = number("failure_threshold")
	p.RetryIntervalSeconds = zeroIfBlank("retry_interval_seconds")   // blank: off
	p.ResendIntervalMinutes = zeroIfBlank("resend_interval_minutes") // blank: off
	if headers, err := parseHeaders(f.Values["headers"]); err != nil {
		f.Errors["headers"] = err.Error()
	} else {
		p.Headers = &headers
	}
	if codes, err := parseStatusCodes(f.Values["accepted_status_codes"]); err != nil {
		f.Errors["accepted_status_codes"] = err.Error()
	} else {
		p.AcceptedStatusCodes = &codes
	}
	ids := []int64{}
	for _, raw := range post["channel_ids"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			f.Errors["channel_ids"] = "names a channel that is not a number"
			continue
		}
		ids = append(ids, id)
	}
	p.ChannelIDs = &ids
	return f, p
}

// parseHeaders reads "Name: value" lines; blank lines are skipped.
func parseHeaders(text string) (map[string]string, error) {
	h := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("line %d is not of the form Name: value", i+1)
		}
		h[strings.TrimSpace(name)] = strings.TrimSpace(value)
	}
	return h, nil
}

// parseStatusCodes reads codes and ranges separated by commas or spaces: "200, 300-399".
func parseStatusCodes(text string) ([]monitor.StatusRange, error) {
	codes := []monitor.StatusRange{}
	for _, item := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' }) {
		r, ok := monitor.ParseStatusRange(item)
		if !ok {
			return nil, fmt.Errorf("holds codes and ranges like 200, 300-399; %q is neither", item)
		}
		codes = append(codes, r)
	}
	return codes, nil
}

// blame puts an error from the rules beside the field it is about; it reports false for an
// error that is not the user's (the store failing, say).
func (f *siteForm) blame(err error) bool {
	var fe *monitor.FieldError
	if !errors.As(err, &fe) {
		return false
	}
	field := fe.Field
	switch {
	case field == "webhook_ids":
		field = "channel_ids"
	case !slices.Contains(siteFormTexts, field) && !slices.Contains(siteFormChecks, field) && field != "basic_auth" && field != "channel_ids":
		// A field the form has no place for: said at the top, with its name.
		f.Errors[""] = field + " " + fe.Message
		return true
	}
	f.Errors[field] = fe.Message
	return true
}

// ErrorList is the form's errors, each with the control it is about, for the summary at the
// top of the form (in field order).
func (f siteForm) ErrorList() []fieldMessage {
	var out []fieldMessage
	for _, name := range append(append(slices.Clone(siteFormTexts), siteFormChecks...), "basic_auth", "channel_ids") {
		if msg := f.Errors[name]; msg != "" {
			target := name
			switch name {
			case "basic_auth":
				target = "basic_auth_username"
			case "channel_ids":
				target = "channel_ids-label"
			}
			out = append(out, fieldMessage{Field: name, Target: target, Message: msg})
		}
	}
	return out
}

type fieldMessage struct{ Field, Target, Message string }

package api

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
)

// masked stands in for a secret in answers; sent back in a PATCH it keeps the secret as it is.
const masked = "****"

// defaultGraceSeconds is how late a push site's ping may be unless the site says otherwise.
const defaultGraceSeconds = 60

// siteRequest is the body of POST /sites and PATCH /sites/{id}; absent fields keep their value
// (or take their default, on create).
type siteRequest struct {
	Type                 *string  `json:"type"`
	URL                  *string  `json:"url"`
	Name                 *string  `json:"name"`
	CheckIntervalSeconds *int     `json:"check_interval_seconds"`
	ExpectedStatusCode   *int     `json:"expected_status_code"`
	TimeoutSeconds       *int     `json:"timeout_seconds"`
	Paused               *bool    `json:"paused"`
	FailureThreshold     *int     `json:"failure_threshold"`
	ResendInterval       *int     `json:"resend_interval_minutes"`
	RetryIntervalSeconds *int     `json:"retry_interval_seconds"`
	GraceSeconds         *int     `json:"grace_seconds"`
	WebhookIDs           *[]int64 `json:"webhook_ids"`

	// HTTP request and assertions.
	Method              *string            `json:"method"`
	Headers             *map[string]string `json:"headers"`
	Body                *string            `json:"body"`
	AcceptedStatusCodes *[]json.RawMessage `json:"accepted_status_codes"`
	MaxRedirects        *int               `json:"max_redirects"`
	IgnoreTLSErrors     *bool              `json:"ignore_tls_errors"`
	BasicAuth           *monitor.BasicAuth `json:"basic_auth"`
	BearerToken         *string            `json:"bearer_token"`
	Keyword             *string            `json:"keyword"`
	KeywordAbsent       *bool              `json:"keyword_absent"`
	JSONSchema          *json.RawMessage   `json:"json_schema"`
	MaxResponseTimeMS   *int               `json:"max_response_time_ms"`

	// DNS.
	ExpectedAddress *string `json:"expected_address"`
	DNSServer       *string `json:"dns_server"`
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// applyTo writes the fields the request holds onto the site. Secrets sent back masked keep
// their value; "" clears a text setting.
func (req siteRequest) applyTo(s *monitor.Site) error {
	if req.Type != nil {
		s.Kind = strings.ToLower(strings.TrimSpace(*req.Type))
	}
	if req.URL != nil {
		s.URL = strings.TrimSpace(*req.URL)
	}
	if req.Name != nil {
		s.Name = strings.TrimSpace(*req.Name)
	}
	set(&s.CheckIntervalSeconds, req.CheckIntervalSeconds)
	set(&s.ExpectedStatusCode, req.ExpectedStatusCode)
	set(&s.TimeoutSeconds, req.TimeoutSeconds)
	set(&s.FailureThreshold, req.FailureThreshold)
	set(&s.ResendIntervalMinutes, req.ResendInterval)
	set(&s.RetryIntervalSeconds, req.RetryIntervalSeconds)
	set(&s.GraceSeconds, req.GraceSeconds)
	set(&s.Paused, req.Paused)
	if req.WebhookIDs != nil {
		s.WebhookIDs = slices.Compact(slices.Sorted(slices.Values(*req.WebhookIDs)))
	}
	set(&s.DNS.ExpectedAddress, req.ExpectedAddress)
	set(&s.DNS.Server, req.DNSServer)
	return req.applyHTTP(&s.HTTP)
}

func (req siteRequest) applyHTTP(o *monitor.HTTPOptions) error {
	if req.Method != nil {
		o.Method = strings.ToUpper(strings.TrimSpace(*req.Method))
	}
	if req.Headers != nil {
		o.Headers = unmaskHeaders(*req.Headers, o.Headers)
	}
	set(&o.Body, req.Body)
	set(&o.IgnoreTLSErrors, req.IgnoreTLSErrors)
	set(&o.Keyword, req.Keyword)
	set(&o.KeywordAbsent, req.KeywordAbsent)
	set(&o.MaxResponseTimeMS, req.MaxResponseTimeMS)
	if req.MaxRedirects != nil {
		n := *req.MaxRedirects
		o.MaxRedirects = &n
	}
	if req.BearerToken != nil && *req.BearerToken != masked {
		o.BearerToken = strings.TrimSpace(*req.BearerToken)
	}
	if b := req.BasicAuth; b != nil {
		switch {
		case b.Username == "":
			o.BasicAuth = nil
		case b.Password == masked && o.BasicAuth != nil:
			o.BasicAuth = &monitor.BasicAuth{Username: b.Username, Password: o.BasicAuth.Password}
		default:
			o.BasicAuth = &monitor.BasicAuth{Username: b.Username, Password: b.Password}
		}
	}
	if req.AcceptedStatusCodes != nil {
		ranges, err := parseStatusCodes(*req.AcceptedStatusCodes)
		if err != nil {
			return err
		}
		o.AcceptedStatusCodes = ranges
	}
	if req.JSONSchema != nil {
		schema, err := schemaText(*req.JSONSchema)
		if err != nil {
			return err
		}
		o.JSONSchema = schema
	}
	return nil
}

// parseStatusCodes reads a list of codes (200) and ranges ("200-299").
func parseStatusCodes(items []json.RawMessage) ([]monitor.StatusRange, error) {
	ranges := make([]monitor.StatusRange, 0, len(items))
	for _, raw := range items {
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			text = string(raw) // a number
		}
		r, ok := monitor.ParseStatusRange(text)
		if !ok {
			return nil, badField("accepted_status_codes", `accepted_status_codes holds codes and ranges, like [200, "300-399"]; `+string(raw)+" is neither")
		}
		ranges = append(ranges, r)
	}
	return ranges, nil
}

// schemaText takes a schema as a JSON value, or as a string holding one; "" clears it.
func schemaText(raw json.RawMessage) (string, error) {
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		raw = json.RawMessage(text)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return "", nil
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return "", badField("json_schema", "json_schema must be a JSON Schema, as an object or a string holding one")
	}
	return compact.String(), nil
}

// secretHeader reports whether a header's value is a credential, to be masked in answers.
func secretHeader(name string) bool {
	n := strings.ToLower(name)
	for _, word := range []string{"auth", "token", "key", "secret", "cookie", "password", "session"} {
		if strings.Contains(n, word) {
			return true
		}
	}
	return false
}

// unmaskHeaders keeps the stored value of a secret header sent back masked.
func unmaskHeaders(sent, stored map[string]string) map[string]string {
	out := maps.Clone(sent)
	for name, value := range out {
		if value == masked {
			out[name] = stored[name]
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func maskHeaders(h map[string]string) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for name, value := range h {
		if secretHeader(name) {
			value = masked
		}
		out[name] = value
	}
	return out
}

// newPushToken gives a push site the secret of its ping URL.
func newPushToken(s *monitor.Site) error {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	s.PushToken = base64.RawURLEncoding.EncodeToString(b)
	return nil
}

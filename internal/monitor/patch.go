package monitor

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
)

// Masked stands in for a secret wherever a site is shown; sent back in a patch, it keeps the
// stored secret.
const Masked = "****"

// SitePatch is a change to a site's settings, as a user asks for it through any front end (the
// JSON API decodes into it, a form fills it in): a nil field keeps the site's value, or, for a
// new site, takes its default (see NewSite). Empty text clears a text setting; a secret sent
// back as Masked keeps the stored one.
type SitePatch struct {
	Kind                  *Kind    `json:"type"`
	URL                   *string  `json:"url"`
	Name                  *string  `json:"name"`
	CheckIntervalSeconds  *int     `json:"check_interval_seconds"`
	ExpectedStatusCode    *int     `json:"expected_status_code"`
	TimeoutSeconds        *int     `json:"timeout_seconds"`
	Paused                *bool    `json:"paused"`
	FailureThreshold      *int     `json:"failure_threshold"`
	ResendIntervalMinutes *int     `json:"resend_interval_minutes"`
	RetryIntervalSeconds  *int     `json:"retry_interval_seconds"`
	GraceSeconds          *int     `json:"grace_seconds"`
	WebhookIDs            *[]int64 `json:"webhook_ids"`
	// ChannelIDs is WebhookIDs under the name it has since channels have types; a patch may
	// give either, or both when they name the same channels.
	ChannelIDs *[]int64 `json:"channel_ids"`

	// HTTP request and assertions.
	Method  *string            `json:"method"`
	Headers *map[string]string `json:"headers"` // replaces every header
	Body    *string            `json:"body"`
	// AcceptedStatusCodes and JSONSchema have no one JSON form (a code is a number or a
	// range's text; a schema is an object or text holding one): each front end reads its own.
	AcceptedStatusCodes *[]StatusRange `json:"-"`
	MaxRedirects        *int           `json:"max_redirects"`
	IgnoreTLSErrors     *bool          `json:"ignore_tls_errors"`
	// BasicAuth with an empty username removes basic authentication.
	BasicAuth     *BasicAuth `json:"basic_auth"`
	BearerToken   *string    `json:"bearer_token"`
	Keyword       *string    `json:"keyword"`
	KeywordAbsent *bool      `json:"keyword_absent"`
	// JSONSchema is the schema's JSON text; "" removes it.
	JSONSchema        *string `json:"-"`
	MaxResponseTimeMS *int    `json:"max_response_time_ms"`

	// DNS.
	ExpectedAddress *string `json:"expected_address"`
	DNSServer       *string `json:"dns_server"`
}

// ApplyTo writes the patch onto s and validates the result against l; on an error, s is left
// as it was. A site that becomes a push site gets a new ping token (and the default grace,
// unless the patch sets one); a site that stops being one loses its token.
func (p SitePatch) ApplyTo(s *Site, l Limits) error {
	next := *s
	if err := p.write(&next); err != nil {
		return err
	}
	if next.Kind != s.Kind {
		next.PushToken = ""
		if next.Kind == KindPush {
			next.becomePush(p)
		}
	}
	if err := p.blame(next.Validate(l)); err != nil {
		return err
	}
	*s = next
	return nil
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func setTrimmed(dst *string, src *string) {
	if src != nil {
		*dst = strings.TrimSpace(*src)
	}
}

// write copies the fields the patch sets onto s, without judging them.
func (p SitePatch) write(s *Site) error {
	if p.Kind != nil {
		s.Kind = Kind(strings.ToLower(strings.TrimSpace(string(*p.Kind))))
		if s.Kind == "" {
			s.Kind = KindHTTP
		}
	}
	setTrimmed(&s.URL, p.URL)
	setTrimmed(&s.Name, p.Name)
	set(&s.CheckIntervalSeconds, p.CheckIntervalSeconds)
	set(&s.ExpectedStatusCode, p.ExpectedStatusCode)
	set(&s.TimeoutSeconds, p.TimeoutSeconds)
	set(&s.Paused, p.Paused)
	set(&s.FailureThreshold, p.FailureThreshold)
	set(&s.ResendIntervalMinutes, p.ResendIntervalMinutes)
	set(&s.RetryIntervalSeconds, p.RetryIntervalSeconds)
	set(&s.GraceSeconds, p.GraceSeconds)
	if ids, err := p.channelIDs(); err != nil {
		return err
	} else if ids != nil {
		s.WebhookIDs = ids
	}
	set(&s.DNS.ExpectedAddress, p.ExpectedAddress)
	set(&s.DNS.Server, p.DNSServer)
	return p.writeHTTP(&s.HTTP)
}

func (p SitePatch) writeHTTP(o *HTTPOptions) error {
	if p.Method != nil {
		o.Method = strings.ToUpper(strings.TrimSpace(*p.Method))
	}
	if p.Headers != nil {
		o.Headers = unmaskHeaders(*p.Headers, o.Headers)
	}
	set(&o.Body, p.Body)
	set(&o.IgnoreTLSErrors, p.IgnoreTLSErrors)
	set(&o.Keyword, p.Keyword)
	set(&o.KeywordAbsent, p.KeywordAbsent)
	set(&o.MaxResponseTimeMS, p.MaxResponseTimeMS)
	if p.MaxRedirects != nil {
		n := *p.MaxRedirects
		o.MaxRedirects = &n
	}
	if p.BearerToken != nil && *p.BearerToken != Masked {
		o.BearerToken = strings.TrimSpace(*p.BearerToken)
	}
	if b := p.BasicAuth; b != nil {
		switch {
		case b.Username == "":
			o.BasicAuth = nil
		case b.Password == Masked && o.BasicAuth != nil:
			o.BasicAuth = &BasicAuth{Username: b.Username, Password: o.BasicAuth.Password}
		default:
			o.BasicAuth = &BasicAuth{Username: b.Username, Password: b.Password}
		}
	}
	if p.AcceptedStatusCodes != nil {
		o.AcceptedStatusCodes = slices.Clone(*p.AcceptedStatusCodes)
	}
	if p.JSONSchema != nil {
		schema, err := compactSchema(*p.JSONSchema)
		if err != nil {
			return err
		}
		o.JSONSchema = schema
	}
	return nil
}

// compactSchema keeps a schema as compact JSON text; blank text removes it. Whether it is a
// valid JSON Schema is the checker's business (probe.CompileSchema), when the site is saved.
func compactSchema(text string) (string, error) {
	if strings.TrimSpace(text) == "" {
		return "", nil
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(text)); err != nil {
		return "", fieldErr("json_schema", "must be a JSON Schema: a JSON object, or text holding one")
	}
	return compact.String(), nil
}

// sets reports whether the patch sets the field of that (JSON) name; only the fields that
// other fields' bounds depend on are known.
func (p SitePatch) sets(field string) bool {
	switch field {
	case "check_interval_seconds":
		return p.CheckIntervalSeconds != nil
	case "timeout_seconds":
		return p.TimeoutSeconds != nil
	case "retry_interval_seconds":
		return p.RetryIntervalSeconds != nil
	case "max_response_time_ms":
		return p.MaxResponseTimeMS != nil
	}
	return false
}

// blame turns an error about two settings that do not fit together towards the one the patch
// changed: lowering the interval below the stored timeout is the interval's fault.
func (p SitePatch) blame(err error) error {
	var fe *FieldError
	if errors.As(err, &fe) && fe.against != nil && p.sets(fe.against.Field) && !p.sets(fe.Field) {
		return fe.against
	}
	return err
}

// SecretHeader reports whether a header's value is a credential, to be shown as Masked.
func SecretHeader(name string) bool {
	n := strings.ToLower(name)
	for _, word := range []string{"auth", "token", "key", "secret", "cookie", "password", "session"} {
		if strings.Contains(n, word) {
			return true
		}
	}
	return false
}

// MaskHeaders is headers as they may be shown: secret values Masked. Nil when there are none.
func MaskHeaders(h map[string]string) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for name, value := range h {
		if SecretHeader(name) {
			value = Masked
		}
		out[name] = value
	}
	return out
}

// unmaskHeaders keeps the stored value of a secret header sent back masked.
func unmaskHeaders(sent, stored map[string]string) map[string]string {
	out := maps.Clone(sent)
	for name, value := range out {
		if value == Masked {
			out[name] = stored[name]
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// channelIDs is the list of channels the patch names, sorted and without repeats, from
// channel_ids or its alias webhook_ids; nil when it names none.
func (p SitePatch) channelIDs() ([]int64, error) {
	norm := func(ids *[]int64) []int64 {
		if ids == nil {
			return nil
		}
		return append([]int64{}, slices.Compact(slices.Sorted(slices.Values(*ids)))...)
	}
	webhooks, channels := norm(p.WebhookIDs), norm(p.ChannelIDs)
	switch {
	case p.ChannelIDs == nil:
		return webhooks, nil
	case p.WebhookIDs != nil && !slices.Equal(webhooks, channels):
		return nil, fieldErr("channel_ids", "names other channels than webhook_ids, its alias; give one of them")
	}
	return channels, nil
}

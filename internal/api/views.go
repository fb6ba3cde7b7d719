package api

import (
	"encoding/json"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// siteView is a site as the API shows it.
type siteView struct {
	ID       int64  `json:"id"`
	Type     string `json:"type"`
	URL      string `json:"url"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Flapping bool   `json:"flapping"` // its status keeps changing; see monitor.Flap
	// InMaintenance: a maintenance window covers the site now; its outage alerts are held.
	InMaintenance        bool       `json:"in_maintenance"`
	ResponseTimeMS       *int64     `json:"response_time_ms"`
	LastChecked          *time.Time `json:"last_checked"`
	LastStatusChange     *time.Time `json:"last_status_change"`
	LastStatusCode       *int       `json:"last_status_code"`
	LastError            *string    `json:"last_error"`
	CheckIntervalSeconds int        `json:"check_interval_seconds"`
	ExpectedStatusCode   int        `json:"expected_status_code"`
	TimeoutSeconds       int        `json:"timeout_seconds"`
	Paused               bool       `json:"paused"`
	FailureThreshold     int        `json:"failure_threshold"`
	ResendInterval       int        `json:"resend_interval_minutes"`
	WebhookIDs           []int64    `json:"webhook_ids"`
	ChannelIDs           []int64    `json:"channel_ids"` // the same list as webhook_ids
	RetryIntervalSeconds int        `json:"retry_interval_seconds"`
	NextCheckAt          *time.Time `json:"next_check_at"`
	CreatedAt            time.Time  `json:"created_at"`
	// Alerting is "no webhook" when the site's alerts would go nowhere (no channel of its own,
	// no default channel); absent otherwise.
	Alerting string `json:"alerting,omitempty"`

	// http
	Method              string             `json:"method,omitempty"`
	Headers             map[string]string  `json:"headers,omitempty"` // credentials masked
	Body                string             `json:"body,omitempty"`
	AcceptedStatusCodes []any              `json:"accepted_status_codes,omitempty"`
	MaxRedirects        *int               `json:"max_redirects,omitempty"`
	IgnoreTLSErrors     bool               `json:"ignore_tls_errors,omitempty"`
	BasicAuth           *monitor.BasicAuth `json:"basic_auth,omitempty"`   // password masked
	BearerToken         string             `json:"bearer_token,omitempty"` // masked
	Keyword             string             `json:"keyword,omitempty"`
	KeywordAbsent       bool               `json:"keyword_absent,omitempty"`
	JSONSchema          json.RawMessage    `json:"json_schema,omitempty"`
	MaxResponseTimeMS   int                `json:"max_response_time_ms,omitempty"`
	CertExpiresAt       *time.Time         `json:"cert_expires_at,omitempty"`
	CertDaysLeft        *int               `json:"cert_days_left,omitempty"`
	Latency             *latencyView       `json:"latency,omitempty"`

	// dns
	ExpectedAddress string `json:"expected_address,omitempty"`
	DNSServer       string `json:"dns_server,omitempty"`

	// push
	PushURL      string     `json:"push_url,omitempty"`
	GraceSeconds *int       `json:"grace_seconds,omitempty"`
	LastPingAt   *time.Time `json:"last_ping_at,omitempty"`
}

// latencyView is the continuous latency watch's verdict on a site.
type latencyView struct {
	Degraded   bool  `json:"degraded"`
	BaselineMS int64 `json:"baseline_ms"` // the median of the recent response times
}

func viewSite(s monitor.Site) siteView {
	v := siteView{
		ID: s.ID, URL: s.URL, Name: s.Name, Status: string(s.Status), Flapping: s.Flap.Flapping, InMaintenance: s.InMaintenance, ResponseTimeMS: s.ResponseTimeMS,
		LastChecked: s.LastChecked, LastStatusChange: s.LastStatusChange,
		LastStatusCode: nonZero(s.StatusCode), LastError: nonEmpty(s.LastError),
		CheckIntervalSeconds: s.CheckIntervalSeconds, ExpectedStatusCode: s.ExpectedStatusCode,
		TimeoutSeconds: s.TimeoutSeconds, Paused: s.Paused, CreatedAt: s.CreatedAt,
		FailureThreshold: s.FailureThreshold, ResendInterval: s.ResendIntervalMinutes, WebhookIDs: s.WebhookIDs,
	}
	if v.WebhookIDs == nil {
		v.WebhookIDs = []int64{}
	}
	v.ChannelIDs = v.WebhookIDs
	v.RetryIntervalSeconds, v.Alerting = s.RetryIntervalSeconds, s.Alerting
	v.Type = string(s.Kind)
	switch s.Kind {
	case monitor.KindHTTP, "":
		v.Type = string(monitor.KindHTTP)
		viewHTTP(&v, s)
	case monitor.KindDNS:
		v.ExpectedAddress, v.DNSServer = s.DNS.ExpectedAddress, s.DNS.Server
	case monitor.KindPush:
		grace := s.GraceSeconds
		v.PushURL, v.GraceSeconds, v.LastPingAt = "/push/"+s.PushToken, &grace, s.LastPingAt
	}
	if !s.Paused {
		next := s.NextCheckAt
		v.NextCheckAt = &next
	}
	return v
}

func viewSites(sites []monitor.Site) []siteView {
	out := make([]siteView, len(sites))
	for i, s := range sites {
		out[i] = viewSite(s)
	}
	return out
}

// checkView is one entry of a site's history.
type checkView struct {
	CheckedAt      time.Time    `json:"checked_at"`
	Status         string       `json:"status"`
	StatusCode     *int         `json:"status_code"`
	ResponseTimeMS int64        `json:"response_time_ms"`
	Error          *string      `json:"error"`
	Timings        *timingsView `json:"timings,omitempty"`
	// Held is set on a check held while Tocsin could not reach the network: history only.
	Held bool `json:"held,omitempty"`
}

// timingsView is where an HTTP check's time went, in milliseconds.
type timingsView struct {
	DNSMS              float64 `json:"dns_ms"`
	ConnectMS          float64 `json:"connect_ms"`
	TLSMS              float64 `json:"tls_ms"`
	ServerProcessingMS float64 `json:"server_processing_ms"`
	TransferMS         float64 `json:"transfer_ms"`
}

func milliseconds(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func viewCheck(c monitor.Check) checkView {
	v := checkView{CheckedAt: c.CheckedAt, Status: string(c.Status), StatusCode: nonZero(c.StatusCode),
		ResponseTimeMS: c.ResponseTimeMS(), Error: nonEmpty(c.Error), Held: c.Held}
	if t := c.Timings; t != nil {
		v.Timings = &timingsView{milliseconds(t.DNS), milliseconds(t.Connect), milliseconds(t.TLS),
			milliseconds(t.ServerProcessing), milliseconds(t.Transfer)}
	}
	return v
}

// eventView is one status change.
type eventView struct {
	Kind   string    `json:"kind"` // status, latency or flapping
	At     time.Time `json:"at"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
}

func viewEvent(e monitor.Event) eventView {
	kind := e.Kind
	if kind == "" {
		kind = monitor.EventStatus
	}
	return eventView{Kind: string(kind), At: e.At, From: string(e.From), To: string(e.To), Reason: e.Reason}
}

func nonZero(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func viewHTTP(v *siteView, s monitor.Site) {
	o := s.HTTP
	v.Method = o.Method
	if v.Method == "" {
		v.Method = "GET"
	}
	redirects := o.Redirects()
	v.Headers, v.Body, v.MaxRedirects, v.IgnoreTLSErrors = monitor.MaskHeaders(o.Headers), o.Body, &redirects, o.IgnoreTLSErrors
	v.Keyword, v.KeywordAbsent, v.MaxResponseTimeMS = o.Keyword, o.KeywordAbsent, o.MaxResponseTimeMS
	for _, r := range o.AcceptedStatusCodes {
		if r.From == r.To {
			v.AcceptedStatusCodes = append(v.AcceptedStatusCodes, r.From)
		} else {
			v.AcceptedStatusCodes = append(v.AcceptedStatusCodes, r.String())
		}
	}
	if o.BasicAuth != nil {
		v.BasicAuth = &monitor.BasicAuth{Username: o.BasicAuth.Username, Password: monitor.Masked}
	}
	if o.BearerToken != "" {
		v.BearerToken = monitor.Masked
	}
	if o.JSONSchema != "" {
		v.JSONSchema = json.RawMessage(o.JSONSchema)
	}
	if exp := s.CertExpiresAt; exp != nil {
		days := int(time.Until(*exp).Hours() / 24)
		v.CertExpiresAt, v.CertDaysLeft = exp, &days
	}
	if len(s.Latency.Window) > 0 {
		v.Latency = &latencyView{Degraded: s.Latency.Degraded, BaselineMS: s.Latency.BaselineMS()}
	}
}

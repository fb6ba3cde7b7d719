package webhook

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

// Message is one request: its body and its delivery id.
type Message struct {
	Delivery string
	Body     []byte
}

// Body is the JSON a webhook channel receives, one alert per request. The README documents
// every field.
type Body struct {
	ID              int64      `json:"id"` // the delivery id: the same on every retry
	Kind            string     `json:"kind"`
	Severity        string     `json:"severity"` // bad, warning, good or info
	Title           string     `json:"title"`
	Site            *BodySite  `json:"site"` // null for an alert about no site
	At              time.Time  `json:"at"`
	StatusCode      *int       `json:"status_code"`
	Error           *string    `json:"error"`
	ResponseTimeMS  int64      `json:"response_time_ms"`
	DownSince       *time.Time `json:"down_since"`
	DowntimeSeconds *int64     `json:"downtime_seconds"`
	CertExpiresAt   *time.Time `json:"cert_expires_at,omitempty"`
	CertDaysLeft    *int       `json:"cert_days_left,omitempty"`
	BaselineMS      *int64     `json:"baseline_ms,omitempty"`
	// Status and Changes tell of a flapping site: its status (the one it settled in, for
	// settled) and its status changes within the last 21 checks.
	Status  string `json:"status,omitempty"`
	Changes int    `json:"changes,omitempty"`
}

// BodySite is the site an alert is about.
type BodySite struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Limits on the texts of a body; what is longer is cut.
const (
	maxNameRunes  = 200
	maxURLRunes   = 2048
	maxErrorRunes = 1000
)

func severityName(s channel.Severity) string {
	switch s {
	case channel.Bad:
		return "bad"
	case channel.Warning:
		return "warning"
	case channel.Good:
		return "good"
	}
	return "info"
}

// NewBody is the body of one notification.
func NewBody(id int64, a monitor.Alert) Body {
	b := Body{ID: id, Kind: string(a.Kind), Severity: severityName(channel.SeverityOf(a)),
		Title: channel.Title(a, func(s string) string { return s }, 100), At: a.At.UTC(), ResponseTimeMS: a.ResponseTimeMS,
		DownSince: a.DownSince, CertExpiresAt: a.CertExpiresAt}
	if a.SiteID != 0 || a.SiteName != "" {
		b.Site = &BodySite{ID: a.SiteID, Name: channel.Truncate(a.SiteName, maxNameRunes), URL: channel.Truncate(a.URL, maxURLRunes)}
	}
	if a.StatusCode != 0 {
		code := a.StatusCode
		b.StatusCode = &code
	}
	if a.Error != "" {
		e := channel.Truncate(a.Error, maxErrorRunes)
		b.Error = &e
	}
	if d, ok := channel.Downtime(a); ok {
		s := int64(d.Seconds())
		b.DowntimeSeconds = &s
	}
	if a.Kind == monitor.AlertFlapping || a.Kind == monitor.AlertSettled {
		b.Status, b.Changes = string(a.SiteStatus), a.Changes
	}
	if a.Kind == monitor.AlertCertExpiring {
		days := a.CertDaysLeft
		b.CertDaysLeft = &days
	}
	if a.BaselineMS != 0 {
		ms := a.BaselineMS
		b.BaselineMS = &ms
	}
	return b
}

// Pack sends one request per alert: a receiver handles one alert at a time.
func (d *Driver) Pack(ns []monitor.Notification) []channel.Batch {
	batches := make([]channel.Batch, 0, len(ns))
	for i, n := range ns {
		body, err := encode(NewBody(n.ID, n.Alert))
		if err != nil { // only a time beyond year 9999 does not encode: send the rest
			a := n.Alert
			a.At, a.DownSince, a.CertExpiresAt = time.Time{}, nil, nil
			body, _ = encode(NewBody(n.ID, a))
		}
		batches = append(batches, channel.Batch{Message: Message{Delivery: strconv.FormatInt(n.ID, 10), Body: body}, Alerts: []int{i}})
	}
	return batches
}

// Test is a body of kind "test", with a delivery id of its own.
func (d *Driver) Test(c monitor.Channel) channel.Message {
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	at := now().UTC().Truncate(time.Second)
	body, _ := encode(Body{Kind: "test", Severity: "info", Title: "✅ Tocsin can post to this webhook", At: at})
	return Message{Delivery: "test-" + strconv.FormatInt(at.Unix(), 10), Body: body}
}

// encode writes a body as JSON, leaving <, > and & as they are: a receiver reads JSON, not HTML.
func encode(b Body) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

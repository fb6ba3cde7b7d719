package api

import (
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// siteView is a site as the API shows it; the field names are the first seed's.
type siteView struct {
	ID                   int64      `json:"id"`
	URL                  string     `json:"url"`
	Name                 string     `json:"name"`
	Status               string     `json:"status"`
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
	NextCheckAt          *time.Time `json:"next_check_at"`
	CreatedAt            time.Time  `json:"created_at"`
}

func viewSite(s monitor.Site) siteView {
	v := siteView{
		ID: s.ID, URL: s.URL, Name: s.Name, Status: string(s.Status), ResponseTimeMS: s.ResponseTimeMS,
		LastChecked: s.LastChecked, LastStatusChange: s.LastStatusChange,
		LastStatusCode: nonZero(s.StatusCode), LastError: nonEmpty(s.LastError),
		CheckIntervalSeconds: s.CheckIntervalSeconds, ExpectedStatusCode: s.ExpectedStatusCode,
		TimeoutSeconds: s.TimeoutSeconds, Paused: s.Paused, CreatedAt: s.CreatedAt,
		FailureThreshold: s.FailureThreshold, ResendInterval: s.ResendIntervalMinutes, WebhookIDs: s.WebhookIDs,
	}
	if v.WebhookIDs == nil {
		v.WebhookIDs = []int64{}
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
	CheckedAt      time.Time `json:"checked_at"`
	Status         string    `json:"status"`
	StatusCode     *int      `json:"status_code"`
	ResponseTimeMS int64     `json:"response_time_ms"`
	Error          *string   `json:"error"`
}

func viewCheck(c monitor.Check) checkView {
	return checkView{CheckedAt: c.CheckedAt, Status: string(c.Status), StatusCode: nonZero(c.StatusCode),
		ResponseTimeMS: c.ResponseTimeMS(), Error: nonEmpty(c.Error)}
}

// eventView is one status change.
type eventView struct {
	At     time.Time `json:"at"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
}

func viewEvent(e monitor.Event) eventView {
	return eventView{At: e.At, From: string(e.From), To: string(e.To), Reason: e.Reason}
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

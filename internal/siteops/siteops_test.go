package siteops

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

type countingChecker struct{ n int }

func (c *countingChecker) CheckNow(context.Context, monitor.Site) (store.Recorded, error) {
	c.n++
	return store.Recorded{}, nil
}

func TestRulesBeyondTheSiteNameTheirField(t *testing.T) {
	st := storetest.OpenSQLite(t)
	checker := &countingChecker{}
	s := &Sites{Store: st, Checker: checker, Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Limits: monitor.Limits{MinIntervalSeconds: 10},
		TargetCheck: func(raw string) error {
			if raw == "http://169.254.169.254/" {
				return errors.New("a cloud metadata address")
			}
			return nil
		}}
	ctx := context.Background()
	str := func(v string) *string { return &v }
	tests := []struct {
		patch monitor.SitePatch
		field string
	}{
		{monitor.SitePatch{URL: str("http://169.254.169.254/")}, "url"},
		{monitor.SitePatch{URL: str("https://a.example"), JSONSchema: str(`{"type": 12}`)}, "json_schema"},
		{monitor.SitePatch{URL: str("https://a.example"), ChannelIDs: &[]int64{99}}, "channel_ids"},
		{monitor.SitePatch{URL: str("https://a.example"), WebhookIDs: &[]int64{99}}, "webhook_ids"},
		{monitor.SitePatch{URL: str("https://a.example"), TimeoutSeconds: new(int)}, "timeout_seconds"}, // monitor's own rules
	}
	for _, tt := range tests {
		_, err := s.Add(ctx, 0, tt.patch)
		var fe *monitor.FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%+v: %v, want an error about %s", tt.patch, err, tt.field)
		}
	}
	if checker.n != 0 {
		t.Errorf("refused sites were checked %d times", checker.n)
	}
	site, err := s.Add(ctx, 0, monitor.SitePatch{URL: str("https://a.example")})
	if err != nil || checker.n != 1 {
		t.Fatalf("add: %v, %d checks", err, checker.n)
	}
	paused := true
	updated, err := s.Update(ctx, site, monitor.SitePatch{Paused: &paused})
	if err != nil || !updated.Paused {
		t.Errorf("update: %v %+v", err, updated)
	}
	// Pausing is a monitoring event, whichever front end paused: the paused time is left out
	// of the uptime.
	events, err := st.Events(ctx, 0, site.ID, store.HistoryQuery{Limit: 10})
	if err != nil || len(events) == 0 || events[0].Kind != monitor.EventMonitoring || events[0].To != monitor.EventState(monitor.MonitoringPaused) {
		t.Errorf("after pausing, the newest event is %+v (%v)", events, err)
	}
	if _, err := s.Update(ctx, updated, monitor.SitePatch{URL: str("http://169.254.169.254/")}); err == nil {
		t.Error("an update is held to the target policy too")
	}
}

// Package siteops adds, changes and checks sites the way every front end does: the JSON API
// and the dashboard's forms both go through it, so a site passes one set of rules whichever
// way it comes in. monitor holds the rules a site's settings follow on their own; here are the
// ones that need more than the site: the deployment's target policy, whether a JSON Schema
// compiles, and whether the channels a site names are its owner's.
package siteops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/probe"
	"github.com/tocsin/tocsin/internal/store"
)

// Store is what adding and changing sites reads and writes.
type Store interface {
	CreateSite(ctx context.Context, site monitor.Site) (monitor.Site, error)
	Site(ctx context.Context, owner, id int64) (monitor.Site, error)
	UpdateSite(ctx context.Context, site monitor.Site, reschedule bool) (monitor.Site, error)
	Channel(ctx context.Context, owner, id int64) (monitor.Channel, error)
	RecordMonitoring(ctx context.Context, owner int64, ev monitor.Event) error
}

// Checker runs a check of a site now and records it; the scheduler is one.
type Checker interface {
	CheckNow(ctx context.Context, site monitor.Site) (store.Recorded, error)
}

// Sites applies the rules. Its zero FirstCheckWait waits 30 seconds at most.
type Sites struct {
	Store   Store
	Checker Checker
	Now     func() time.Time
	Log     *slog.Logger
	Limits  monitor.Limits
	// TargetCheck refuses site URLs that may never be checked (cloud metadata addresses); nil
	// allows all.
	TargetCheck func(rawURL string) error
	// FirstCheckWait bounds how long Add waits for a new site's first check.
	FirstCheckWait time.Duration
	// Rescheduled, if set, is called when an edit moved a site's next check, so the scheduler
	// looks for due sites at once instead of at its next poll.
	Rescheduled func()
}

// IDsField is the name a patch gave its list of channels under, for errors about it.
func IDsField(p monitor.SitePatch) string {
	if p.ChannelIDs != nil {
		return "channel_ids"
	}
	return "webhook_ids"
}

// CheckRefs checks what monitor's rules cannot: that an http site's URL may be checked at
// all, that its JSON Schema compiles, and that every channel it names is the owner's (any
// type: webhook_ids and channel_ids name the same rows). Errors are *monitor.FieldError;
// idsField is the name the request gave the list of channels under.
func (s *Sites) CheckRefs(ctx context.Context, site monitor.Site, idsField string) error {
	if err := s.CheckTarget(site); err != nil {
		return err
	}
	for _, id := range site.WebhookIDs {
		if _, err := s.Store.Channel(ctx, site.OwnerID, id); errors.Is(err, store.ErrNotFound) {
			return &monitor.FieldError{Field: idsField, Message: fmt.Sprintf("names channel %d, which does not exist", id)}
		} else if err != nil {
			return err
		}
	}
	return nil
}

// CheckTarget is CheckRefs without the channels, for callers that know them already.
func (s *Sites) CheckTarget(site monitor.Site) error {
	if s.TargetCheck != nil && site.Kind == monitor.KindHTTP {
		if err := s.TargetCheck(site.URL); err != nil {
			return &monitor.FieldError{Field: "url", Message: "is not allowed: " + err.Error()}
		}
	}
	if schema := site.HTTP.JSONSchema; schema != "" {
		if err := probe.CompileSchema(schema); err != nil {
			return &monitor.FieldError{Field: "json_schema", Message: "is not a valid JSON Schema: " + err.Error()}
		}
	}
	return nil
}

// Add makes a site of owner's from the patch, stores it and, unless it is paused or a push
// site, checks it once, waiting for the result a little while (see FirstCheckWait). It
// returns the site as it then stands.
func (s *Sites) Add(ctx context.Context, owner int64, patch monitor.SitePatch) (monitor.Site, error) {
	site, err := monitor.NewSite(owner, s.Now(), patch, s.Limits)
	if err != nil {
		return monitor.Site{}, err
	}
	if err := s.CheckRefs(ctx, site, IDsField(patch)); err != nil {
		return monitor.Site{}, err
	}
	created, err := s.Store.CreateSite(ctx, site)
	if err != nil {
		return monitor.Site{}, err
	}
	if !created.Paused && created.Kind != monitor.KindPush {
		s.firstCheck(ctx, created)
		if fresh, err := s.Store.Site(ctx, created.OwnerID, created.ID); err == nil {
			created = fresh
		}
	}
	return created, nil
}

// firstCheck checks a new site and waits for the result: the check's timeout and a little more,
// at most FirstCheckWait. Past that the site stays pending; the check goes on and is recorded.
func (s *Sites) firstCheck(ctx context.Context, site monitor.Site) {
	wait := s.FirstCheckWait
	if wait <= 0 {
		wait = 30 * time.Second
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := s.Checker.CheckNow(ctx, site); err != nil {
			s.Log.Warn("first check of a new site failed to run", "site_id", site.ID, "err", err)
		}
	}()
	timer := time.NewTimer(min(site.Timeout()+2*time.Second, wait))
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
	}
}

// Update applies the patch to the site before, stores the result and reschedules its next
// check when the change calls for it (monitor.NextCheckAfterEdit). A site paused or resumed
// gets its monitoring event, which leaves the paused time out of its uptime.
func (s *Sites) Update(ctx context.Context, before monitor.Site, patch monitor.SitePatch) (monitor.Site, error) {
	after := before
	if err := patch.ApplyTo(&after, s.Limits); err != nil {
		return monitor.Site{}, err
	}
	if err := s.CheckRefs(ctx, after, IDsField(patch)); err != nil {
		return monitor.Site{}, err
	}
	now := monitor.StoredTime(s.Now())
	next, reschedule := monitor.NextCheckAfterEdit(before, after, now)
	after.NextCheckAt = next
	updated, err := s.Store.UpdateSite(ctx, after, reschedule)
	if err != nil {
		return monitor.Site{}, err
	}
	if reschedule && s.Rescheduled != nil {
		s.Rescheduled()
	}
	if updated.Paused != before.Paused {
		ev := monitor.PauseEvent(updated.ID, now, updated.Paused)
		if err := s.Store.RecordMonitoring(ctx, updated.OwnerID, ev); err != nil {
			return monitor.Site{}, err
		}
	}
	return updated, nil
}

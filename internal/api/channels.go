package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/store"
)

// /channels holds every channel of every type; /webhooks shows the discord ones as webhooks.

// channelRequest is the body of POST /channels and PATCH /channels/{id}: the changes every
// front end reads the same way (channels.Changes).
type channelRequest struct {
	channels.Changes
}

func (h *Handler) createChannel(w http.ResponseWriter, r *http.Request) error {
	dryRun, err := boolParam(r, "dry_run")
	if err != nil {
		return err
	}
	var req channelRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	made, err := channels.Create(r.Context(), h.channels, owner(r), h.now(), req.Changes)
	if err != nil {
		return channelError(err)
	}
	if dryRun {
		return reply(w, http.StatusOK, viewChannel(made.Channel, made.Driver, channels.SecretFields()...))
	}
	if req.Name == nil && made.Channel.Kind() == monitor.ChannelDiscord {
		// A Discord channel is a webhook: set again without a name, it keeps the one it has.
		if name := h.keptWebhookName(r, made.Channel); name != "" {
			made.Channel.Name = name
		}
	}
	saved, err := h.store.CreateChannel(r.Context(), made.Channel)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/channels/%d", saved.ID))
	return reply(w, http.StatusCreated, viewChannel(saved, made.Driver, made.Made...))
}

func (h *Handler) updateChannel(w http.ResponseWriter, r *http.Request) error {
	dryRun, err := boolParam(r, "dry_run")
	if err != nil {
		return err
	}
	before, _, err := h.channelFromPath(r)
	if err != nil {
		return err
	}
	var req channelRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	changed, err := channels.Update(r.Context(), h.channels, before, req.Changes)
	if err != nil {
		return channelError(err)
	}
	if dryRun {
		return reply(w, http.StatusOK, viewChannel(changed.Channel, changed.Driver, channels.SecretFields()...))
	}
	saved, err := h.store.UpdateChannel(r.Context(), changed.Channel, store.KeepOtherDefaults)
	if errors.Is(err, store.ErrChannelExists) {
		return &Error{Status: http.StatusConflict, Code: "channel_exists", Field: "url", Message: "url: you already have a channel with this Discord webhook"}
	}
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, viewChannel(saved, changed.Driver, changed.Made...))
}

// channelError answers a destination that could not check a channel: 429 when it rate limits
// Tocsin, 502 when it did not answer. Field errors pass on as 400s.
func channelError(err error) error {
	var dest *channels.DestinationError
	if !errors.As(err, &dest) {
		return err
	}
	if dest.Response.Outcome() == channel.RateLimited {
		return &Error{Status: http.StatusTooManyRequests, Code: "destination_rate_limited", Message: dest.Error()}
	}
	return &Error{Status: http.StatusBadGateway, Code: "destination_unreachable", Message: dest.Error()}
}

func (h *Handler) listChannels(w http.ResponseWriter, r *http.Request) error {
	withSecrets, err := boolParam(r, "include_secrets")
	if err != nil {
		return err
	}
	var reveal []string
	if withSecrets {
		reveal = channels.SecretFields()
	}
	list, err := h.store.ListChannels(r.Context(), owner(r))
	if err != nil {
		return err
	}
	views := make([]channelView, 0, len(list))
	for _, c := range list {
		if d, ok := h.channels.Driver(c.Kind()); ok {
			views = append(views, viewChannel(c, d, reveal...))
		}
	}
	return reply(w, http.StatusOK, views)
}

func (h *Handler) channelFromPath(r *http.Request) (monitor.Channel, channel.Driver, error) {
	id, err := pathID(r)
	if err != nil {
		return monitor.Channel{}, nil, err
	}
	c, err := h.store.Channel(r.Context(), owner(r), id)
	if err != nil {
		return monitor.Channel{}, nil, err
	}
	d, ok := h.channels.Driver(c.Kind())
	if !ok {
		return monitor.Channel{}, nil, notFound("no such channel: this Tocsin cannot send to channels of type " + string(c.Kind()))
	}
	return c, d, nil
}

func (h *Handler) getChannel(w http.ResponseWriter, r *http.Request) error {
	c, d, err := h.channelFromPath(r)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, viewChannel(c, d))
}

func (h *Handler) deleteChannel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := h.store.DeleteChannel(r.Context(), owner(r), id, h.now().UTC()); err != nil {
		return err
	}
	return noContent(w)
}

// testChannel sends a test message and answers with what the destination said. A channel
// the destination says is gone is disabled, as a failed alert would disable it.
func (h *Handler) testChannel(w http.ResponseWriter, r *http.Request) error {
	c, d, err := h.channelFromPath(r)
	if err != nil {
		return err
	}
	tested, err := channels.Test(r.Context(), h.store, d, c, h.now())
	if err != nil {
		return err
	}
	resp := tested.Response
	if !tested.Delivered {
		msg := d.Service() + " answered " + resp.Detail
		if tested.Disabled {
			msg += "; the channel is now disabled until it is set again"
		}
		return &Error{Status: http.StatusBadGateway, Code: "destination_error", Message: msg}
	}
	if fresh, err := h.store.Channel(r.Context(), owner(r), c.ID); err == nil {
		c = fresh
	}
	return reply(w, http.StatusOK, channelTestView{Delivered: true, Status: resp.Status, Answer: resp.Detail, Channel: viewChannel(c, d)})
}

// listChannelTypes says which types this Tocsin sends to and what each takes, for forms and
// for tools that write channels.
func (h *Handler) listChannelTypes(w http.ResponseWriter, r *http.Request) error {
	return reply(w, http.StatusOK, channels.Types(h.channels))
}

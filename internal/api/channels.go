package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/store"
)

// /channels holds every channel of every type; /webhooks shows the discord ones as webhooks.

func (h *Handler) createChannel(w http.ResponseWriter, r *http.Request) error {
	var req channelRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	typ, d, err := h.parseChannelType(req.Type)
	if err != nil {
		return err
	}
	if err := checkFields(req, typ, d); err != nil {
		return err
	}
	c := monitor.Channel{OwnerID: owner(r), Type: typ, State: monitor.ChannelActive, CreatedAt: monitor.StoredTime(h.now())}
	if err := req.apply(&c, d.Mask(c)); err != nil {
		return err
	}
	ready, err := h.prepareChannel(r.Context(), d, c, true)
	if err != nil {
		return err
	}
	saved, err := h.store.CreateChannel(r.Context(), ready)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/channels/%d", saved.ID))
	return reply(w, http.StatusCreated, viewChannel(saved, d, generated(c, ready)...))
}

func (h *Handler) updateChannel(w http.ResponseWriter, r *http.Request) error {
	before, d, err := h.channelFromPath(r)
	if err != nil {
		return err
	}
	var req channelRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if req.Type != nil && monitor.ChannelType(*req.Type) != before.Kind() {
		return badField("type", "type cannot change: make a new channel of the other type")
	}
	if err := checkFields(req, before.Kind(), d); err != nil {
		return err
	}
	c := before
	if err := req.apply(&c, d.Mask(before)); err != nil {
		return err
	}
	ready, err := h.prepareChannel(r.Context(), d, c, c.URL != before.URL)
	if err != nil {
		return err
	}
	saved, err := h.store.UpdateChannel(r.Context(), ready)
	if errors.Is(err, store.ErrChannelExists) {
		return &Error{Status: http.StatusConflict, Code: "channel_exists", Field: "url", Message: "url: you already have a channel with this Discord webhook"}
	}
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, viewChannel(saved, d, generated(c, ready)...))
}

// prepareChannel checks the channel's settings with its type and, for a type that can and a
// destination that changed, with the destination itself (Discord is asked about the
// webhook: nothing is posted).
func (h *Handler) prepareChannel(ctx context.Context, d channel.Driver, c monitor.Channel, verify bool) (monitor.Channel, error) {
	ready, err := d.Normalize(c)
	if err != nil {
		return c, err
	}
	if ready.Name == "" {
		ready.Name = channel.Truncate(d.Destination(ready), maxChannelNameRunes)
	}
	v, ok := d.(channel.Verifier)
	if !verify || !ok {
		return ready, nil
	}
	named := c.Name != ""
	if !named {
		ready.Name = ""
	}
	verified, resp := v.Verify(ctx, ready)
	switch resp.Outcome() {
	case channel.Delivered:
		if verified.Name == "" {
			verified.Name = channel.Truncate(d.Destination(ready), maxChannelNameRunes)
		}
		return verified, nil
	case channel.Gone, channel.Rejected:
		return c, badField("url", fmt.Sprintf("url: %s does not accept it: %s", d.Service(), resp.Detail))
	case channel.RateLimited:
		return c, &Error{Status: http.StatusTooManyRequests, Code: "destination_rate_limited",
			Message: fmt.Sprintf("%s is rate limiting Tocsin; try again in %s", d.Service(), resp.RetryAfter.Round(time.Second))}
	}
	return c, &Error{Status: http.StatusBadGateway, Code: "destination_unreachable",
		Message: fmt.Sprintf("could not check the channel with %s: %s", d.Service(), resp.Detail)}
}

func (h *Handler) listChannels(w http.ResponseWriter, r *http.Request) error {
	list, err := h.store.ListChannels(r.Context(), owner(r))
	if err != nil {
		return err
	}
	views := make([]channelView, 0, len(list))
	for _, c := range list {
		if d, ok := h.channels.Driver(c.Kind()); ok {
			views = append(views, viewChannel(c, d))
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
	ctx, cancel := context.WithTimeout(r.Context(), channel.SendTimeout)
	defer cancel()
	resp := d.Send(ctx, c, d.Test(c))
	del := store.Delivery{WebhookID: c.ID, At: h.now().UTC(), Error: resp.Detail}
	switch resp.Outcome() {
	case channel.Delivered:
		del.Outcome = store.Delivered
	case channel.Gone:
		del.Outcome = store.Disable
	}
	if del.Outcome != 0 {
		if err := h.store.RecordDelivery(r.Context(), del); err != nil {
			return err
		}
	}
	if del.Outcome != store.Delivered {
		msg := d.Service() + " answered " + resp.Detail
		if del.Outcome == store.Disable {
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
	var out []channelTypeView
	for _, t := range monitor.ChannelTypes() {
		d, ok := h.channels.Driver(t)
		if !ok {
			continue
		}
		var secrets []string
		for _, f := range d.Fields() {
			if slices.Contains(secretFields(), f) {
				secrets = append(secrets, f)
			}
		}
		out = append(out, channelTypeView{Type: string(t), Service: d.Service(), Fields: d.Fields(), Secrets: secrets})
	}
	return reply(w, http.StatusOK, out)
}

package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/store"
)

// webhookName reads a requested name: "" when none was asked for.
func webhookName(raw *string) (string, error) {
	if raw == nil {
		return "", nil
	}
	name := strings.TrimSpace(*raw)
	switch {
	case name == "":
		return "", badField("name", "name must not be empty; leave it out for the webhook's name in Discord")
	case utf8.RuneCountInString(name) > channels.MaxNameRunes:
		return "", badField("name", "name must be at most "+strconv.Itoa(channels.MaxNameRunes)+" characters")
	}
	return name, monitor.ValidateLine("name", name)
}

// webhookPatch is the body of PATCH /webhooks/{id}: fields left out keep their value.
type webhookPatch struct {
	Name       *string `json:"name"`
	WebhookURL *string `json:"webhook_url"`
	Default    *bool   `json:"default"`
}

// updateWebhook renames a webhook, points it at another Discord webhook (verified as a new
// one is), or makes it the default or not.
func (h *Handler) updateWebhook(w http.ResponseWriter, r *http.Request) error {
	hook, err := h.webhookFromPath(r)
	if err != nil {
		return err
	}
	var req webhookPatch
	if err := decode(w, r, &req); err != nil {
		return err
	}
	name, err := webhookName(req.Name)
	if err != nil {
		return err
	}
	if name != "" {
		hook.Name = name
	}
	if req.WebhookURL != nil {
		moved, err := h.verifyWebhook(r, req.WebhookURL)
		if err != nil {
			return err
		}
		hook.URL, hook.ChannelID, hook.GuildID = moved.URL, moved.ChannelID, moved.GuildID
	}
	if req.Default != nil {
		hook.Default = *req.Default
	}
	// A webhook is a channel: /webhooks keeps one default Discord webhook, as SaveWebhook does.
	updated, err := h.store.UpdateChannel(r.Context(), hook, store.ReplaceDefaultOfItsType)
	if errors.Is(err, store.ErrChannelExists) {
		return &Error{Status: http.StatusConflict, Code: "webhook_url_taken", Field: "webhook_url",
			Message: "webhook_url: another of your webhooks has this URL"}
	}
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, viewWebhook(updated))
}

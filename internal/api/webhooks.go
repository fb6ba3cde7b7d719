package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/store"
)

// DiscordClient verifies webhooks and posts to them; discord.Client is one.
type DiscordClient interface {
	Verify(ctx context.Context, webhookURL string) (discord.WebhookInfo, discord.Response)
	Execute(ctx context.Context, webhookURL string, msg discord.Message) discord.Response
}

// webhookView shows a webhook with its token masked: the token is a secret and never leaves.
type webhookView struct {
	ID             int64      `json:"id"`
	WebhookURL     string     `json:"webhook_url"`
	Name           string     `json:"name"`
	ChannelID      string     `json:"channel_id"`
	GuildID        string     `json:"guild_id"`
	State          string     `json:"state"`
	LastError      *string    `json:"last_error"`
	LastDeliveryAt *time.Time `json:"last_delivery_at"`
	Default        bool       `json:"default"`
	CreatedAt      time.Time  `json:"created_at"`
}

func viewWebhook(w monitor.Webhook) webhookView {
	return webhookView{ID: w.ID, WebhookURL: discord.Mask(w.URL), Name: w.Name, ChannelID: w.ChannelID, GuildID: w.GuildID,
		State: string(w.State), LastError: nonEmpty(w.LastError), LastDeliveryAt: w.LastDeliveryAt, Default: w.Default, CreatedAt: w.CreatedAt}
}

const noDefaultWebhook = "no webhook is configured; set one with POST /webhook {\"webhook_url\": \"https://discord.com/api/webhooks/ID/TOKEN\"}"

// saveVerifiedWebhook checks the URL's shape, asks Discord whether the webhook exists (a GET:
// nothing is posted), and saves it, normalised, with its name and channel.
func (h *Handler) saveVerifiedWebhook(r *http.Request, raw *string, isDefault bool) (monitor.Webhook, error) {
	if raw == nil || strings.TrimSpace(*raw) == "" {
		return monitor.Webhook{}, badField("webhook_url", "webhook_url is required")
	}
	if err := monitor.ValidateLine("webhook_url", strings.TrimSpace(*raw)); err != nil {
		return monitor.Webhook{}, err
	}
	hosts := h.discordHosts
	if len(hosts) == 0 {
		hosts = discord.DefaultHosts()
	}
	url, err := discord.ParseWebhookURL(strings.TrimSpace(*raw), hosts)
	if err != nil {
		return monitor.Webhook{}, err
	}
	info, resp := h.discord.Verify(r.Context(), url)
	switch resp.Outcome() {
	case discord.Delivered:
	case discord.Gone, discord.Rejected:
		why := "Discord does not know this webhook (was it deleted?)"
		if resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden {
			why = "Discord refused the webhook's token"
		}
		return monitor.Webhook{}, badField("webhook_url", fmt.Sprintf("webhook_url: %s: %s", why, resp.Detail))
	case discord.RateLimited:
		return monitor.Webhook{}, &Error{Status: http.StatusTooManyRequests, Code: "discord_rate_limited",
			Message: fmt.Sprintf("Discord is rate limiting Tocsin; try again in %s", resp.RetryAfter.Round(time.Second))}
	default:
		return monitor.Webhook{}, &Error{Status: http.StatusBadGateway, Code: "discord_unreachable",
			Message: "could not verify the webhook with Discord: " + resp.Detail}
	}
	return h.store.SaveWebhook(r.Context(), monitor.Webhook{OwnerID: owner(r), URL: url, Name: info.Name,
		ChannelID: info.ChannelID, GuildID: info.GuildID, Default: isDefault, CreatedAt: monitor.StoredTime(h.now())})
}

// sendTest posts a test message to the webhook and answers with what Discord said. A webhook
// Discord says is gone is disabled, as a failed alert would disable it.
func (h *Handler) sendTest(w http.ResponseWriter, r *http.Request, hook monitor.Webhook) error {
	resp := h.discord.Execute(r.Context(), hook.URL, discord.TestMessage(hook.Name))
	d := store.Delivery{WebhookID: hook.ID, At: h.now().UTC(), Error: resp.Detail}
	switch resp.Outcome() {
	case discord.Delivered:
		d.Outcome = store.Delivered
	case discord.Gone:
		d.Outcome = store.Disable
	}
	if d.Outcome != 0 {
		if err := h.store.RecordDelivery(r.Context(), d); err != nil {
			return err
		}
	}
	if d.Outcome != store.Delivered {
		msg := "Discord answered " + resp.Detail
		if d.Outcome == store.Disable {
			msg += "; the webhook is now disabled until it is set again"
		}
		return &Error{Status: http.StatusBadGateway, Code: "discord_error", Message: msg}
	}
	if fresh, err := h.store.Webhook(r.Context(), owner(r), hook.ID); err == nil {
		hook = fresh
	}
	return reply(w, http.StatusOK, webhookTestView{Delivered: true, DiscordStatus: resp.Status, Webhook: viewWebhook(hook)})
}

// webhookTestView answers a test message that Discord took.
type webhookTestView struct {
	Delivered     bool        `json:"delivered"`
	DiscordStatus int         `json:"discord_status"`
	Webhook       webhookView `json:"webhook"`
}

// /webhook is the owner's default webhook: the one alert channel of the original API.

type defaultWebhookRequest struct {
	WebhookURL *string `json:"webhook_url"`
}

func (h *Handler) setDefaultWebhook(w http.ResponseWriter, r *http.Request) error {
	var req defaultWebhookRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	hook, err := h.saveVerifiedWebhook(r, req.WebhookURL, true)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, viewWebhook(hook))
}

func (h *Handler) defaultWebhook(r *http.Request) (monitor.Webhook, error) {
	hook, err := h.store.DefaultWebhook(r.Context(), owner(r))
	return hook, notFoundAs(err, noDefaultWebhook)
}

func (h *Handler) getDefaultWebhook(w http.ResponseWriter, r *http.Request) error {
	hook, err := h.defaultWebhook(r)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, viewWebhook(hook))
}

func (h *Handler) deleteDefaultWebhook(w http.ResponseWriter, r *http.Request) error {
	hook, err := h.defaultWebhook(r)
	if err != nil {
		return err
	}
	if err := h.store.DeleteWebhook(r.Context(), owner(r), hook.ID, h.now().UTC()); err != nil {
		return notFoundAs(err, noDefaultWebhook)
	}
	return noContent(w)
}

func (h *Handler) testDefaultWebhook(w http.ResponseWriter, r *http.Request) error {
	hook, err := h.defaultWebhook(r)
	if err != nil {
		return err
	}
	return h.sendTest(w, r, hook)
}

// /webhooks holds several webhooks; sites name theirs in webhook_ids.

type webhookRequest struct {
	WebhookURL *string `json:"webhook_url"`
	Default    *bool   `json:"default"`
}

func (h *Handler) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var req webhookRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	hook, err := h.saveVerifiedWebhook(r, req.WebhookURL, req.Default != nil && *req.Default)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/webhooks/%d", hook.ID))
	return reply(w, http.StatusCreated, viewWebhook(hook))
}

func (h *Handler) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	hooks, err := h.store.ListWebhooks(r.Context(), owner(r))
	if err != nil {
		return err
	}
	views := make([]webhookView, len(hooks))
	for i, hook := range hooks {
		views[i] = viewWebhook(hook)
	}
	return reply(w, http.StatusOK, views)
}

func (h *Handler) webhookFromPath(r *http.Request) (monitor.Webhook, error) {
	id, err := pathID(r)
	if err != nil {
		return monitor.Webhook{}, err
	}
	return h.store.Webhook(r.Context(), owner(r), id)
}

func (h *Handler) getWebhook(w http.ResponseWriter, r *http.Request) error {
	hook, err := h.webhookFromPath(r)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, viewWebhook(hook))
}

func (h *Handler) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := h.store.DeleteWebhook(r.Context(), owner(r), id, h.now().UTC()); err != nil {
		return err
	}
	return noContent(w)
}

func (h *Handler) testWebhook(w http.ResponseWriter, r *http.Request) error {
	hook, err := h.webhookFromPath(r)
	if err != nil {
		return err
	}
	return h.sendTest(w, r, hook)
}

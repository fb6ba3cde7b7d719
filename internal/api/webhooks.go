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

// saveVerifiedWebhook checks the request, asks Discord whether the webhook exists, and saves
// it, normalised, with its channel and its name: the one asked for, else the one it has if its
// URL is set again, else its name in Discord. A dry run saves nothing and answers with what
// would be saved.
func (h *Handler) saveVerifiedWebhook(r *http.Request, req webhookRequest, isDefault, dryRun bool) (monitor.Webhook, error) {
	name, err := webhookName(req.Name)
	if err != nil {
		return monitor.Webhook{}, err
	}
	hook, err := h.verifyWebhook(r, req.WebhookURL)
	if err != nil {
		return monitor.Webhook{}, err
	}
	hook.Default = isDefault
	if name == "" {
		name = h.keptWebhookName(r, hook)
	}
	if name != "" {
		hook.Name = name
	}
	if dryRun {
		return hook, nil
	}
	return h.store.SaveWebhook(r.Context(), hook)
}

// keptWebhookName is the name of the owner's webhook with hook's URL, if there is one: a URL
// set again without a name keeps the name it had.
func (h *Handler) keptWebhookName(r *http.Request, hook monitor.Webhook) string {
	hooks, err := h.store.ListWebhooks(r.Context(), hook.OwnerID)
	if err != nil {
		return ""
	}
	for _, existing := range hooks {
		if existing.URL == hook.URL {
			return existing.Name
		}
	}
	return ""
}

// verifyWebhook checks a webhook URL's shape and asks Discord whether the webhook exists (a
// GET: nothing is posted). It returns the webhook, unsaved, named as Discord names it.
func (h *Handler) verifyWebhook(r *http.Request, raw *string) (monitor.Webhook, error) {
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
	return monitor.Webhook{OwnerID: owner(r), URL: url, Name: info.Name, ChannelID: info.ChannelID, GuildID: info.GuildID,
		State: monitor.WebhookActive, CreatedAt: monitor.StoredTime(h.now())}, nil
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
	Name       *string `json:"name"`
}

func (h *Handler) setDefaultWebhook(w http.ResponseWriter, r *http.Request) error {
	var req defaultWebhookRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	hook, err := h.saveVerifiedWebhook(r, webhookRequest{WebhookURL: req.WebhookURL, Name: req.Name}, true, false)
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
	// Name is the user's name for the webhook; by default, its name in Discord.
	Name    *string `json:"name"`
	Default *bool   `json:"default"`
}

func (h *Handler) createWebhook(w http.ResponseWriter, r *http.Request) error {
	dryRun, err := boolParam(r, "dry_run")
	if err != nil {
		return err
	}
	var req webhookRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	hook, err := h.saveVerifiedWebhook(r, req, req.Default != nil && *req.Default, dryRun)
	if err != nil {
		return err
	}
	if dryRun {
		return reply(w, http.StatusOK, viewWebhook(hook))
	}
	w.Header().Set("Location", fmt.Sprintf("/webhooks/%d", hook.ID))
	return reply(w, http.StatusCreated, viewWebhook(hook))
}

func (h *Handler) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	withSecrets, err := boolParam(r, "include_secrets")
	if err != nil {
		return err
	}
	hooks, err := h.store.ListWebhooks(r.Context(), owner(r))
	if err != nil {
		return err
	}
	views := make([]webhookView, len(hooks))
	for i, hook := range hooks {
		views[i] = viewWebhook(hook)
		if withSecrets {
			views[i].WebhookURL = hook.URL
		}
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

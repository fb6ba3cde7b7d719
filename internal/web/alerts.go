package web

import (
	"cmp"
	"net/http"
	"strconv"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/store"
)

const notificationsPerPage = 50

type webhookRow struct {
	ID           int64
	Name         string
	ChannelID    string
	URL          string // token masked, as the API shows it
	Default      bool
	Badge        badge
	LastError    string
	LastDelivery moment
	Created      moment
}

type notificationRow struct {
	ID          int64
	Created     moment
	SiteID      int64 // 0 for a test message
	SiteName    string
	Kind        string
	Webhook     string // its name, or its masked URL
	Badge       badge
	Attempts    int
	LastError   string
	Delivered   moment
	NextAttempt moment
}

type alertsPage struct {
	layout
	Webhooks      []webhookRow
	Notifications []notificationRow
	// Older is the link to the next page of notifications; empty on the last.
	Older string
	Paged bool // this is not the first page
}

func (h *Handler) alertsPage(w http.ResponseWriter, r *http.Request) {
	q := store.NotificationQuery{Limit: notificationsPerPage}
	if raw := r.URL.Query().Get("before"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id < 1 {
			h.fail(w, r, &badInput{"before", "before must be a notification id, a whole number from 1"})
			return
		}
		q.BeforeID = id
	}
	hooks, err := h.store.ListWebhooks(r.Context(), owner(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	notes, err := h.store.ListNotifications(r.Context(), owner(r), q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := alertsPage{layout: h.layout("Alerts", "alerts"), Paged: q.BeforeID != 0}
	names := make(map[int64]string, len(hooks))
	for _, wh := range hooks {
		p.Webhooks = append(p.Webhooks, h.webhookRow(wh))
		names[wh.ID] = cmp.Or(wh.Name, discord.Mask(wh.URL))
	}
	for _, n := range notes {
		p.Notifications = append(p.Notifications, h.notificationRow(n, names[n.WebhookID]))
	}
	if len(notes) == q.Limit {
		p.Older = "/app/alerts?before=" + strconv.FormatInt(notes[len(notes)-1].ID, 10)
	}
	h.render(w, http.StatusOK, "alerts", p)
}

func (h *Handler) webhookRow(wh monitor.Webhook) webhookRow {
	return webhookRow{ID: wh.ID, Name: wh.Name, ChannelID: wh.ChannelID, URL: discord.Mask(wh.URL), Default: wh.Default,
		Badge: webhookBadge(wh.State), LastError: wh.LastError, LastDelivery: h.momentOf(wh.LastDeliveryAt),
		Created: h.moment(wh.CreatedAt)}
}

func (h *Handler) notificationRow(n monitor.Notification, webhook string) notificationRow {
	row := notificationRow{ID: n.ID, Created: h.moment(n.CreatedAt), SiteID: n.SiteID, SiteName: n.Alert.SiteName,
		Kind: alertKindLabel(n.Alert.Kind), Webhook: webhook, Badge: notificationBadge(n.State), Attempts: n.Attempts,
		LastError: n.LastError, Delivered: h.momentOf(n.DeliveredAt)}
	if n.State == monitor.NotificationPending {
		row.NextAttempt = h.moment(n.NextAttemptAt)
	}
	return row
}

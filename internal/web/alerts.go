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

// channelRow is a channel as the alerts page lists it, secrets masked.
type channelRow struct {
	ID           int64
	Name         string
	Service      string // Discord, Slack, …
	Destination  string // where its messages go, secrets masked
	ChannelID    string // Discord's channel, when known
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
	Channels      []channelRow
	Notifications []notificationRow
	// Older is the link to the next page of notifications; empty on the last.
	Older string
	Paged bool // this is not the first page
	// Types are the channel types one may add; Notice says what a form did; Made are the
	// secrets Tocsin made for a channel just added, shown this once.
	Types  []typeLink
	Notice *notice
	Made   []madeSecret
}

func (h *Handler) alertsPage(w http.ResponseWriter, r *http.Request) {
	p, err := h.loadAlertsPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "added":
		p.Notice = &notice{"ok", "Channel added.", "Send it a test message to see it works."}
	case "removed":
		p.Notice = &notice{"ok", "Channel removed,", "with its queued alerts."}
	}
	h.render(w, http.StatusOK, "alerts", p)
}

// loadAlertsPage reads the viewer's channels and a page of notifications.
func (h *Handler) loadAlertsPage(r *http.Request) (alertsPage, error) {
	q := store.NotificationQuery{Limit: notificationsPerPage}
	if raw := r.URL.Query().Get("before"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id < 1 {
			return alertsPage{}, &badInput{"before", "before must be a notification id, a whole number from 1"}
		}
		q.BeforeID = id
	}
	list, err := h.store.ListChannels(r.Context(), owner(r))
	if err != nil {
		return alertsPage{}, err
	}
	notes, err := h.store.ListNotifications(r.Context(), owner(r), q)
	if err != nil {
		return alertsPage{}, err
	}
	p := alertsPage{layout: h.layout("Alerts", "alerts"), Paged: q.BeforeID != 0, Types: h.channelTypes("")}
	names := make(map[int64]string, len(list))
	for _, c := range list {
		row := h.channelRow(c)
		p.Channels = append(p.Channels, row)
		names[c.ID] = cmp.Or(c.Name, row.Destination)
	}
	for _, n := range notes {
		p.Notifications = append(p.Notifications, h.notificationRow(n, names[n.WebhookID]))
	}
	if len(notes) == q.Limit {
		p.Older = "/app/alerts?before=" + strconv.FormatInt(notes[len(notes)-1].ID, 10)
	}
	return p, nil
}

// channelRow shows a channel as its type's driver masks it; a type this Tocsin cannot send
// to (not configured) is shown by its type alone.
func (h *Handler) channelRow(c monitor.Channel) channelRow {
	row := channelRow{ID: c.ID, Name: c.Name, Service: typeLabel(string(c.Kind())), ChannelID: c.ChannelID, Default: c.Default,
		Badge: webhookBadge(c.State), LastError: c.LastError, LastDelivery: h.momentOf(c.LastDeliveryAt), Created: h.moment(c.CreatedAt)}
	if c.Kind() == monitor.ChannelDiscord {
		row.Destination = discord.Mask(c.URL)
	}
	if h.channels != nil {
		if d, ok := h.channels.Driver(c.Kind()); ok {
			row.Destination = d.Destination(c)
		}
	}
	return row
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

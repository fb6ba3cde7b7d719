package api

import (
	"cmp"
	"net/http"
	"strconv"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// notificationView is one alert's delivery to one channel.
type notificationView struct {
	ID    int64 `json:"id"`
	Event struct {
		ID             *int64     `json:"id"`
		Kind           string     `json:"kind"`
		At             time.Time  `json:"at"`
		StatusCode     *int       `json:"status_code"`
		Error          *string    `json:"error"`
		ResponseTimeMS int64      `json:"response_time_ms"`
		DownSince      *time.Time `json:"down_since"`
	} `json:"event"`
	Site struct {
		ID   *int64 `json:"id"` // null once the site is deleted
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"site"`
	// Webhook is the channel under the name every channel had before channels had types; its
	// url is the channel's destination, masked.
	Webhook struct {
		ID  int64  `json:"id"`
		URL string `json:"url"`
		// DeletedAt is set once the webhook is deleted; its alerts stay listed.
		DeletedAt *time.Time `json:"deleted_at"`
	} `json:"webhook"`
	Channel struct {
		ID   int64  `json:"id"`
		Type string `json:"type"`
		Name string `json:"name"`
		// Destination is where it was sent, masked; null once the channel is deleted.
		Destination *string    `json:"destination"`
		DeletedAt   *time.Time `json:"deleted_at"`
	} `json:"channel"`
	State         string     `json:"state"`
	Attempts      int        `json:"attempts"`
	LastError     *string    `json:"last_error"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	CreatedAt     time.Time  `json:"created_at"`
	DeliveredAt   *time.Time `json:"delivered_at"`
}

// viewNotification shows n; destination is its channel's, masked ("" once deleted).
func viewNotification(n monitor.Notification, destination string) notificationView {
	var v notificationView
	v.ID, v.State, v.Attempts, v.LastError, v.CreatedAt, v.DeliveredAt =
		n.ID, string(n.State), n.Attempts, nonEmpty(n.LastError), n.CreatedAt, n.DeliveredAt
	if n.State == monitor.NotificationPending {
		next := n.NextAttemptAt
		v.NextAttemptAt = &next
	}
	a := n.Alert
	v.Event.ID, v.Event.Kind, v.Event.At, v.Event.StatusCode, v.Event.Error, v.Event.ResponseTimeMS, v.Event.DownSince =
		n.EventID, string(a.Kind), a.At, nonZero(a.StatusCode), nonEmpty(a.Error), a.ResponseTimeMS, a.DownSince
	if n.SiteID != 0 {
		id := n.SiteID
		v.Site.ID = &id
	}
	v.Site.Name, v.Site.URL = a.SiteName, a.URL
	v.Webhook.ID, v.Webhook.URL, v.Webhook.DeletedAt = n.WebhookID, cmp.Or(destination, monitor.Masked), n.WebhookDeletedAt
	v.Channel.ID, v.Channel.Type, v.Channel.Name, v.Channel.DeletedAt = n.WebhookID, string(n.ChannelType), n.ChannelName, n.WebhookDeletedAt
	if destination != "" {
		v.Channel.Destination = &destination
	}
	return v
}

type notificationsPage struct {
	Notifications []notificationView `json:"notifications"`
	NextBefore    *int64             `json:"next_before"`
}

func (h *Handler) listNotifications(w http.ResponseWriter, r *http.Request) error {
	q, err := notificationRequest(r)
	if err != nil {
		return err
	}
	rows, err := h.store.ListNotifications(r.Context(), owner(r), q)
	if err != nil {
		return err
	}
	list, err := h.store.ListChannels(r.Context(), owner(r))
	if err != nil {
		return err
	}
	destinations := make(map[int64]string, len(list))
	for _, c := range list {
		if d, ok := h.channels.Driver(c.Kind()); ok {
			destinations[c.ID] = d.Destination(c)
		}
	}
	page := notificationsPage{Notifications: make([]notificationView, len(rows))}
	for i, n := range rows {
		page.Notifications[i] = viewNotification(n, destinations[n.WebhookID])
	}
	if len(rows) == q.Limit {
		page.NextBefore = &rows[len(rows)-1].ID
	}
	return reply(w, http.StatusOK, page)
}

// notificationRequest reads the paging and filter parameters: limit, before, state.
func notificationRequest(r *http.Request) (store.NotificationQuery, error) {
	params := r.URL.Query()
	q := store.NotificationQuery{Limit: defaultHistoryLimit}
	if raw := params.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxHistoryLimit {
			return q, badField("limit", "limit must be a whole number from 1 to 1000")
		}
		q.Limit = n
	}
	if raw := params.Get("before"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id < 1 {
			return q, badField("before", "before must be a notification id (the next_before of the previous page)")
		}
		q.BeforeID = id
	}
	if raw := params.Get("state"); raw != "" {
		switch st := monitor.NotificationState(raw); st {
		case monitor.NotificationPending, monitor.NotificationDelivered, monitor.NotificationFailed, monitor.NotificationGivenUp:
			q.State = st
		default:
			return q, badField("state", "state must be one of pending, delivered, failed, given_up")
		}
	}
	return q, nil
}

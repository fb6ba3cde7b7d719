package notify

import (
	"context"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Store is what the dispatcher needs of the store: the outbox and the webhooks' leases.
type Store interface {
	ClaimAlertWebhooks(ctx context.Context, claim store.Claim) ([]monitor.Webhook, error)
	PendingNotifications(ctx context.Context, webhookID int64, limit int) ([]monitor.Notification, error)
	RecordDelivery(ctx context.Context, d store.Delivery) error
	ReleaseWebhook(ctx context.Context, webhookID int64, worker string) error
}

package probe

import (
	"context"
	"time"
)

// withTimeout bounds a check by its target's timeout. A zero timeout means the caller's context
// alone decides, rather than a check that fails before it starts.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

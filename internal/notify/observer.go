package notify

import (
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Observer is told what the dispatcher does, for metrics; main passes one in Config. A nil
// Observer observes nothing. Its methods are called from many goroutines and must not block.
type Observer interface {
	// ChannelAnswered: a message sent to a channel of type t was answered with status after
	// d: the HTTP status, or for email the SMTP reply code; 0 means no answer came back (a
	// network error or a timeout).
	ChannelAnswered(t monitor.ChannelType, status int, d time.Duration)
}

type nopObserver struct{}

func (nopObserver) ChannelAnswered(monitor.ChannelType, int, time.Duration) {}

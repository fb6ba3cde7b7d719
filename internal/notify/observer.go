package notify

import "time"

// Observer is told what the dispatcher does, for metrics; main passes one in Config. A nil
// Observer observes nothing. Its methods are called from many goroutines and must not block.
type Observer interface {
	// DiscordAnswered: a message sent to Discord was answered with status after d; status 0
	// means no answer came back (a network error or a timeout).
	DiscordAnswered(status int, d time.Duration)
}

type nopObserver struct{}

func (nopObserver) DiscordAnswered(int, time.Duration) {}

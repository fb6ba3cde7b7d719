package discord

import (
	"time"

	"github.com/tocsin/tocsin/internal/notify/channel"
)

// humanDuration writes a downtime for people: "45s", "1m 30s", "1h 2m 5s", "3d 4h".
func humanDuration(d time.Duration) string { return channel.HumanDuration(d) }

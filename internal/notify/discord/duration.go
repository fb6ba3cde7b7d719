package discord

import (
	"strconv"
	"strings"
	"time"
)

const day = 24 * time.Hour

// humanDuration writes a downtime for people: "45s", "1m 30s", "1h 2m 5s", "3d 4h". Beyond a
// day, minutes and seconds are noise and are dropped.
func humanDuration(d time.Duration) string {
	if d < time.Second {
		return "0s"
	}
	units := []struct {
		size   time.Duration
		suffix string
	}{{day, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	if d >= day {
		d, units = d.Round(time.Hour), units[:2]
	} else {
		d = d.Round(time.Second)
	}
	var parts []string
	for _, u := range units {
		if n := d / u.size; n > 0 {
			parts = append(parts, strconv.FormatInt(int64(n), 10)+u.suffix)
			d -= n * u.size
		}
	}
	return strings.Join(parts, " ")
}

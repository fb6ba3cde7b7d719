package badge

import (
	"math"
	"strconv"
	"time"
)

// Status draws "status | up" and its kin. The status is a site's ("up", "down", "pending"),
// or "paused" for a paused site; anything else is drawn as given, in light grey.
func Status(status string) []byte {
	return Render("status", status, StatusColor(status))
}

// StatusColor is green for up, red for down, blue for pending (not checked yet) and light grey
// for paused and anything unknown.
func StatusColor(status string) Color {
	switch status {
	case "up":
		return BrightGreen
	case "down":
		return Red
	case "pending":
		return Blue
	}
	return LightGrey
}

// Uptime draws "uptime 30d | 99.95%" for a window ("24h", "7d", "30d", "90d"); a nil uptime,
// a window nobody watched, is "no data".
func Uptime(window string, uptime *float64) []byte {
	return Render("uptime "+window, FormatUptime(uptime), UptimeColor(uptime))
}

// FormatUptime writes an uptime fraction as a percentage with two decimals, rounded down so
// that any downtime shows ("99.99%", never "100.00%"); exactly 1 is "100%" and nil "no data".
func FormatUptime(uptime *float64) string {
	switch {
	case uptime == nil || math.IsNaN(*uptime):
		return "no data"
	case *uptime >= 1:
		return "100%"
	}
	// The small nudge keeps a fraction such as 0.9995, stored as 0.99949999…, at 99.95.
	hundredths := min(math.Floor(max(*uptime, 0)*10000+1e-6), 9999)
	return strconv.FormatFloat(hundredths/100, 'f', 2, 64) + "%"
}

// UptimeColor grades an uptime: from 99.9 % bright green, 99 % green, 97 % yellow-green, 95 %
// yellow, 90 % orange, below that red; light grey without data.
func UptimeColor(uptime *float64) Color {
	if uptime == nil || math.IsNaN(*uptime) {
		return LightGrey
	}
	for _, step := range []struct {
		from  float64
		color Color
	}{{0.999, BrightGreen}, {0.99, Green}, {0.97, YellowGreen}, {0.95, Yellow}, {0.90, Orange}} {
		if *uptime >= step.from {
			return step.color
		}
	}
	return Red
}

// ResponseTime draws "response | 123 ms"; nil, no recent answer, is "no data".
func ResponseTime(d *time.Duration) []byte {
	if d == nil {
		return Render("response", "no data", LightGrey)
	}
	ms := d.Round(time.Millisecond).Milliseconds()
	return Render("response", strconv.FormatInt(ms, 10)+" ms", ResponseColor(*d))
}

// ResponseColor grades a response time: under 300 ms bright green, 1 s green, 3 s yellow, 10 s
// orange, slower red.
func ResponseColor(d time.Duration) Color {
	switch {
	case d < 300*time.Millisecond:
		return BrightGreen
	case d < time.Second:
		return Green
	case d < 3*time.Second:
		return Yellow
	case d < 10*time.Second:
		return Orange
	}
	return Red
}

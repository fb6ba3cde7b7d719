package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Trends: sparklines and uptime, read from the history (checks summed up by the store per
// bucket, and status events) until rollups take over.

const (
	sparkWindow  = 24 * time.Hour
	sparkBuckets = 48 // half an hour each
	sparkWidth   = 120
	sparkHeight  = 28
)

// sparkline is a site's last 24 hours of response times as an inline SVG, drawn here so the
// overview needs no script for it, and said in words for those who do not see it.
type sparkline struct {
	Line   string // polyline points of the mean response time per bucket
	LastX  string // where the newest bucket's point is, marked with a dot
	LastY  string
	Failed []sparkX // buckets with a failed check, marked below the line
	Label  string
}

type sparkX struct{ X, W string }

func newSparkline(buckets []store.CheckBucket, end time.Time) *sparkline {
	if len(buckets) == 0 {
		return nil
	}
	width := sparkWindow / sparkBuckets
	start := end.Add(-sparkWindow)
	var (
		peak          float64
		checks, fails int
	)
	for _, b := range buckets {
		peak = math.Max(peak, b.AvgMS)
		checks += b.Checks
		fails += b.Failed
	}
	if peak <= 0 {
		peak = 1
	}
	step := float64(sparkWidth) / sparkBuckets
	var points []string
	s := &sparkline{}
	for _, b := range buckets {
		i := float64(b.At.Sub(start)) / float64(width)
		x := (i + .5) * step
		y := 2 + (sparkHeight-6)*(1-b.AvgMS/peak)
		points = append(points, strconv.FormatFloat(x, 'f', 1, 64)+","+strconv.FormatFloat(y, 'f', 1, 64))
		if b.Failed > 0 {
			s.Failed = append(s.Failed, sparkX{X: strconv.FormatFloat(i*step, 'f', 1, 64), W: strconv.FormatFloat(step, 'f', 1, 64)})
		}
	}
	s.LastX, s.LastY, _ = strings.Cut(points[len(points)-1], ",")
	s.Line = strings.Join(points, " ")
	s.Label = fmt.Sprintf("Last 24 h: %d checks, slowest half hour %.0f ms on average", checks, peak)
	if fails > 0 {
		s.Label += fmt.Sprintf(", %d failed", fails)
	}
	return s
}

// uptimeText prints an uptime: "99.95 %", or a dash for a window nobody watched.
func uptimeText(f monitor.UptimeFigures) string {
	if f.Uptime == nil {
		return ""
	}
	u := *f.Uptime * 100
	switch {
	case u == 100:
		return "100 %"
	case u >= 99:
		// Floor, so that 99.999 never prints as 100.
		return strconv.FormatFloat(math.Floor(u*100)/100, 'f', 2, 64) + " %"
	}
	return strconv.FormatFloat(math.Floor(u*10)/10, 'f', 1, 64) + " %"
}

// trends are the sparklines and uptime figures of a page of sites, read with two queries
// whatever the number of sites.
type trends struct {
	sparks  map[int64][]store.CheckBucket
	history map[int64]monitor.History
	end     time.Time
}

func (h *Handler) readTrends(ctx context.Context, owner int64, ids []int64, longest time.Duration) (trends, error) {
	end := h.now().UTC()
	t := trends{end: end, history: map[int64]monitor.History{}}
	if len(ids) == 0 {
		return t, nil
	}
	// Buckets are aligned to the epoch: the window starts at a bucket's start.
	width := sparkWindow / sparkBuckets
	from := end.Add(-sparkWindow).Truncate(width).Add(width)
	sparks, err := h.store.CheckBuckets(ctx, owner, ids, from, end.Add(time.Second), width)
	if err != nil {
		return t, err
	}
	t.sparks = sparks
	events, err := h.store.EventsSince(ctx, owner, ids, end.Add(-longest))
	if err != nil {
		return t, err
	}
	for id, evs := range events {
		t.history[id] = monitor.NewHistory(evs, nil)
	}
	return t, nil
}

// uptime is the site's uptime over the window ending now; without events, a site that is up
// has been since it was made, and one never checked is not counted.
func (t trends) uptime(s monitor.Site, window time.Duration) string {
	from := t.end.Add(-window)
	if hist, ok := t.history[s.ID]; ok {
		if s.CreatedAt.After(from) {
			from = s.CreatedAt
		}
		return uptimeText(hist.Figures(from, t.end))
	}
	return ""
}

// sparkSVG is the markup of a sparkline; its numbers come from here, not from the user.
func sparkSVG(s *sparkline) template.HTML {
	if s == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="spark" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		sparkWidth, sparkHeight, sparkWidth, sparkHeight, template.HTMLEscapeString(s.Label))
	// The track is the whole 24 hours, so a new site's few points read as recent.
	fmt.Fprintf(&b, `<line class="spark-track" x1="0" y1="%d" x2="%d" y2="%d"></line>`, sparkHeight-1, sparkWidth, sparkHeight-1)
	for _, f := range s.Failed {
		fmt.Fprintf(&b, `<rect class="spark-fail" x="%s" y="%d" width="%s" height="4"></rect>`, f.X, sparkHeight-4, f.W)
	}
	fmt.Fprintf(&b, `<polyline class="spark-line" points="%s"></polyline>`, s.Line)
	fmt.Fprintf(&b, `<circle class="spark-dot" cx="%s" cy="%s" r="2"></circle></svg>`, s.LastX, s.LastY)
	return template.HTML(b.String())
}

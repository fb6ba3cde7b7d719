package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Trends: the overview's sparklines and uptime, read from the uptime rollups and ledgers
// (store.Overview) for a whole page of sites at once.

const (
	sparkWindow  = 24 * time.Hour
	sparkBuckets = 24 // an hour each
	sparkWidth   = 120
	sparkHeight  = 28
)

// sparkline is a site's last 24 hours of response times as an inline SVG, drawn here so the
// overview needs no script for it, and said in words for those who do not see it.
type sparkline struct {
	Line   string // polyline points of the mean response time per hour
	LastX  string // where the newest hour's point is, marked with a dot
	LastY  string
	Failed []sparkX // hours with a failed check, marked below the line
	Label  string
}

type sparkX struct{ X, W string }

// newSparkline draws the hours (oldest first) of the 24 hours up to end.
func newSparkline(hours []store.StatsPoint, end time.Time) *sparkline {
	if len(hours) == 0 {
		return nil
	}
	width := sparkWindow / sparkBuckets
	start := end.Truncate(width).Add(width - sparkWindow)
	var (
		peak          float64
		checks, fails int64
	)
	mean := func(p store.StatsPoint) float64 { return float64(p.Hist.Mean().Microseconds()) / 1000 }
	for _, p := range hours {
		peak = math.Max(peak, mean(p))
		checks += p.Checks
		fails += p.Failures
	}
	if peak <= 0 {
		peak = 1
	}
	step := float64(sparkWidth) / sparkBuckets
	var points []string
	s := &sparkline{}
	for _, p := range hours {
		i := math.Max(0, float64(p.At.Sub(start))/float64(width))
		x := (i + .5) * step
		if p.Hist.Count() > 0 {
			y := 2 + (sparkHeight-6)*(1-mean(p)/peak)
			points = append(points, strconv.FormatFloat(x, 'f', 1, 64)+","+strconv.FormatFloat(y, 'f', 1, 64))
		}
		if p.Failures > 0 {
			s.Failed = append(s.Failed, sparkX{X: strconv.FormatFloat(i*step, 'f', 1, 64), W: strconv.FormatFloat(step, 'f', 1, 64)})
		}
	}
	if len(points) > 0 {
		s.LastX, s.LastY, _ = strings.Cut(points[len(points)-1], ",")
	}
	s.Line = strings.Join(points, " ")
	s.Label = fmt.Sprintf("Last 24 h: %d checks, slowest hour %.0f ms on average", checks, peak)
	if fails > 0 {
		s.Label += fmt.Sprintf(", %d failed", fails)
	}
	return s
}

// uptimeText prints an uptime: "99.95 %", or "" for a window nobody watched.
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
	if s.Line != "" {
		fmt.Fprintf(&b, `<polyline class="spark-line" points="%s"></polyline>`, s.Line)
		fmt.Fprintf(&b, `<circle class="spark-dot" cx="%s" cy="%s" r="2"></circle>`, s.LastX, s.LastY)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

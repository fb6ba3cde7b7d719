package web

import (
	"testing"
	"time"
)

func TestHumanDurationKeepsTwoUnits(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0 s"},
		{0, "0 s"},
		{59 * time.Second, "59 s"},
		{time.Minute, "1 min"},
		{59*time.Minute + 59*time.Second, "59 min"},
		{time.Hour, "1 h"},
		{3*time.Hour + 12*time.Minute + 30*time.Second, "3 h 12 min"},
		{24 * time.Hour, "1 d"},
		{50 * time.Hour, "2 d 2 h"},
	}
	for _, tt := range tests {
		if got := humanDuration(tt.d); got != tt.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestChartSummarySaysWhatTheChartShows(t *testing.T) {
	tests := []struct {
		checks int
		passed []int64
		want   string
	}{
		{0, nil, "No checks yet."},
		{1, []int64{80}, "The only check so far: median 80 ms, fastest 80 ms, slowest 80 ms."},
		{4, []int64{300, 100, 200}, "The last 4 checks: median 200 ms, fastest 100 ms, slowest 300 ms; 1 failed."},
		{2, nil, "The last 2 checks; 2 failed."},
	}
	for _, tt := range tests {
		if got := chartSummary(tt.checks, tt.passed); got != tt.want {
			t.Errorf("chartSummary(%d, %v) = %q, want %q", tt.checks, tt.passed, got, tt.want)
		}
	}
}

//go:build !linux

package web

import "time"

// processCPU is not measured here: benchmarks report their wall time only.
func processCPU() time.Duration { return 0 }

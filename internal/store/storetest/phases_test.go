package storetest

import (
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Phase timings round-trip through their compact encoding to the microsecond, and a damaged
// one is an error.
func TestPhasesEncoding(t *testing.T) {
	in := &monitor.Timings{DNS: 1500 * time.Microsecond, Connect: 11 * time.Millisecond, TLS: 0, ServerProcessing: 41234 * time.Microsecond, Transfer: 3 * time.Second}
	b := store.EncodePhases(in)
	out, err := store.DecodePhases(b)
	if err != nil || *out != *in || len(b) > 16 {
		t.Errorf("round trip: %+v (%d bytes), %v; want %+v", out, len(b), err, in)
	}
	if none, err := store.DecodePhases(store.EncodePhases(nil)); none != nil || err != nil {
		t.Errorf("no timings: %+v %v", none, err)
	}
	if _, err := store.DecodePhases(b[:len(b)-1]); err == nil {
		t.Error("a truncated encoding was read")
	}
}

package store

import (
	"encoding/binary"
	"errors"
	"math"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// phasesV1 begins the compact encoding of a check's phase timings (checks.phases): the
// version byte, then five uvarints, the microseconds of DNS, connect, TLS, server processing
// and transfer, in that order: about 12 bytes, where the JSON document (checks.timings, which
// older rows keep) took about 90.
const phasesV1 = 1

// EncodePhases is the compact encoding of the timings; nil for none.
func EncodePhases(t *monitor.Timings) []byte {
	if t == nil {
		return nil
	}
	b := make([]byte, 1, 16)
	b[0] = phasesV1
	for _, d := range []time.Duration{t.DNS, t.Connect, t.TLS, t.ServerProcessing, t.Transfer} {
		b = binary.AppendUvarint(b, uint64(max(d.Microseconds(), 0)))
	}
	return b
}

// DecodePhases reads EncodePhases's encoding; nil for none.
func DecodePhases(b []byte) (*monitor.Timings, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if b[0] != phasesV1 {
		return nil, errors.New("unknown phases encoding")
	}
	b = b[1:]
	var us [5]time.Duration
	for i := range us {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > math.MaxInt64/1000 {
			return nil, errors.New("truncated or out-of-range phases")
		}
		us[i], b = time.Duration(v)*time.Microsecond, b[n:]
	}
	return &monitor.Timings{DNS: us[0], Connect: us[1], TLS: us[2], ServerProcessing: us[3], Transfer: us[4]}, nil
}

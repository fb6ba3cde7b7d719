package monitor

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// histEncodingV1 is the first byte of the encoding described at AppendBinary.
const histEncodingV1 = 1

// AppendBinary appends the histogram's compact encoding, for a BLOB or bytea column:
//
//	version byte (1)
//	then, unless empty: uvarint min µs, uvarint (max − min) µs, uvarint sum µs,
//	and for each non-empty bucket in order: uvarint (index − previous index), uvarint count
//	(the previous index of the first bucket is −1).
//
// The count is the sum of the bucket counts. An hour of 60 checks takes about 30 bytes.
func (h *Histogram) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, histEncodingV1)
	if h.count == 0 {
		return b, nil
	}
	b = binary.AppendUvarint(b, uint64(h.minUS))
	b = binary.AppendUvarint(b, uint64(h.maxUS-h.minUS))
	b = binary.AppendUvarint(b, uint64(h.sumUS))
	prev := -1
	for i, c := range h.counts {
		if c == 0 {
			continue
		}
		b = binary.AppendUvarint(b, uint64(i-prev))
		b = binary.AppendUvarint(b, c)
		prev = i
	}
	return b, nil
}

// MarshalBinary is the histogram's compact encoding (see AppendBinary).
func (h *Histogram) MarshalBinary() ([]byte, error) { return h.AppendBinary(make([]byte, 0, 32)) }

// UnmarshalBinary replaces h with the histogram the encoding holds. Malformed data (truncated,
// an unknown version, a bucket out of range, counts that overflow) is an error, never a panic,
// and leaves h empty.
func (h *Histogram) UnmarshalBinary(data []byte) error {
	*h = Histogram{}
	d := histDecoder{rest: data}
	if err := d.decode(h); err != nil {
		*h = Histogram{}
		return fmt.Errorf("decode histogram: %w", err)
	}
	return nil
}

// histDecoder reads the encoding's varints in turn.
type histDecoder struct{ rest []byte }

func (d *histDecoder) uvarint() (uint64, error) {
	v, n := binary.Uvarint(d.rest)
	if n <= 0 {
		return 0, errors.New("truncated or overlong varint")
	}
	d.rest = d.rest[n:]
	return v, nil
}

// int64s reads varints that must each fit an int64.
func (d *histDecoder) int64s(dst ...*int64) error {
	for _, p := range dst {
		v, err := d.uvarint()
		if err != nil {
			return err
		}
		if v > math.MaxInt64 {
			return errors.New("value out of range")
		}
		*p = int64(v)
	}
	return nil
}

func (d *histDecoder) decode(h *Histogram) error {
	if len(d.rest) == 0 || d.rest[0] != histEncodingV1 {
		return errors.New("unknown encoding version")
	}
	d.rest = d.rest[1:]
	if len(d.rest) == 0 {
		return nil
	}
	var spread int64
	if err := d.int64s(&h.minUS, &spread, &h.sumUS); err != nil {
		return err
	}
	if spread > math.MaxInt64-h.minUS {
		return errors.New("maximum out of range")
	}
	h.maxUS = h.minUS + spread
	return d.buckets(h)
}

func (d *histDecoder) buckets(h *Histogram) error {
	i := -1
	for len(d.rest) > 0 {
		step, err := d.uvarint()
		if err != nil {
			return err
		}
		c, err := d.uvarint()
		if err != nil {
			return err
		}
		if step == 0 || step > histBuckets || i+int(step) >= histBuckets {
			return errors.New("bucket index out of range")
		}
		if c == 0 || c > math.MaxInt64-h.count {
			return errors.New("bucket count zero or too large")
		}
		i += int(step)
		h.counts[i] = c
		h.count += c
	}
	if h.count == 0 {
		return errors.New("no buckets")
	}
	return nil
}

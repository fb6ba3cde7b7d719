package store

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
)

// The hand-written codec must agree with encoding/json on every document: what it writes is
// what json.Marshal writes, and what it reads is what json.Unmarshal reads.

func TestEncodeLatencyIsWhatEncodingJSONWrites(t *testing.T) {
	for _, l := range []monitor.LatencyState{
		{},
		{Window: []int64{0}},
		{Window: []int64{12, 0, -3, 9223372036854775807, -9223372036854775808}},
		{Streak: 4},
		{Streak: -1, Degraded: true},
		{Degraded: true},
		{Window: []int64{250, 251}, Streak: 2, Degraded: true},
		{Window: []int64{}, Streak: 1},
	} {
		want, err := json.Marshal(latencyDoc{Window: l.Window, Streak: l.Streak, Degraded: l.Degraded})
		if err != nil {
			t.Fatal(err)
		}
		if got := EncodeLatency(l); string(got) != string(want) {
			t.Errorf("EncodeLatency(%+v) = %s, encoding/json writes %s", l, got, want)
		}
	}
}

func TestDecodeLatency(t *testing.T) {
	for _, tc := range []struct {
		doc     string
		want    monitor.LatencyState
		compact bool // read without encoding/json
	}{
		{`{}`, monitor.LatencyState{}, true},
		{`{"window":[5,-6,0],"streak":2,"degraded":true}`, monitor.LatencyState{Window: []int64{5, -6, 0}, Streak: 2, Degraded: true}, true},
		{`{"streak":3}`, monitor.LatencyState{Streak: 3}, true},
		{`{"degraded":false}`, monitor.LatencyState{}, true},
		// jsonb's own spacing and key order, as rows written before 00086 read back.
		{`{"streak": 1, "window": [40, 41], "degraded": true}`, monitor.LatencyState{Window: []int64{40, 41}, Streak: 1, Degraded: true}, false},
		{`{"Window":[7]}`, monitor.LatencyState{Window: []int64{7}}, false},
		{`{"window":[]}`, monitor.LatencyState{Window: []int64{}}, false},
		{`{"window":[1],"window":[2]}`, monitor.LatencyState{Window: []int64{2}}, false},
		{`{"window":[1],"other":true}`, monitor.LatencyState{Window: []int64{1}}, false},
	} {
		got, err := DecodeLatency([]byte(tc.doc))
		if err != nil {
			t.Errorf("DecodeLatency(%s): %v", tc.doc, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("DecodeLatency(%s) = %+v, want %+v", tc.doc, got, tc.want)
		}
		if _, ok := decodeLatencyCompact([]byte(tc.doc)); ok != tc.compact {
			t.Errorf("%s read by hand: %v, want %v", tc.doc, ok, tc.compact)
		}
	}
}

func TestDecodeLatencyRefusesWhatEncodingJSONRefuses(t *testing.T) {
	for _, doc := range []string{`{`, `{"window":[1,]}`, `{"window":[01]}`, `{"window":[1.5]}`, `{"streak":99999999999999999999}`,
		`{"degraded":1}`, `{"window":[1]}x`, `{"window":[-]}`, `[1]`, `null x`} {
		if l, err := DecodeLatency([]byte(doc)); err == nil {
			t.Errorf("DecodeLatency(%s) = %+v, want an error", doc, l)
		}
	}
}

// FuzzDecodeLatency: whatever the input, the hand reader either declines it or reads exactly
// what encoding/json reads; and every state survives a round trip.
func FuzzDecodeLatency(f *testing.F) {
	for _, seed := range []string{`{}`, `{"window":[1,2,3],"streak":1,"degraded":true}`, `{"window":[-0]}`,
		`{"window":[0,10,-20],"degraded":false}`, `{"streak":-7}`, `{"window":[9223372036854775808]}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := decodeLatencyCompact(b)
		if ok {
			var d latencyDoc
			if err := json.Unmarshal(b, &d); err != nil {
				t.Fatalf("read by hand as %+v, encoding/json refuses it: %v", got, err)
			}
			want := monitor.LatencyState{Window: d.Window, Streak: d.Streak, Degraded: d.Degraded}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("read by hand as %+v, encoding/json reads %+v", got, want)
			}
		}
		if l, err := DecodeLatency(b); err == nil {
			back, err := DecodeLatency(EncodeLatency(l))
			if err != nil || !reflect.DeepEqual(normalWindow(back), normalWindow(l)) {
				t.Fatalf("round trip of %+v gave %+v, %v", l, back, err)
			}
		}
	})
}

// normalWindow treats an empty window as none: the document omits both alike.
func normalWindow(l monitor.LatencyState) monitor.LatencyState {
	if len(l.Window) == 0 {
		l.Window = nil
	}
	return l
}

func BenchmarkDecodeLatency(b *testing.B) {
	window := make([]int64, monitor.LatencyWindow)
	for i := range window {
		window[i] = int64(100 + i)
	}
	doc := EncodeLatency(monitor.LatencyState{Window: window, Streak: 2})
	b.Run("by hand", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeLatency(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			var d latencyDoc
			if err := json.Unmarshal(doc, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
}

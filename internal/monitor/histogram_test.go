package monitor

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestHistogramConstantsMatchTheirDefinitions(t *testing.T) {
	if got := math.Log(histHighUS / histLowUS); math.Abs(got-histLogRange) > 1e-15 {
		t.Errorf("histLogRange = %v, ln 300000 = %v", histLogRange, got)
	}
	growth := math.Exp(histLogRange / histSteps)
	if bound := (growth - 1) / (growth + 1); bound > HistogramQuantileError || HistogramQuantileError-bound > 0.0001 {
		t.Errorf("HistogramQuantileError = %v, the bound is %v (ratio %v)", HistogramQuantileError, bound, growth)
	}
	for i := 1; i <= histSteps; i++ {
		lo := int64(math.Ceil(bucketLow(i) + 1e-6))
		if got := bucketOf(lo); got != i {
			t.Errorf("bucketOf(%d µs) = %d, want %d", lo, got, i)
		}
	}
	if bucketOf(histHighUS-1) != histSteps || bucketOf(histHighUS) != histOverflow || bucketOf(histLowUS-1) != 0 {
		t.Error("the edges of the log buckets are off")
	}
}

// sample draws n response times, in whole microseconds (the histogram's resolution).
type sample func(rng *rand.Rand) time.Duration

func logUniform(lo, hi time.Duration) sample {
	return func(rng *rand.Rand) time.Duration {
		x := math.Exp(math.Log(float64(lo)) + rng.Float64()*math.Log(float64(hi)/float64(lo)))
		return time.Duration(x).Truncate(time.Microsecond)
	}
}

func logNormal(median time.Duration, sigma float64) sample {
	return func(rng *rand.Rand) time.Duration {
		return time.Duration(float64(median) * math.Exp(sigma*rng.NormFloat64())).Truncate(time.Microsecond)
	}
}

func TestHistogramQuantilesAreWithinTheErrorBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	tests := []struct {
		name string
		n    int
		draw sample
	}{
		{"a steady site, 60 checks", 60, logNormal(120*time.Millisecond, 0.2)},
		{"a steady site, a day at 10 s", 8640, logNormal(80*time.Millisecond, 0.3)},
		{"a noisy site with a long tail", 5000, logNormal(300*time.Millisecond, 1.2)},
		{"1 ms to 300 s, evenly in log", 20000, logUniform(time.Millisecond, 300*time.Second)},
		{"whole milliseconds, as the store keeps them", 3000, func(rng *rand.Rand) time.Duration {
			return time.Duration(1+rng.IntN(40)) * time.Millisecond
		}},
	}
	quantiles := []float64{0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Histogram
			times := make([]time.Duration, tt.n)
			for i := range times {
				times[i] = tt.draw(rng)
				h.Add(times[i])
			}
			slices.Sort(times)
			worst := 0.0
			for _, q := range quantiles {
				rank := max(int(math.Ceil(q*float64(tt.n))), 1)
				exact, got := times[rank-1], h.Quantile(q)
				rel := math.Abs(float64(got-exact)) / float64(exact)
				worst = max(worst, rel)
				if rel > HistogramQuantileError {
					t.Errorf("p%v = %v, exact %v: off by %.2f %%", q*100, got, exact, rel*100)
				}
			}
			t.Logf("worst relative error %.2f %%", worst*100)
		})
	}
}

func TestHistogramBeyondTheLogBuckets(t *testing.T) {
	var fast Histogram
	for _, us := range []int64{0, 100, 300, 900} {
		fast.Add(time.Duration(us) * time.Microsecond)
	}
	for _, q := range []float64{0.25, 0.5, 1} {
		if got := fast.Quantile(q); got < 0 || got > 900*time.Microsecond {
			t.Errorf("sub-millisecond p%v = %v, outside [min, max]", q*100, got)
		}
	}
	var slow Histogram
	slow.Add(301 * time.Second)
	slow.Add(400 * time.Second)
	if got := slow.Quantile(0.5); got < 301*time.Second || got > 400*time.Second {
		t.Errorf("overflow p50 = %v", got)
	}
	if got := slow.Quantile(1); got != 400*time.Second {
		t.Errorf("p100 = %v, want the maximum", got)
	}
	var neg Histogram
	neg.Add(-time.Second)
	if neg.Min() != 0 || neg.Quantile(0.5) != 0 {
		t.Errorf("a negative time counts as 0: min %v", neg.Min())
	}
}

func TestHistogramKeepsExactSummaries(t *testing.T) {
	var h Histogram
	if h.Count() != 0 || h.Mean() != 0 || h.Quantile(0.5) != 0 || h.Min() != 0 || h.Max() != 0 {
		t.Fatal("an empty histogram says something")
	}
	for _, ms := range []time.Duration{120, 80, 100, 2000} {
		h.Add(ms * time.Millisecond)
	}
	if h.Count() != 4 || h.Sum() != 2300*time.Millisecond || h.Min() != 80*time.Millisecond ||
		h.Max() != 2*time.Second || h.Mean() != 575*time.Millisecond {
		t.Errorf("count %d sum %v min %v max %v mean %v", h.Count(), h.Sum(), h.Min(), h.Max(), h.Mean())
	}
	if h.Quantile(0) != 80*time.Millisecond || h.Quantile(math.NaN()) != 80*time.Millisecond || h.Quantile(2) != 2*time.Second {
		t.Errorf("p0 %v, p200 %v: want min and max", h.Quantile(0), h.Quantile(2))
	}
}

func TestHoursMergeIntoTheirDay(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	draw := logNormal(150*time.Millisecond, 0.5)
	var day, merged Histogram
	for range 24 {
		var hour Histogram
		for range 60 {
			d := draw(rng)
			hour.Add(d)
			day.Add(d)
		}
		merged.Merge(&hour)
	}
	var empty Histogram
	merged.Merge(&empty)
	if merged != day {
		t.Errorf("merged hours differ from the day recorded at once")
	}
	empty.Merge(&day)
	if empty != day {
		t.Errorf("merging into an empty histogram does not copy it")
	}
}

func TestHistogramEncodingRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tests := []struct {
		name string
		n    int
		draw sample
	}{
		{"empty", 0, nil},
		{"one", 1, logNormal(time.Second, 0)},
		{"an hour at 60 s", 60, logNormal(120*time.Millisecond, 0.2)},
		{"an hour at 10 s, noisy", 360, logNormal(120*time.Millisecond, 1)},
		{"everywhere", 10000, logUniform(time.Microsecond, 1000*time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Histogram
			for range tt.n {
				h.Add(tt.draw(rng))
			}
			b, err := h.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var got Histogram
			got.Add(time.Hour) // decoding replaces what was there
			if err := got.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			if got != h {
				t.Errorf("decoded histogram differs")
			}
			t.Logf("%d times in %d bytes", tt.n, len(b))
		})
	}
}

func TestAnHourOfATypicalSiteEncodesSmall(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	draw := logNormal(120*time.Millisecond, 0.25)
	total := 0
	const hours = 1000
	for range hours {
		var h Histogram
		for range 60 {
			h.Add(draw(rng).Truncate(time.Millisecond)) // the store keeps whole milliseconds
		}
		b, _ := h.MarshalBinary()
		total += len(b)
	}
	if mean := float64(total) / hours; mean > 40 {
		t.Errorf("an hour of 60 checks takes %.1f bytes, want at most 40", mean)
	} else {
		t.Logf("an hour of 60 checks takes %.1f bytes on average", mean)
	}
}

func TestMalformedHistogramsAreRefused(t *testing.T) {
	var valid Histogram
	valid.Add(time.Second)
	good, _ := valid.MarshalBinary() // 1, min, 0, sum, step, 1
	tests := []struct {
		name string
		data []byte
	}{
		{"nothing", nil},
		{"an unknown version", []byte{2}},
		{"truncated summary", good[:3]},
		{"no buckets", good[:len(good)-2]},
		{"truncated bucket", good[:len(good)-1]},
		{"a zero step", append(append([]byte{}, good[:len(good)-2]...), 0, 1)},
		{"a bucket past the last", append(append([]byte{}, good[:len(good)-2]...), histBuckets+1, 1)},
		{"a zero count", append(append([]byte{}, good[:len(good)-2]...), 1, 0)},
		{"a count beyond int64", append(append([]byte{}, good[:len(good)-2]...), 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)},
		{"a minimum beyond int64", []byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0, 1, 1}},
		{"a maximum beyond int64", []byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 2, 0, 1, 1}},
		{"an overlong varint", []byte{1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Histogram
			h.Add(time.Second)
			if err := h.UnmarshalBinary(tt.data); err == nil {
				t.Errorf("UnmarshalBinary(%v) accepted it", tt.data)
			}
			if h != (Histogram{}) {
				t.Errorf("a refused encoding left the histogram %+v", h)
			}
		})
	}
}

func FuzzHistogramDecode(f *testing.F) {
	var h Histogram
	for _, ms := range []time.Duration{0, 1, 5, 120, 130, 90000, 400000} {
		h.Add(ms * time.Millisecond)
	}
	b, _ := h.MarshalBinary()
	f.Add(b)
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, data []byte) {
		var got Histogram
		if err := got.UnmarshalBinary(data); err != nil {
			return
		}
		again, _ := got.MarshalBinary()
		var back Histogram
		if err := back.UnmarshalBinary(again); err != nil || back != got {
			t.Fatalf("re-encoding %v gave %v (%v)", data, again, err)
		}
		_ = got.Quantile(0.99)
	})
}

func BenchmarkHistogramAdd(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	times := make([]time.Duration, 1024)
	for i := range times {
		times[i] = logNormal(120*time.Millisecond, 0.5)(rng)
	}
	var h Histogram
	for i := 0; b.Loop(); i++ {
		h.Add(times[i%len(times)])
	}
}

func typicalHour(state uint64) *Histogram {
	rng := rand.New(rand.NewPCG(state, 9))
	var h Histogram
	for range 60 {
		h.Add(logNormal(120*time.Millisecond, 0.25)(rng).Truncate(time.Millisecond))
	}
	return &h
}

func BenchmarkHistogramMerge(b *testing.B) {
	hour := typicalHour(1)
	var day Histogram
	for b.Loop() {
		day.Merge(hour)
	}
}

func BenchmarkHistogramEncode(b *testing.B) {
	hour := typicalHour(2)
	buf := make([]byte, 0, 64)
	for b.Loop() {
		buf, _ = hour.AppendBinary(buf[:0])
	}
	b.ReportMetric(float64(len(buf)), "bytes/hour")
}

func BenchmarkHistogramDecode(b *testing.B) {
	data, _ := typicalHour(3).MarshalBinary()
	var h Histogram
	for b.Loop() {
		if err := h.UnmarshalBinary(data); err != nil {
			b.Fatal(err)
		}
	}
}

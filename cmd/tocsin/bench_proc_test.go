package main

import (
	"os"
	"strings"
	"testing"
)

func TestProcessReadingsOfThisProcess(t *testing.T) {
	for range 2_000_000 { // use a little CPU, so some ticks are counted
		_ = make([]byte, 16)
	}
	if _, err := processCPU(os.Getpid()); err != nil {
		t.Fatal(err)
	}
	rss, peak, err := processMemory(os.Getpid())
	if err != nil || rss <= 0 || peak < rss {
		t.Fatalf("rss %d, peak %d, err %v", rss, peak, err)
	}
}

func TestOpenFileLimitIsCheckedAtStart(t *testing.T) {
	var out syncBuffer
	// Where the limit is below what the most checks at once need, serve says so and stops.
	code := run([]string{"serve", "--max-concurrent-checks", "100000", "--addr", "127.0.0.1:0"}, map[string]string{}, &out, &out)
	if code != 1 || !strings.Contains(out.String(), "ulimit -n") {
		t.Skipf("this machine's open file limit holds 100,000 checks (exit %d): %s", code, out.String())
	}
}

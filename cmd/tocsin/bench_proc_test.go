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

func TestBenchRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "-store", "mysql"},
		{"bench", "-sites", "0"},
		{"bench", "-interval", "1500ms"},
		{"bench", "-store", "postgres", "-database-url", "sqlite:x.db"},
	} {
		var out syncBuffer
		if code := run(args, map[string]string{}, &out, &out); code != 2 || !strings.Contains(out.String(), "tocsin bench:") {
			t.Errorf("%q: exit %d, %q; want 2 and a message", args, code, out.String())
		}
	}
}

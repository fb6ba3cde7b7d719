package main

import (
	"os"
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

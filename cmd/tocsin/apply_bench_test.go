package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/store/storetest"
)

// BenchmarkApply10000Sites times the built `tocsin apply -f` of a file of 10,000 new sites
// against the built `tocsin serve`, on a fresh database each time: the file read and checked,
// the server's dry run, and the sites created through POST /sites/batch.
//
//	go test ./cmd/tocsin -run '^$' -bench Apply -benchtime 3x
func BenchmarkApply10000Sites(b *testing.B) {
	bin := buildTocsin(b, "bench")
	var file strings.Builder
	file.WriteString("sites:\n")
	for i := range 10000 {
		fmt.Fprintf(&file, "  - name: site-%05d\n    url: http://127.0.0.1:9/site-%d\n    check_interval_seconds: 300\n", i, i)
	}
	path := filepath.Join(b.TempDir(), "sites.yaml")
	if err := os.WriteFile(path, []byte(file.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	databases := map[string]func() string{
		"sqlite":   func() string { return "sqlite:" + filepath.Join(b.TempDir(), "tocsin.db") },
		"postgres": func() string { return storetest.PostgresURL(b) },
	}
	for name, database := range databases {
		b.Run(name, func(b *testing.B) {
			b.StopTimer()
			for range b.N {
				base, _ := serveBinary(b, bin, "DATABASE_URL="+database(), "TOCSIN_AUTH=off")
				b.StartTimer()
				out, err := exec.Command(bin, "apply", "-f", path, "--server", base).CombinedOutput()
				b.StopTimer()
				if err != nil || !strings.Contains(string(out), "10000 to create, 0 to update, 0 to delete\napplied\n") {
					b.Fatalf("apply: %v\n%.500s", err, out[max(0, len(out)-500):])
				}
			}
		})
	}
}

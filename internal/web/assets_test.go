package web

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
)

func TestEveryAssetAPageLoadsIsServedImmutable(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	s := f.add(site{name: "shop", checks: []monitor.Status{up, up}})
	var urls []string
	for _, path := range []string{"/", "/app/sites/" + itoa(s.ID), "/app/alerts"} {
		body := f.get(path).body
		for _, m := range regexp.MustCompile(`(?:href|src)="(/app/assets/[^"]+)"`).FindAllStringSubmatch(body, -1) {
			urls = append(urls, m[1])
		}
	}
	want := []string{"app.css", "icon.svg", "site.js", "uPlot.iife.min.js", "uPlot.min.css"}
	for _, name := range want {
		base := strings.TrimSuffix(name, filepath.Ext(name))
		if !slicesContainsPrefix(urls, base) {
			t.Errorf("no page loads %s (loaded: %v)", name, urls)
		}
	}
	for _, u := range urls {
		got := f.request(u, "*/*")
		if got.status != http.StatusOK || got.header.Get("Cache-Control") != immutable || got.body == "" {
			t.Errorf("GET %s: %d, Cache-Control %q", u, got.status, got.header.Get("Cache-Control"))
		}
		if ct := got.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") && !strings.HasPrefix(ct, "text/javascript") && ct != "image/svg+xml" {
			t.Errorf("GET %s: Content-Type %q", u, ct)
		}
		sum := sha256.Sum256([]byte(got.body))
		if !strings.Contains(u, "."+hex.EncodeToString(sum[:6])+".") {
			t.Errorf("GET %s: the name does not carry the content's hash", u)
		}
	}
}

func slicesContainsPrefix(urls []string, base string) bool {
	for _, u := range urls {
		if strings.Contains(u, "/"+base+".") {
			return true
		}
	}
	return false
}

func TestAnAssetUnderAnotherHashIsNotFound(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	for _, path := range []string{"/app/assets/app.css", "/app/assets/app.000000000000.css", "/app/assets/LICENSE"} {
		if got := f.request(path, "*/*"); got.status != http.StatusNotFound || got.header.Get("Cache-Control") == immutable {
			t.Errorf("GET %s: %d, Cache-Control %q", path, got.status, got.header.Get("Cache-Control"))
		}
	}
}

// The vendored files are what scripts/fetch-assets.sh fetched and checked: nobody edited them.
func TestVendoredFilesMatchTheirChecksums(t *testing.T) {
	dir := filepath.Join("assets", "vendor", "uplot")
	sums, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer sums.Close()
	checked := 0
	lines := bufio.NewScanner(sums)
	for lines.Scan() {
		want, name, ok := strings.Cut(lines.Text(), "  ")
		if !ok {
			t.Fatalf("bad line %q", lines.Text())
		}
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != want {
			t.Errorf("%s does not match SHA256SUMS; run scripts/fetch-assets.sh", name)
		}
		checked++
	}
	if checked < 3 {
		t.Errorf("only %d files checked", checked)
	}
}

// Pages keep to their Content-Security-Policy: no inline script, style or handler.
func TestTemplatesHaveNoInlineStyleOrScript(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("templates", "*", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	forbidden := regexp.MustCompile(`(?i)\sstyle=|\son[a-z]+=|<style|<script>|<script\s+(?:[^>]*\s)?type="(?:text/javascript|module)"|javascript:`)
	for _, name := range files {
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if m := forbidden.Find(body); m != nil {
			t.Errorf("%s has %q, which the CSP forbids", name, m)
		}
	}
}

// Package e2e holds the end-to-end suite: it builds the tocsin command, runs it as a real
// process on a temporary SQLite file, and drives its pages with a real Chromium (Debian's
// chromium package) through chromedp. It sits beside cmd and internal, not inside
// internal/web, because what it proves spans the whole binary: the API that adds sites, the
// scheduler that checks them, and the pages that show the result.
//
// Without Chromium the suite skips, unless CI=true, where it fails. With -screenshots it also
// writes the README's screenshots to docs/ (CI never does):
//
//	go test ./e2e -run Screenshots -screenshots
package e2e

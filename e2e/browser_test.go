package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browser is one headless Chromium shared by the suite; each test gets tabs of its own.
type browser struct {
	ctx    context.Context
	cancel func()
}

// startBrowser starts Chromium headless with a fresh profile. The background-networking flags
// keep it from calling home, which on a closed network floods it with failing requests.
func startBrowser(path, profile string) (*browser, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	// The first Run starts the browser, which lives as long as ctx.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		return nil, err
	}
	return &browser{ctx: ctx, cancel: func() { cancelCtx(); cancelAlloc() }}, nil
}

func (b *browser) close() { b.cancel() }

// view is how a tab looks at pages: its width and colour scheme.
type view struct {
	width, height int64
	scheme        string // "light" or "dark"
}

func desktop(scheme string) view { return view{width: 1280, height: 900, scheme: scheme} }

// tab is one browser tab with its own view. It records what the page complained about:
// uncaught exceptions, console errors and Content-Security-Policy violations.
type tab struct {
	t        *testing.T
	ctx      context.Context
	mu       sync.Mutex
	problems []string
	close    context.CancelFunc // closes the tab
}

func (b *browser) tab(t *testing.T, v view) *tab {
	t.Helper()
	tb := &tab{t: t}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithListener(tb.listen))
	t.Cleanup(cancel)
	tb.ctx, tb.close = ctx, cancel
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(v.width, v.height),
		chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
			_, err := cdp.Call(ctx, target, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v.scheme}}})
			if err != nil {
				return err
			}
			// The page's own CSP blocks inline scripts, but not one the browser injects.
			_, err = cdp.Call(ctx, target, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: `window.__csp = []; document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));`})
			return err
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func (tb *tab) listen(ev any) {
	var problem string
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		problem = "exception: " + e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			problem += " " + e.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			problem = "console.error"
		}
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError {
			problem = "log: " + e.Entry.Text
		}
	}
	if problem != "" {
		tb.mu.Lock()
		tb.problems = append(tb.problems, problem)
		tb.mu.Unlock()
	}
}

// open loads a page and waits for it.
func (tb *tab) open(url string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(url), chromedp.WaitReady("body"))
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatal(err)
	}
}

// eval runs a script in the page and returns its JSON-decoded value.
func eval[T any](tb *tab, script string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", script, err)
	}
	return v
}

// assertNoProblems fails when the page threw, logged an error or broke its CSP.
func (tb *tab) assertNoProblems() {
	tb.t.Helper()
	csp := eval[[]string](tb, `window.__csp || []`)
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.problems) > 0 || len(csp) > 0 {
		tb.t.Errorf("the page had problems: %v; CSP violations: %v", tb.problems, csp)
	}
}

// screenshot writes the whole page as a PNG under docs/, when -screenshots asks for it.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	if !*writeScreenshots {
		return
	}
	ctx, cancel := context.WithTimeout(tb.ctx, time.Minute)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatal(err)
	}
	path := filepath.Join("..", "docs", name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	fmt.Fprintln(os.Stderr, "wrote", path)
}

package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// A shared layout (templates/layout) and one template per page (templates/pages), like
// miniflux's: each page is parsed once, on top of its own copy of the layout.
//
//go:embed templates
var templateFiles embed.FS

type pages struct {
	byName map[string]*template.Template
}

func mustParsePages(a *assets) *pages {
	p, err := parsePages(templateFiles, a)
	if err != nil {
		panic(err)
	}
	return p
}

func parsePages(files fs.FS, a *assets) (*pages, error) {
	base, err := template.New("").Funcs(template.FuncMap{"asset": a.URL}).Funcs(formFuncs()).ParseFS(files, "templates/layout/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(files, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range names {
		t, err := template.Must(base.Clone()).ParseFS(files, name)
		if err != nil {
			return nil, err
		}
		p.byName[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return p, nil
}

func (p *pages) execute(w io.Writer, name string, data any) error {
	t, ok := p.byName[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	return t.ExecuteTemplate(w, "layout", data)
}

// layout is what the shared layout prints around every page; page data embeds it.
type layout struct {
	Title   string
	Nav     string // the navigation entry to mark as current: "overview", "alerts", "maintenance", …
	Version string
	// Anonymous pages (sign-in) show no navigation: its links would not work.
	Anonymous bool
	// SignOut shows the sign-out button: there is sign-in (auth is on).
	SignOut bool
}

func (h *Handler) layout(title, nav string) layout {
	return layout{Title: title, Nav: nav, Version: h.version, SignOut: !h.authOff}
}

// render writes a whole page or, if the template fails, a plain 500: a page is rendered into a
// buffer first, so a failure half-way never sends half a page with a 200.
func (h *Handler) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	pageHeaders(w.Header())
	if err := h.pages.execute(&buf, name, data); err != nil {
		h.log.Error("render page", "page", name, "err", err)
		http.Error(w, "something went wrong on our side; it has been logged", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

package declare_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/declare"
	"github.com/tocsin/tocsin/internal/monitor"
)

const pagesFile = `
sites:
  - name: Shop
    url: https://shop.example/health
  - name: API
    url: https://api.example/health
  - name: Blog
    url: https://blog.example
status_pages:
  - slug: acme
    title: Acme status
    description: How our services are doing
    sections:
      - title: Public
        sites: [Shop, Blog]
      - title: Developers
        sites: [API]
    show_url_sites: [Shop]
    maintenance:
      - message: Database upgrade
        from: 2030-01-01T00:00:00+01:00
        to: 2030-01-01T02:00:00Z
  - slug: internal
    title: Internal
    sections:
      - sites: [API]
`

func (s *server) pages(t *testing.T) map[string]monitor.StatusPage {
	t.Helper()
	list, err := s.store.ListStatusPages(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]monitor.StatusPage{}
	for _, p := range list {
		out[p.Slug] = p
	}
	return out
}

func TestApplyStatusPagesThenChangeNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *server) {
		diff := s.apply(t, pagesFile, false)
		if !strings.Contains(diff, `+ status page "acme"`) || !strings.HasSuffix(diff, "5 to create, 0 to update, 0 to delete\n") {
			t.Fatalf("first apply:\n%s", diff)
		}
		sites, pages := s.sites(t), s.pages(t)
		acme := pages["acme"]
		if len(pages) != 2 || acme.Title != "Acme status" || len(acme.Sections) != 2 ||
			fmt.Sprint(acme.Sections[0].SiteIDs) != fmt.Sprint([]int64{sites["Shop"].ID, sites["Blog"].ID}) ||
			fmt.Sprint(acme.ShowURLSiteIDs) != fmt.Sprint([]int64{sites["Shop"].ID}) || len(acme.Maintenance) != 1 {
			t.Errorf("pages after the first apply: %+v", pages)
		}
		if diff := s.apply(t, pagesFile, true); diff != "no changes\n" {
			t.Errorf("the same file again:\n%s", diff)
		}
		out, err := declare.Export(context.Background(), s.client, false)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), "status_pages:\n") || !strings.Contains(string(out), "slug: acme") {
			t.Errorf("export:\n%s", out)
		}
		if diff := s.apply(t, string(out), true); diff != "no changes\n" {
			t.Errorf("the export applied:\n%s\nexport:\n%s", diff, out)
		}
		// A change of sections and a prune.
		changed := strings.Replace(pagesFile, "sites: [Shop, Blog]", "sites: [Blog, Shop]", 1)
		changed = changed[:strings.Index(changed, "  - slug: internal")]
		diff = s.apply(t, changed, true)
		for _, line := range []string{`~ status page "acme"`, "    sections: ", `- status page "internal"`} {
			if !strings.Contains(diff, line) {
				t.Errorf("diff lacks %q:\n%s", line, diff)
			}
		}
		if got := s.pages(t); len(got) != 1 || fmt.Sprint(got["acme"].Sections[0].SiteIDs) != fmt.Sprint([]int64{sites["Blog"].ID, sites["Shop"].ID}) {
			t.Errorf("pages after the change: %+v", got)
		}
		if diff := s.apply(t, changed, true); diff != "no changes\n" {
			t.Errorf("again:\n%s", diff)
		}
	})
}

func TestABadStatusPageChangesNothingAndSaysWhere(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *server) {
		site := "sites:\n  - name: Shop\n    url: https://shop.example\n"
		tests := []struct{ name, file, want string }{
			{"an unknown site", site + "status_pages:\n  - slug: a\n    title: A\n    sections:\n      - sites: [nope]\n",
				`sites.yaml:7: status_pages[0].sections: sections[0].sites: there is no site named "nope"`},
			{"a bad slug", site + "status_pages:\n  - slug: Not A Slug\n    title: A\n    sections:\n      - sites: [Shop]\n",
				"sites.yaml:5: status_pages[0].slug: must be 1 to"},
			{"no sections", site + "status_pages:\n  - slug: a\n    title: A\n", "sites.yaml:5: status_pages[0].sections: every status page needs sections"},
			{"a URL shown of a site not on the page", site + "  - name: Blog\n    url: https://blog.example\nstatus_pages:\n  - slug: a\n    title: A\n    sections:\n      - sites: [Shop]\n    show_url_sites: [Blog]\n",
				`sites.yaml:11: status_pages[0].show_url_sites: "Blog" is not in any of the page's sections`},
			{"a note that ends before it begins", site + "status_pages:\n  - slug: a\n    title: A\n    sections:\n      - sites: [Shop]\n    maintenance:\n      - message: m\n        from: 2030-01-02T00:00:00Z\n        to: 2030-01-01T00:00:00Z\n",
				"sites.yaml:9: status_pages[0].maintenance: maintenance[0].to: must be after from"},
		}
		for _, tt := range tests {
			_, _, err := s.plan(t, tt.file, true)
			var fe *declare.FileError
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("%s: %v\nwant it to start %q", tt.name, err, tt.want)
			}
		}
		if len(s.pages(t)) != 0 || len(s.sites(t)) != 0 {
			t.Error("refused files changed something")
		}
	})
}

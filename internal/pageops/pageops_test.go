package pageops

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// fakeStore has sites 1 and 2 of owner 7 and site 3 of owner 8, and the slug "taken".
type fakeStore struct{ saved []monitor.StatusPage }

func (s *fakeStore) SitesByID(_ context.Context, owner int64, ids []int64) ([]monitor.Site, error) {
	owners := map[int64]int64{1: 7, 2: 7, 3: 8}
	var out []monitor.Site
	for _, id := range ids {
		if owners[id] == owner {
			out = append(out, monitor.Site{ID: id, OwnerID: owner})
		}
	}
	return out, nil
}

func (s *fakeStore) CreateStatusPage(_ context.Context, p monitor.StatusPage) (monitor.StatusPage, error) {
	if p.Slug == "taken" {
		return monitor.StatusPage{}, store.ErrSlugTaken
	}
	s.saved = append(s.saved, p)
	return p, nil
}

func (s *fakeStore) UpdateStatusPage(ctx context.Context, p monitor.StatusPage) (monitor.StatusPage, error) {
	return s.CreateStatusPage(ctx, p)
}

func (s *fakeStore) DeleteStatusPage(context.Context, int64, int64) error { return nil }

type fakeCache struct{ forgot []string }

func (c *fakeCache) Forget(slugs ...string) { c.forgot = append(c.forgot, slugs...) }

func page(slug string, sections ...[]int64) monitor.StatusPage {
	p := monitor.StatusPage{OwnerID: 7, Slug: slug, Title: "Acme"}
	for _, ids := range sections {
		p.Sections = append(p.Sections, monitor.StatusSection{SiteIDs: ids})
	}
	return p
}

func TestCreateAppliesEveryRuleAndForgetsTheSlug(t *testing.T) {
	for _, tt := range []struct {
		name  string
		page  monitor.StatusPage
		field string // of the *monitor.FieldError; "" for none
		err   error
	}{
		{"ok", page("acme", []int64{1}, []int64{2}), "", nil},
		{"another owner's site, in the second section", page("acme", []int64{1}, []int64{3}), "sections[1].site_ids", nil},
		{"a site of nobody's", page("acme", []int64{9}), "sections[0].site_ids", nil},
		{"monitor's rules first", page("Acme", []int64{3}), "slug", nil},
		{"a taken slug", page("taken", []int64{1}), "", store.ErrSlugTaken},
	} {
		st, cache := &fakeStore{}, &fakeCache{}
		pages := &Pages{Store: st, Cache: cache}
		_, err := pages.Create(context.Background(), tt.page)
		var fe *monitor.FieldError
		switch {
		case tt.field != "":
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("%s: %v, want an error about %s", tt.name, err, tt.field)
			}
		case tt.err != nil:
			if !errors.Is(err, tt.err) {
				t.Errorf("%s: %v, want %v", tt.name, err, tt.err)
			}
		case err != nil || len(st.saved) != 1 || !slices.Equal(cache.forgot, []string{"acme"}):
			t.Errorf("%s: %v, saved %d, forgot %v", tt.name, err, len(st.saved), cache.forgot)
		}
		if err != nil && (len(st.saved) != 0 || len(cache.forgot) != 0) {
			t.Errorf("%s: refused, yet saved %d and forgot %v", tt.name, len(st.saved), cache.forgot)
		}
	}
}

func TestUpdateAndDeleteForgetEverySlugThePageHad(t *testing.T) {
	cache := &fakeCache{}
	pages := &Pages{Store: &fakeStore{}, Cache: cache}
	if _, err := pages.Update(context.Background(), page("old", []int64{1}), page("new", []int64{1})); err != nil {
		t.Fatal(err)
	}
	if err := pages.Delete(context.Background(), page("new")); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cache.forgot, []string{"old", "new", "new"}) {
		t.Errorf("forgot %v", cache.forgot)
	}
}

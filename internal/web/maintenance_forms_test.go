package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, on machines without a zone database

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// oneOffForm is the form filled in for a one-off window on the sites given, times in UTC.
func oneOffForm(title, start, end string, siteIDs ...int64) url.Values {
	v := url.Values{"title": {title}, "all_sites": {"false"}, "kind": {"one-off"}, "start": {start}, "end": {end},
		"oneoff_timezone": {"UTC"}, "cron": {""}, "duration": {""}, "timezone": {"UTC"}}
	for _, id := range siteIDs {
		v.Add("site_ids", itoa(id))
	}
	return v
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

func (f *fixture) windows(owner int64) []monitor.Maintenance {
	f.t.Helper()
	list, err := f.store.ListMaintenance(context.Background(), owner)
	if err != nil {
		f.t.Fatal(err)
	}
	return list
}

// A window made through the form is the window POST /maintenance would have made: the same
// fields stored, by the same rules.
func TestMaintenanceFormMakesTheWindowTheAPIWould(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		shop := f.add(site{name: "shop"})
		blog := f.add(site{name: "blog"})
		tests := []struct {
			name string
			form url.Values
			want monitor.Maintenance
		}{
			{"one-off in UTC", oneOffForm("DB upgrade", "2026-11-23T09:30", "2026-11-23T12:00", shop.ID),
				monitor.Maintenance{Title: "DB upgrade", SiteIDs: []int64{shop.ID}, Start: now.Add(-30 * time.Minute), End: now.Add(2 * time.Hour)}},
			// 10:30 in Berlin is 09:30 UTC in November.
			{"one-off in a zone", with(oneOffForm("Move", "2026-11-23T10:30", "2026-11-23T13:00", shop.ID, blog.ID), "oneoff_timezone", "Europe/Berlin"),
				monitor.Maintenance{Title: "Move", SiteIDs: []int64{shop.ID, blog.ID}, Start: now.Add(-30 * time.Minute), End: now.Add(2 * time.Hour)}},
			{"recurring on all sites", url.Values{"title": {"Patching"}, "all_sites": {"true"}, "site_ids": {itoa(shop.ID)}, "kind": {"recurring"},
				"start": {"2026-11-23T09:30"}, "cron": {"0 3 * * sun"}, "duration": {"90m"}, "timezone": {"Europe/Berlin"}},
				monitor.Maintenance{Title: "Patching", AllSites: true, Cron: "0 3 * * sun", Duration: 90 * time.Minute, Timezone: "Europe/Berlin"}},
		}
		for _, tt := range tests {
			before := len(f.windows(0))
			got := f.post("/app/maintenance", tt.form)
			if got.status != http.StatusSeeOther || got.header.Get("Location") != "/app/maintenance?done=added" {
				t.Fatalf("%s: %d %s\n%.1500s", tt.name, got.status, got.header.Get("Location"), got.body)
			}
			list := f.windows(0)
			if len(list) != before+1 {
				t.Fatalf("%s: %d windows after adding one to %d", tt.name, len(list), before)
			}
			m := list[len(list)-1]
			if m.Title != tt.want.Title || m.AllSites != tt.want.AllSites || !equalIDs(m.SiteIDs, tt.want.SiteIDs) ||
				!m.Start.Equal(tt.want.Start) || !m.End.Equal(tt.want.End) || m.Cron != tt.want.Cron ||
				m.Duration != tt.want.Duration || m.Timezone != tt.want.Timezone || !m.CreatedAt.Equal(now) {
				t.Errorf("%s: stored %+v, want %+v", tt.name, m, tt.want)
			}
		}
		page := f.get("/app/maintenance?done=added")
		for _, want := range []string{"Maintenance window added.", "DB upgrade", "All sites", "Opens every Sunday at 03:00</span>, Europe/Berlin time, for 1 h 30 min",
			"<code>0 3 * * sun</code>", `href="/app/sites/` + itoa(shop.ID) + `">shop</a>, <a href="/app/sites/` + itoa(blog.ID) + `">blog</a>`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("the maintenance page lacks %q", want)
			}
		}
		// The one-off windows are open now (the clock is 10:00 UTC), and say when they close; the
		// recurring one is not, and says when it next opens.
		active := regexp.MustCompile(`data-active="true">`).FindAllString(page.body, -1)
		if len(active) != 2 || strings.Count(page.body, "Active now") != 2 || strings.Count(page.body, "closes <time") != 2 ||
			strings.Count(page.body, "next opens <time datetime=\"2026-11-29T02:00:00Z\"") != 1 {
			t.Errorf("the page should say two windows are active and one opens on Sunday:\n%s", page.body)
		}
		if !strings.Contains(page.body, `aria-current="page">Maintenance`) {
			t.Error("the navigation does not mark the maintenance page")
		}
		// The site page says the site is held, as for a window made through the API.
		if sp := f.get("/app/sites/" + itoa(shop.ID)); !strings.Contains(sp.body, "In maintenance (DB upgrade, Move)") {
			t.Errorf("the site page does not show the windows:\n%.3000s", sp.body)
		}
		// The maintenance sweep opens the windows for their sites, as it does the API's.
		ctx := context.Background()
		if sweep, err := f.store.SyncMaintenance(ctx, now.Add(time.Second)); err != nil || sweep.Opened < 2 {
			t.Fatalf("the sweep opened %+v, want both sites: %v", sweep, err)
		}
		events, err := f.store.Events(ctx, 0, shop.ID, store.HistoryQuery{Limit: 10})
		if err != nil || len(events) == 0 || events[0].Kind != monitor.EventMonitoring || events[0].To != monitor.EventState(monitor.MonitoringMaintenance) {
			t.Errorf("the shop's events after the sweep: %+v %v", events, err)
		}
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A refused form comes back with the API's error beside the field it is about and what was
// typed kept; nothing is saved.
func TestMaintenanceFormShowsTheAPIsErrorsBesideTheirFields(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	shop := f.add(site{name: "shop"})
	theirs := f.add(site{name: "theirs", owner: 7})
	// The site page's "Plan maintenance" opens the form with its site ticked, times in UTC.
	empty := f.get("/app/maintenance/new?site=" + itoa(shop.ID))
	for _, want := range []string{`name="site_ids" value="` + itoa(shop.ID) + `" checked`, `value="one-off" checked`,
		`id="oneoff_timezone" name="oneoff_timezone" type="text" value="UTC"`, "Date and time in UTC"} {
		if empty.status != http.StatusOK || !strings.Contains(empty.body, want) {
			t.Errorf("the new form lacks %s", want)
		}
	}
	if sp := f.get("/app/sites/" + itoa(shop.ID)); !strings.Contains(sp.body, `href="/app/maintenance/new?site=`+itoa(shop.ID)+`"`) {
		t.Error("the site page does not link to planning its maintenance")
	}
	good := oneOffForm("DB upgrade", "2026-11-23T09:30", "2026-11-23T12:00", shop.ID)
	recurring := with(good, "kind", "recurring", "cron", "0 3 * * sun", "duration", "2h", "timezone", "Europe/Berlin")
	tests := []struct {
		name  string
		form  url.Values
		field string
		says  string
	}{
		{"bad cron", with(recurring, "cron", "0 3 * *"), "cron", "want five fields"},
		{"empty cron", with(recurring, "cron", ""), "cron", "must not be empty"},
		{"@every", with(recurring, "cron", "@every 1h"), "cron", "@every is not a schedule of local times"},
		{"bad duration", with(recurring, "duration", "soon"), "duration", "is not a duration, as in 90m or 2h"},
		{"no duration", with(recurring, "duration", ""), "duration", "is required for a recurring window"},
		{"long duration", with(recurring, "duration", "200h"), "duration", "must be between 1m0s and 168h0m0s"},
		{"unknown zone", with(recurring, "timezone", "Mars/Olympus"), "timezone", "is not an IANA time zone"},
		{"empty site list", oneOffForm("DB upgrade", "2026-11-23T09:30", "2026-11-23T12:00"), "site_ids", "must name at least one site"},
		{"another account's site", oneOffForm("DB upgrade", "2026-11-23T09:30", "2026-11-23T12:00", theirs.ID), "site_ids",
			"names site " + itoa(theirs.ID) + ", which is not one of yours"},
		{"no such site", oneOffForm("DB upgrade", "2026-11-23T09:30", "2026-11-23T12:00", 9999), "site_ids", "names site 9999, which is not one of yours"},
		{"end before start", with(good, "end", "2026-11-23T09:00"), "end", "must be after start"},
		{"no end", with(good, "end", ""), "end", "is required"},
		{"no start", with(good, "start", ""), "start", "is required"},
		{"a year and more", with(good, "end", "2027-12-01T00:00"), "end", "at most 366 days"},
		{"not a time", with(good, "start", "tomorrow"), "start", "must be a date and time"},
		{"unknown zone of the times", with(good, "oneoff_timezone", "Atlantis/Capital"), "oneoff_timezone", "is not an IANA time zone"},
		{"no title", with(good, "title", "  "), "title", "must not be empty"},
	}
	for _, tt := range tests {
		got := f.post("/app/maintenance", tt.form)
		msg := fieldError(got.body, tt.field)
		if got.status != http.StatusBadRequest || !strings.Contains(msg, tt.says) {
			t.Errorf("%s: %d, error beside %s: %q, want %q\n%.300s", tt.name, got.status, tt.field, msg, tt.says, got.body)
		}
		if !strings.Contains(got.body, `href="#`+strings.Replace(tt.field, "site_ids", "site_ids-label", 1)+`"`) {
			t.Errorf("%s: the summary above the form does not link to %s", tt.name, tt.field)
		}
		// What was typed is shown again, to be fixed rather than retyped.
		if v := tt.form.Get("cron"); v != "" && !strings.Contains(got.body, `value="`+v+`"`) {
			t.Errorf("%s: the cron typed is not shown again", tt.name)
		}
		if v := tt.form.Get("title"); !strings.Contains(got.body, `value="`+v+`"`) {
			t.Errorf("%s: the title typed is not shown again", tt.name)
		}
		if tt.form.Get("kind") == "recurring" && !strings.Contains(got.body, `value="recurring" checked`) {
			t.Errorf("%s: the kind chosen is not kept", tt.name)
		}
		if ids := tt.form["site_ids"]; len(ids) > 0 && ids[0] == itoa(shop.ID) &&
			!strings.Contains(got.body, `name="site_ids" value="`+itoa(shop.ID)+`" checked`) {
			t.Errorf("%s: the site ticked is not kept", tt.name)
		}
		if strings.Contains(got.body, ">theirs<") {
			t.Errorf("%s: the form offers another account's site", tt.name)
		}
	}
	if n := len(f.windows(0)) + len(f.windows(7)); n != 0 {
		t.Errorf("refused forms saved %d windows", n)
	}
}

func TestEditingAWindowThroughTheForm(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		shop := f.add(site{name: "shop"})
		blog := f.add(site{name: "blog"})
		m, err := f.store.CreateMaintenance(ctx, monitor.Maintenance{Title: "DB upgrade", SiteIDs: []int64{shop.ID},
			Start: now.Add(time.Hour), End: now.Add(2 * time.Hour), CreatedAt: now, UpdatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		path := "/app/maintenance/" + itoa(m.ID)
		form := f.get(path + "/edit")
		for _, want := range []string{`value="DB upgrade"`, `value="one-off" checked`, `value="false" checked`,
			`name="site_ids" value="` + itoa(shop.ID) + `" checked`, `value="2026-11-23T11:00"`, `value="2026-11-23T12:00"`, `action="` + path + `"`} {
			if form.status != http.StatusOK || !strings.Contains(form.body, want) {
				t.Fatalf("the edit form lacks %s: %d\n%s", want, form.status, form.body)
			}
		}
		// Sent back as shown, with another title and the blog ticked too: only those change.
		values := maintenanceFormValues(form.body)
		values.Set("title", "DB move")
		values.Add("site_ids", itoa(blog.ID))
		if got := f.post(path, values); got.status != http.StatusSeeOther || got.header.Get("Location") != "/app/maintenance?done=saved" {
			t.Fatalf("save: %d %s\n%.1500s", got.status, got.header.Get("Location"), got.body)
		}
		saved, _ := f.store.Maintenance(ctx, 0, m.ID)
		if saved.Title != "DB move" || !equalIDs(saved.SiteIDs, []int64{shop.ID, blog.ID}) || !saved.Start.Equal(m.Start) || !saved.End.Equal(m.End) {
			t.Errorf("after the edit: %+v", saved)
		}
		// Made recurring on all sites: the one-off times go, as a PATCH giving cron drops them.
		values = with(values, "kind", "recurring", "all_sites", "true", "cron", "30 22 * * mon-fri", "duration", "1h", "timezone", "America/New_York")
		if got := f.post(path, values); got.status != http.StatusSeeOther {
			t.Fatalf("save as recurring: %d\n%.1500s", got.status, got.body)
		}
		saved, _ = f.store.Maintenance(ctx, 0, m.ID)
		if !saved.Recurring() || !saved.AllSites || len(saved.SiteIDs) != 0 || !saved.Start.IsZero() || saved.Duration != time.Hour ||
			saved.Timezone != "America/New_York" || !saved.UpdatedAt.Equal(now) {
			t.Errorf("after making it recurring: %+v", saved)
		}
		if page := f.get("/app/maintenance"); !strings.Contains(page.body, "Opens every Monday to Friday at 22:30</span>, America/New_York time, for 1 h") {
			t.Errorf("the page does not say the schedule in words:\n%s", page.body)
		}
		// A refused edit changes nothing.
		if got := f.post(path, with(values, "cron", "99 * * * *")); got.status != http.StatusBadRequest || fieldError(got.body, "cron") == "" {
			t.Errorf("a bad cron on edit: %d", got.status)
		}
		if again, _ := f.store.Maintenance(ctx, 0, m.ID); again.Cron != "30 22 * * mon-fri" {
			t.Errorf("a refused edit changed the window: %+v", again)
		}
	})
}

func TestDeletingAWindowAsksFirst(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		m, err := f.store.CreateMaintenance(ctx, monitor.Maintenance{Title: "Patching", AllSites: true,
			Start: now.Add(-time.Minute), End: now.Add(time.Hour), CreatedAt: now, UpdatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		path := "/app/maintenance/" + itoa(m.ID) + "/delete"
		ask := f.get(path)
		if ask.status != http.StatusOK || !strings.Contains(ask.body, "Delete Patching?") || !strings.Contains(ask.body, "It is open now") ||
			!strings.Contains(ask.body, `<form method="post" action="`+path+`"`) {
			t.Fatalf("the delete page: %d\n%s", ask.status, ask.body)
		}
		if list := f.windows(0); len(list) != 1 {
			t.Fatal("asking deleted the window")
		}
		if got := f.post(path, nil); got.status != http.StatusSeeOther || got.header.Get("Location") != "/app/maintenance?done=deleted" {
			t.Fatalf("delete: %d %s", got.status, got.header.Get("Location"))
		}
		if _, err := f.store.Maintenance(ctx, 0, m.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted window: %v", err)
		}
		if page := f.get("/app/maintenance?done=deleted"); !strings.Contains(page.body, "Maintenance window deleted") ||
			!strings.Contains(page.body, "No maintenance window yet") {
			t.Errorf("after deleting:\n%s", page.body)
		}
	})
}

// Another account's window is not found through any form, as through the API.
func TestAnotherAccountsWindowIsNotFound(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	ctx := context.Background()
	theirSite := f.add(site{name: "theirs", owner: 7})
	theirs, err := f.store.CreateMaintenance(ctx, monitor.Maintenance{OwnerID: 7, Title: "Their work", SiteIDs: []int64{theirSite.ID},
		Start: now.Add(-time.Minute), End: now.Add(time.Hour), CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	path := "/app/maintenance/" + itoa(theirs.ID)
	form := oneOffForm("Mine now", "2026-11-23T09:30", "2026-11-23T12:00", theirSite.ID)
	for _, got := range []answer{f.get(path + "/edit"), f.get(path + "/delete"), f.post(path, form), f.post(path+"/delete", nil)} {
		if got.status != http.StatusNotFound || !strings.Contains(got.body, "There is no such maintenance window, or it is not yours.") {
			t.Errorf("%d\n%.300s", got.status, got.body)
		}
	}
	if page := f.get("/app/maintenance"); strings.Contains(page.body, "Their work") {
		t.Error("the maintenance page lists another account's window")
	}
	if still, err := f.store.Maintenance(ctx, 7, theirs.ID); err != nil || still.Title != "Their work" {
		t.Errorf("their window after the attempts: %+v %v", still, err)
	}
	for _, p := range []string{"/app/maintenance/zero/edit", "/app/maintenance/-1/delete"} {
		if got := f.get(p); got.status != http.StatusBadRequest || !strings.Contains(got.body, "id: ") {
			t.Errorf("GET %s: %d, want 400 naming id", p, got.status)
		}
	}
}

func TestCronWords(t *testing.T) {
	for _, tt := range []struct{ cron, want string }{
		{"0 3 * * sun", "every Sunday at 03:00"},
		{"0 3 * * 0", "every Sunday at 03:00"},
		{"0 3 * * 7", "every Sunday at 03:00"},
		{"30 22 * * mon-fri", "every Monday to Friday at 22:30"},
		{"0 1,13 * * MON,Thu", "every Monday and Thursday at 01:00 and 13:00"},
		{"15 4 1 * *", "on day 1 of every month at 04:15"},
		{"0 0 1,15 jan,jul *", "on days 1 and 15 of January and July at 00:00"},
		{"0 2 * 12 *", "every day in December at 02:00"},
		{"15 * * * *", "every hour at 15 minutes past"},
		{"@weekly", "every Sunday at 00:00"},
		{"@daily", "every day at 00:00"},
		{"*/5 3 * * *", ""}, // steps are left to the expression
		{"0 3 1 * mon", ""}, // either day: said badly in words
		{"0 1-3 * * *", ""}, // a range of hours
		{"0 3 * * sun extra", ""},
	} {
		if got := cronWords(tt.cron); got != tt.want {
			t.Errorf("cronWords(%q) = %q, want %q", tt.cron, got, tt.want)
		}
	}
}

var (
	mwInputPattern = regexp.MustCompile(`<input id="([a-z_]+)" name="[a-z_]+" type="(?:text|datetime-local)" value="([^"]*)"`)
	mwRadioPattern = regexp.MustCompile(`<input type="radio" name="([a-z_]+)" value="([^"]*)" checked>`)
	mwSitePattern  = regexp.MustCompile(`<input type="checkbox" name="site_ids" value="(\d+)" checked>`)
)

// maintenanceFormValues are the values a browser would post for the maintenance form in body.
func maintenanceFormValues(body string) url.Values {
	v := url.Values{}
	for _, m := range mwInputPattern.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], strings.NewReplacer("&#43;", "+", "&amp;", "&", "&#34;", `"`, "&#39;", "'").Replace(m[2]))
	}
	for _, m := range mwRadioPattern.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], m[2])
	}
	for _, m := range mwSitePattern.FindAllStringSubmatch(body, -1) {
		v.Add("site_ids", m[1])
	}
	return v
}

// With sign-in on: a window is made only by a form from the dashboard itself, and is the
// signed-in account's alone.
func TestMaintenanceFormsAreSameSiteAndPerAccount(t *testing.T) {
	f := newFixture(t, openSQLite(t), false)
	ada := newBrowser(t, f.handler)
	ada.signUp("ada", "correct horse")
	shop := f.add(site{name: "shop", owner: 1})
	form := oneOffForm("DB upgrade", "2026-11-23T09:30", "2026-11-23T12:00", shop.ID)
	expectStatus(t, "a cross-site form", ada.post("/app/maintenance", form, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden)
	if n := len(f.windows(1)); n != 0 {
		t.Fatalf("a cross-site form made %d windows", n)
	}
	expectStatus(t, "ada's form", ada.post("/app/maintenance", form), http.StatusSeeOther)
	list := f.windows(1)
	if len(list) != 1 {
		t.Fatalf("ada's windows: %+v", list)
	}
	ada.post("/app/users", url.Values{"username": {"bob"}, "password": {"correct horse"}, "role": {"user"}})
	bob := ada.another()
	bob.signIn("bob", "correct horse")
	path := "/app/maintenance/" + itoa(list[0].ID)
	expectStatus(t, "bob edits ada's window", bob.get(path+"/edit"), http.StatusNotFound)
	expectStatus(t, "bob saves ada's window", bob.post(path, form), http.StatusNotFound)
	expectStatus(t, "bob deletes ada's window", bob.post(path+"/delete", nil), http.StatusNotFound)
	if page := bob.get("/app/maintenance"); strings.Contains(page.body, "DB upgrade") || strings.Contains(page.body, ">shop<") {
		t.Error("bob sees ada's window")
	}
	// Naming ada's site in his own window is refused beside the sites.
	got := bob.post("/app/maintenance", form)
	if msg := fieldError(got.body, "site_ids"); got.status != http.StatusBadRequest || !strings.Contains(msg, "not one of yours") {
		t.Errorf("bob's window on ada's site: %d %q", got.status, msg)
	}
	if list := f.windows(1); len(list) != 1 || list[0].Title != "DB upgrade" {
		t.Errorf("ada's windows after bob: %+v", list)
	}
}

// The edit form shows a stored duration as it would be typed, and it reads back the same.
func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{2 * time.Hour: "2h", 90 * time.Minute: "1h30m", 45 * time.Minute: "45m",
		168 * time.Hour: "168h", 90 * time.Second: "1m30s", time.Hour + time.Second: "1h0m1s"} {
		text := shortDuration(d)
		if back, err := time.ParseDuration(text); text != want || err != nil || back != d {
			t.Errorf("shortDuration(%v) = %q, want %q; read back as %v (%v)", d, text, want, back, err)
		}
	}
}

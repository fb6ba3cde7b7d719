package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

var newKeyPattern = regexp.MustCompile(`id="new-key-value">(tsk_[^<]+)<`)

func TestAPIKeysAreShownOnceAndRevoked(t *testing.T) {
	f := newFixture(t, openSQLite(t), false)
	br := newBrowser(t, f.handler)
	br.signUp("ada", "correct horse")

	got := br.post("/app/account/keys", url.Values{"name": {"  "}})
	expectStatus(t, "nameless key", got, http.StatusBadRequest)
	if !strings.Contains(got.body, `id="f-name-error"`) {
		t.Errorf("the error is not beside the name:\n%s", got.body)
	}

	got = br.post("/app/account/keys", url.Values{"name": {"deploy script"}})
	expectStatus(t, "new key", got, http.StatusCreated)
	m := newKeyPattern.FindStringSubmatch(got.body)
	if m == nil {
		t.Fatalf("the new key is not shown:\n%s", got.body)
	}
	key := m[1]
	ctx := context.Background()
	if _, u, err := f.store.APIKeyByHash(ctx, auth.HashAPIKey(key), now); err != nil || u.Username != "ada" {
		t.Fatalf("the key shown is not the one stored: %v", err)
	}
	page := br.get("/app/account")
	if strings.Contains(page.body, key) || !strings.Contains(page.body, "deploy script") {
		t.Errorf("the account page shows the key again, or not its name")
	}

	keys, _ := f.store.ListAPIKeys(ctx, 1)
	got = br.post("/app/account/keys/"+itoa(keys[0].ID)+"/revoke", nil)
	if got.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", got.status)
	}
	if _, _, err := f.store.APIKeyByHash(ctx, auth.HashAPIKey(key), now); err != store.ErrNotFound {
		t.Errorf("a revoked key still works: %v", err)
	}
	if got := br.get("/app/account?done=revoked"); !strings.Contains(got.body, "Key revoked.") {
		t.Error("no word that the key was revoked")
	}
	expectStatus(t, "revoking it again", br.post("/app/account/keys/"+itoa(keys[0].ID)+"/revoke", nil), http.StatusNotFound)
}

func TestPasswordChangeEndsTheOtherSessions(t *testing.T) {
	f := newFixture(t, openSQLite(t), false)
	here := newBrowser(t, f.handler)
	here.signUp("ada", "correct horse")
	there := here.another()
	if got := there.signIn("ada", "correct horse"); got.status != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", got.status)
	}

	for form, field := range map[[2]string]string{{"wrong horse", "battery staple"}: "current_password", {"correct horse", "short"}: "new_password"} {
		got := here.post("/app/account/password", url.Values{"current_password": {form[0]}, "new_password": {form[1]}})
		expectStatus(t, "bad change", got, http.StatusBadRequest)
		if !strings.Contains(got.body, `id="f-`+field+`-error"`) {
			t.Errorf("%v: the error is not beside %s:\n%s", form, field, got.body)
		}
	}
	got := here.post("/app/account/password", url.Values{"current_password": {"correct horse"}, "new_password": {"battery staple"}})
	if got.status != http.StatusSeeOther || got.header.Get("Location") != "/app/account?done=password" {
		t.Fatalf("change: %d %q\n%s", got.status, got.header.Get("Location"), got.body)
	}
	if got := here.get("/app/account?done=password"); got.status != http.StatusOK || !strings.Contains(got.body, "Password changed.") {
		t.Errorf("this browser was signed out by its own change: %d", got.status)
	}
	if got := there.get("/app/account"); got.status != http.StatusSeeOther {
		t.Errorf("the other browser is still signed in: %d", got.status)
	}
	if got := there.signIn("ada", "battery staple"); got.status != http.StatusSeeOther {
		t.Errorf("the new password does not sign in: %d", got.status)
	}
}

func TestAdminsManageUsers(t *testing.T) {
	f := newFixture(t, openSQLite(t), false)
	admin := newBrowser(t, f.handler)
	admin.signUp("ada", "correct horse")

	got := admin.post("/app/users", url.Values{"username": {"b"}, "password": {"correct horse"}, "role": {"user"}})
	expectStatus(t, "short username", got, http.StatusBadRequest)
	if !strings.Contains(got.body, `id="f-username-error"`) {
		t.Errorf("the error is not beside the username:\n%s", got.body)
	}
	got = admin.post("/app/users", url.Values{"username": {"ada"}, "password": {"correct horse"}, "role": {"user"}})
	expectStatus(t, "taken username", got, http.StatusConflict)
	got = admin.post("/app/users", url.Values{"username": {"bob"}, "password": {"correct horse"}, "role": {"user"}})
	if got.status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", got.status, got.body)
	}
	bobU, err := f.store.UserByName(context.Background(), "bob")
	if err != nil || bobU.Role != monitor.RoleUser {
		t.Fatalf("bob: %+v %v", bobU, err)
	}

	bob := admin.another()
	if got := bob.signIn("bob", "correct horse"); got.status != http.StatusSeeOther {
		t.Fatalf("bob signs in: %d", got.status)
	}
	if page := bob.get("/app/account"); strings.Contains(page.body, "users-heading") {
		t.Error("a user sees the users panel")
	}
	expectStatus(t, "a user creating a user", bob.post("/app/users", url.Values{"username": {"eve"}, "password": {"correct horse"}}), http.StatusForbidden)

	expectStatus(t, "deleting the last admin", admin.post("/app/users/1/delete", nil), http.StatusConflict)
	if got := admin.post("/app/users/"+itoa(bobU.ID)+"/delete", nil); got.status != http.StatusSeeOther {
		t.Fatalf("delete bob: %d", got.status)
	}
	if got := bob.get("/"); got.status != http.StatusSeeOther {
		t.Errorf("a deleted user's session still opens pages: %d", got.status)
	}
}

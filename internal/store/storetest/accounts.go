package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

func newUser(name string) monitor.User {
	return monitor.User{Username: name, PasswordHash: "$argon2id$fake-" + name, Role: monitor.RoleUser, CreatedAt: t0}
}

func mustCreateUser(t *testing.T, s store.Store, u monitor.User, onlyFirst bool) monitor.User {
	t.Helper()
	created, err := s.CreateUser(context.Background(), u, onlyFirst)
	if err != nil {
		t.Fatal(err)
	}
	return created
}

func testFirstUserIsAdminAndAdoptsOrphans(t *testing.T, s store.Store) {
	ctx := context.Background()
	orphanSite := mustCreate(t, s, newSite(0, "made-before-accounts", 60, t0))
	orphanHook := mustSaveWebhook(t, s, newWebhook(0, "hook", true))

	ada := mustCreateUser(t, s, newUser("ada"), true)
	if ada.ID == 0 || ada.Role != monitor.RoleAdmin || !ada.CreatedAt.Equal(t0) {
		t.Fatalf("first user %+v", ada)
	}
	if _, err := s.Site(ctx, ada.ID, orphanSite.ID); err != nil {
		t.Errorf("the first user did not take over the earlier site: %v", err)
	}
	if _, err := s.Webhook(ctx, ada.ID, orphanHook.ID); err != nil {
		t.Errorf("the first user did not take over the earlier webhook: %v", err)
	}
	if _, err := s.CreateUser(ctx, newUser("bob"), true); !errors.Is(err, store.ErrSignupClosed) {
		t.Errorf("second sign-up while closed: %v", err)
	}
	bob := mustCreateUser(t, s, newUser("bob"), false)
	if bob.Role != monitor.RoleUser {
		t.Errorf("second user is %s", bob.Role)
	}
	if _, err := s.CreateUser(ctx, newUser("bob"), false); !errors.Is(err, store.ErrUsernameTaken) {
		t.Errorf("duplicate username: %v", err)
	}
	if got, err := s.UserByName(ctx, "bob"); err != nil || got.ID != bob.ID || got.PasswordHash != "$argon2id$fake-bob" {
		t.Errorf("by name: %+v %v", got, err)
	}
	if got, err := s.FirstAdmin(ctx); err != nil || got.ID != ada.ID {
		t.Errorf("first admin: %+v %v", got, err)
	}
	if users, _ := s.ListUsers(ctx); len(users) != 2 || users[0].ID != ada.ID {
		t.Errorf("list: %+v", users)
	}
	if _, err := s.User(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

func testConcurrentFirstSignUpsMakeOneAdmin(t *testing.T, s store.Store) {
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		admins int
		closed int
	)
	for i := range 8 {
		wg.Go(func() {
			u, err := s.CreateUser(context.Background(), newUser(fmt.Sprint("user", i)), true)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, store.ErrSignupClosed):
				closed++
			case err != nil:
				t.Error(err)
			case u.Role == monitor.RoleAdmin:
				admins++
			}
		})
	}
	wg.Wait()
	if admins != 1 || closed != 7 {
		t.Errorf("%d admins and %d refused, want 1 and 7", admins, closed)
	}
}

func testDeleteUserTakesTheirDataButNotTheLastAdmin(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreateUser(t, s, newUser("ada"), false)
	bob := mustCreateUser(t, s, newUser("bob"), false)
	site := mustCreate(t, s, newSite(bob.ID, "bobs", 60, t0))
	hook := mustSaveWebhook(t, s, newWebhook(bob.ID, "bobs", true))
	key, err := s.CreateAPIKey(ctx, monitor.APIKey{UserID: bob.ID, Name: "ci", Hint: "tsk_ab", Hash: "h-bob", CreatedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx, ada.ID); !errors.Is(err, store.ErrLastAdmin) {
		t.Errorf("deleting the last admin: %v", err)
	}
	if err := s.DeleteUser(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Site(ctx, bob.ID, site.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted user's site remains: %v", err)
	}
	if _, err := s.Webhook(ctx, bob.ID, hook.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted user's webhook remains: %v", err)
	}
	if _, _, err := s.APIKeyByHash(ctx, key.Hash, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted user's key still works: %v", err)
	}
	if err := s.DeleteUser(ctx, bob.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

func testAPIKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreateUser(t, s, newUser("ada"), false)
	bob := mustCreateUser(t, s, newUser("bob"), false)
	key, err := s.CreateAPIKey(ctx, monitor.APIKey{UserID: ada.ID, Name: "deploy", Hint: "tsk_abcdef…", Hash: "hash-1", CreatedAt: t0})
	if err != nil || key.ID == 0 || key.LastUsedAt != nil {
		t.Fatalf("create: %+v %v", key, err)
	}
	got, user, err := s.APIKeyByHash(ctx, "hash-1", t0.Add(time.Hour))
	if err != nil || got.ID != key.ID || user.ID != ada.ID || got.LastUsedAt == nil {
		t.Fatalf("by hash: %+v %+v %v", got, user, err)
	}
	// A second use within a minute is not written again.
	s.APIKeyByHash(ctx, "hash-1", t0.Add(time.Hour+30*time.Second))
	keys, _ := s.ListAPIKeys(ctx, ada.ID)
	if len(keys) != 1 || !keys[0].LastUsedAt.Equal(t0.Add(time.Hour)) || keys[0].Name != "deploy" || keys[0].Hint != "tsk_abcdef…" {
		t.Errorf("list: %+v", keys)
	}
	if others, _ := s.ListAPIKeys(ctx, bob.ID); len(others) != 0 {
		t.Errorf("bob sees ada's keys: %+v", others)
	}
	if err := s.DeleteAPIKey(ctx, bob.ID, key.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob revoked ada's key: %v", err)
	}
	if err := s.DeleteAPIKey(ctx, ada.ID, key.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.APIKeyByHash(ctx, "hash-1", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a revoked key still works: %v", err)
	}
}

func testSharedSecretIsWrittenOnce(t *testing.T, s store.Store) {
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		got = map[string]int{}
	)
	for i := range 6 {
		wg.Go(func() {
			v, err := s.SharedSecret(context.Background(), "jwt", []byte(fmt.Sprint("candidate-", i)), t0)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			got[string(v)]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(got) != 1 {
		t.Errorf("processes disagree on the secret: %v", got)
	}
	if v, _ := s.SharedSecret(context.Background(), "other", []byte("x"), t0); string(v) != "x" {
		t.Errorf("a second secret: %q", v)
	}
}

package declare

import (
	"reflect"
	"testing"
)

func TestDiffSiteListsWhatDiffersAndThePatch(t *testing.T) {
	current := Object{"name": "a", "type": "http", "url": "http://a", "check_interval_seconds": float64(60),
		"headers": Object{"Authorization": "old"}, "keyword": "ok", "method": "GET", "webhooks": []any{"ops"}}
	tests := []struct {
		name   string
		want   Object
		fields []string
		patch  Object
	}{
		{"the same", Object{"name": "a", "type": "http", "url": "http://a", "check_interval_seconds": float64(60),
			"headers": Object{"Authorization": "old"}, "keyword": "ok", "method": "GET", "webhooks": []any{"ops"}}, nil, Object{}},
		{"an interval and a cleared keyword and headers", Object{"name": "a", "type": "http", "url": "http://a",
			"check_interval_seconds": float64(30), "method": "GET", "webhooks": []any{}},
			[]string{"check_interval_seconds", "headers", "keyword", "webhooks"},
			Object{"check_interval_seconds": float64(30), "headers": Object{}, "keyword": "", "webhooks": []any{}}},
		{"another kind leaves the old kind's fields alone", Object{"name": "a", "type": "tcp", "url": "a:1",
			"check_interval_seconds": float64(60), "webhooks": []any{"ops"}},
			[]string{"type", "url"}, Object{"type": "tcp", "url": "a:1"}},
	}
	for _, tt := range tests {
		fields, patch := diffSite(tt.want, current)
		var names []string
		for _, f := range fields {
			names = append(names, f.Field)
		}
		if !reflect.DeepEqual(names, tt.fields) || !reflect.DeepEqual(patch, tt.patch) {
			t.Errorf("%s: fields %v patch %v, want %v %v", tt.name, names, patch, tt.fields, tt.patch)
		}
	}
	fields, _ := diffSite(Object{"headers": Object{"Authorization": "new"}, "type": "http"}, Object{"headers": Object{"Authorization": "old"}, "type": "http"})
	if show(fields[0].From) != `{"Authorization":"****"}` || show(fields[0].To) != `{"Authorization":"****"}` {
		t.Errorf("a secret header is shown: %v -> %v", fields[0].From, fields[0].To)
	}
}

func TestRestoreSecretsTakesTheFilesOrTheStoredOne(t *testing.T) {
	current := Object{"bearer_token": "stored-b", "basic_auth": Object{"username": "u", "password": "stored-p"},
		"headers": Object{"X-Api-Key": "stored-k"}}
	view := func() Object {
		return Object{"bearer_token": masked, "basic_auth": Object{"username": "u", "password": masked},
			"headers": Object{"X-Api-Key": masked, "Accept": "*/*"}}
	}
	kept := view()
	restoreSecrets(kept, Object{"bearer_token": masked, "basic_auth": Object{"username": "u", "password": masked},
		"headers": Object{"X-Api-Key": masked}}, current)
	if kept["bearer_token"] != "stored-b" || kept["basic_auth"].(Object)["password"] != "stored-p" || kept["headers"].(Object)["X-Api-Key"] != "stored-k" {
		t.Errorf("**** must stand for the stored secrets: %v", kept)
	}
	given := view()
	restoreSecrets(given, Object{"bearer_token": " new-b ", "basic_auth": Object{"username": "u", "password": "new-p"},
		"headers": Object{"X-Api-Key": "new-k"}}, current)
	if given["bearer_token"] != "new-b" || given["basic_auth"].(Object)["password"] != "new-p" || given["headers"].(Object)["X-Api-Key"] != "new-k" {
		t.Errorf("the file's secrets must be compared: %v", given)
	}
}

func TestWebhookURLsCompareByIDAndToken(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"https://discord.com/api/v10/webhooks/1/tok", "https://discordapp.com/api/webhooks/1/tok", true},
		{"https://discord.com/api/v10/webhooks/1/tok", "https://discord.com/api/v10/webhooks/1/other", false},
		{"https://discord.com/api/v10/webhooks/1/tok", "https://discord.com/api/v10/webhooks/2/tok", false},
	}
	for _, tt := range tests {
		if got := webhookKey(tt.a) == webhookKey(tt.b); got != tt.same {
			t.Errorf("%s vs %s: same %v", tt.a, tt.b, got)
		}
	}
	if webhookID("https://discord.com/api/v10/webhooks/77/****") != "77" {
		t.Errorf("the id of a masked URL")
	}
}

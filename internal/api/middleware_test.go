package api

import "testing"

func TestLoggedPathMasksSecretSegments(t *testing.T) {
	tests := map[string]string{
		"/push/abc123":              "/push/****",
		"/push/abc123/extra":        "/push/****/extra",
		"/push/":                    "/push/",
		"//push/abc123":             "/push/****",
		"/PUSH/abc123":              "/push/****",
		"/push/../push/abc":         "/push/****",
		"/push/abc/../x":            "/push/****",
		"/badge/tsb_abc/status.svg": "/badge/****/status.svg",
		"/BADGE/tsb_abc":            "/badge/****",
		"/sites/1":                  "/sites/1",
		"/pushy/abc":                "/pushy/abc",
	}
	for path, want := range tests {
		if got := loggedPath(path); got != want {
			t.Errorf("loggedPath(%q) = %q, want %q", path, got, want)
		}
	}
}

package monitor

import (
	"strings"
	"testing"
)

// Several settings are wrong at once: the one reported is the one the others are derived from,
// so the message never speaks of a bound computed from a nonsense value.
func TestValidateChecksBoundsBeforeWhatDependsOnThem(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Site)
		field string
	}{
		{"a bad kind before everything", func(s *Site) { s.Kind, s.CheckIntervalSeconds, s.URL = "ftp", -5, "" }, "type"},
		{"a negative interval before the response-time limit derived from the timeout", func(s *Site) {
			s.CheckIntervalSeconds, s.TimeoutSeconds = -5, -5
		}, "check_interval_seconds"},
		{"a negative interval before the url", func(s *Site) { s.CheckIntervalSeconds, s.URL = -5, "ftp://x" }, "check_interval_seconds"},
		{"a negative interval before the retry interval", func(s *Site) { s.CheckIntervalSeconds, s.RetryIntervalSeconds = -5, 10 }, "check_interval_seconds"},
		{"a zero timeout before the response-time limit", func(s *Site) { s.TimeoutSeconds, s.HTTP.MaxResponseTimeMS = 0, 100 }, "timeout_seconds"},
		{"a timeout above the interval before the url", func(s *Site) { s.TimeoutSeconds, s.URL = 61, "" }, "timeout_seconds"},
		{"the url before the name", func(s *Site) { s.URL, s.Name = "", "" }, "url"},
		{"the url before the http options", func(s *Site) { s.URL, s.HTTP.Method = "", "BREW" }, "url"},
		{"the name before the status code", func(s *Site) { s.Name, s.ExpectedStatusCode = "", 0 }, "name"},
		{"a tcp address before its http options", func(s *Site) { s.Kind, s.URL, s.HTTP.Keyword = KindTCP, "db", "x" }, "url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSite()
			tt.edit(&s)
			err := s.Validate(Limits{MinIntervalSeconds: 10})
			if fieldOf(err) != tt.field {
				t.Errorf("error %v, want one about %s", err, tt.field)
			}
		})
	}
}

func TestTextFieldsRefuseWhatNoStoreKeeps(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Site)
		field  string // empty: valid
		substr string
	}{
		{"NUL in the name", func(s *Site) { s.Name = "a\x00b" }, "name", "NUL"},
		{"a bell in the name", func(s *Site) { s.Name = "a\ab" }, "name", "U+0007"},
		{"a tab in the name", func(s *Site) { s.Name = "a\tb" }, "name", "U+0009"},
		{"DEL in the name", func(s *Site) { s.Name = "a\x7fb" }, "name", "U+007F"},
		{"a C1 control in the name", func(s *Site) { s.Name = "a\u0085b" }, "name", "U+0085"},
		{"invalid UTF-8 in the name", func(s *Site) { s.Name = "a\xffb" }, "name", "UTF-8"},
		{"accents and emoji are text", func(s *Site) { s.Name = "Café 🚀 — 東京" }, "", ""},
		{"NUL in the url", func(s *Site) { s.URL = "https://example.com/\x00" }, "url", "NUL"},
		{"NUL in the keyword", func(s *Site) { s.HTTP.Keyword = "ok\x00" }, "keyword", "NUL"},
		{"line breaks and tabs in the keyword", func(s *Site) { s.HTTP.Keyword = "a\tb\r\nc" }, "", ""},
		{"an escape in the keyword", func(s *Site) { s.HTTP.Keyword = "\x1b[0m" }, "keyword", "U+001B"},
		{"line breaks in the body", func(s *Site) { s.HTTP.Body = "{\n\t\"a\": 1\r\n}" }, "", ""},
		{"NUL in the body", func(s *Site) { s.HTTP.Body = "\x00" }, "body", "NUL"},
		{"a tab in a header value", func(s *Site) { s.HTTP.Headers = map[string]string{"X-A": "a\tb"} }, "", ""},
		{"a line break in a header value", func(s *Site) { s.HTTP.Headers = map[string]string{"X-A": "a\nb"} }, "headers", "X-A"},
		{"NUL in a header value", func(s *Site) { s.HTTP.Headers = map[string]string{"X-A": "\x00"} }, "headers", "NUL"},
		{"NUL in a password", func(s *Site) { s.HTTP.BasicAuth = &BasicAuth{Username: "ada", Password: "\x00"} }, "basic_auth", "control"},
		{"NUL in a bearer token", func(s *Site) { s.HTTP.BearerToken = "a\x00" }, "bearer_token", "NUL"},
		{"NUL in a tcp address", func(s *Site) { s.Kind, s.URL = KindTCP, "db\x00:5432" }, "url", "NUL"},
		{"NUL in a dns name", func(s *Site) { s.Kind, s.URL = KindDNS, "example.com\x00" }, "url", "NUL"},
		{"NUL in a dns server", func(s *Site) { s.Kind, s.URL, s.DNS.Server = KindDNS, "example.com", "1.1.1.1\x00:53" }, "dns_server", "NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSite()
			tt.edit(&s)
			err := s.Validate(Limits{MinIntervalSeconds: 10})
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if fieldOf(err) != tt.field || !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("error %v, want one about %s mentioning %q", err, tt.field, tt.substr)
			}
		})
	}
}

func TestPortsMustBeBetween1And65535(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Site)
		field string
	}{
		{"http port 99999", func(s *Site) { s.URL = "http://127.0.0.1:99999/" }, "url"},
		{"http port 0", func(s *Site) { s.URL = "http://127.0.0.1:0/" }, "url"},
		{"https port 65536", func(s *Site) { s.URL = "https://example.com:65536/x" }, "url"},
		{"http port 65535", func(s *Site) { s.URL = "http://[::1]:65535/" }, ""},
		{"http port 1", func(s *Site) { s.URL = "http://example.com:1/" }, ""},
		{"tcp port 0", func(s *Site) { s.Kind, s.URL = KindTCP, "db:0" }, "url"},
		{"tcp port 65536", func(s *Site) { s.Kind, s.URL = KindTCP, "db:65536" }, "url"},
		{"dns server port 70000", func(s *Site) { s.Kind, s.URL, s.DNS.Server = KindDNS, "example.com", "1.1.1.1:70000" }, "dns_server"},
		{"dns server port 53", func(s *Site) { s.Kind, s.URL, s.DNS.Server = KindDNS, "example.com", "1.1.1.1:53" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSite()
			tt.edit(&s)
			err := s.Validate(Limits{MinIntervalSeconds: 10})
			if fieldOf(err) != tt.field || tt.field != "" && !strings.Contains(err.Error(), "65535") {
				t.Errorf("error %v, want one about %q naming the range", err, tt.field)
			}
		})
	}
}

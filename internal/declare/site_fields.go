package declare

import (
	"reflect"
	"slices"
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
)

// siteFields are the writable fields of a site, in the API's JSON names, in the order an export
// writes them: those of monitor.SitePatch (what POST and PATCH /sites take) and the two the API
// reads itself, with webhook_ids and channel_ids (one list) replaced by the names of the
// channels: webhooks names the Discord ones, channels those of the other types (or any).
func siteFields() []string {
	fields := []string{"name", "type", "url"}
	t := reflect.TypeFor[monitor.SitePatch]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" && name != "webhook_ids" && name != "channel_ids" && !slices.Contains(fields, name) {
			fields = append(fields, name)
		}
	}
	return append(fields, "accepted_status_codes", "json_schema", "webhooks", "channels")
}

// omittedWhenOff are the fields an export leaves out when they hold their "off" value (false,
// 0, empty), which is also what a file that leaves them out gets. The others are always
// written: their default is not their zero (max_redirects: 0 follows no redirect).
var omittedWhenOff = []string{"paused", "retry_interval_seconds", "resend_interval_minutes", "ignore_tls_errors",
	"keyword_absent", "max_response_time_ms", "body", "keyword", "bearer_token", "expected_address", "dns_server",
	"headers", "accepted_status_codes", "webhooks", "channels"}

// isOff says whether a JSON value is its type's zero.
func isOff(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case bool:
		return !v
	case float64:
		return v == 0
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// cleared is the value a PATCH sends to clear a field that holds current: what the API reads
// as "none" for it.
func cleared(field string, current any) any {
	switch field {
	case "basic_auth":
		return Object{"username": ""}
	case "json_schema":
		return ""
	}
	switch current.(type) {
	case map[string]any:
		return Object{}
	case []any:
		return []any{}
	case string:
		return ""
	case bool:
		return false
	case float64:
		return 0
	}
	return nil
}

// secretMask shows a field's value with its secrets masked, for the diff.
func secretMask(field string, v any) any {
	switch field {
	case "bearer_token":
		if s, _ := v.(string); s != "" {
			return masked
		}
	case "basic_auth":
		if m, ok := v.(map[string]any); ok {
			return Object{"username": m["username"], "password": masked}
		}
	case "headers":
		if m, ok := v.(map[string]any); ok {
			out := Object{}
			for k, val := range m {
				if monitor.SecretHeader(k) {
					val = masked
				}
				out[k] = val
			}
			return out
		}
	}
	return v
}

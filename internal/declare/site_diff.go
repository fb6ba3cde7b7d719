package declare

import (
	"reflect"
	"strings"
)

// restoreSecrets puts the entry's secrets into the server's view of it, where the view shows
// them masked; a secret the entry gives as **** is the one stored.
func restoreSecrets(view, fields, current Object) {
	secret := func(given any, stored func(Object) any) any {
		if given == masked && current != nil {
			return stored(current)
		}
		return given
	}
	// The server reads a bearer token of **** as "keep the stored one", so its dry run of a
	// new site shows none; it keeps a token trimmed.
	if view["bearer_token"] == masked || fields["bearer_token"] == masked {
		token := secret(fields["bearer_token"], func(c Object) any { return c["bearer_token"] })
		if text, ok := token.(string); ok {
			token = strings.TrimSpace(text)
		}
		view["bearer_token"] = token
	}
	if auth, ok := view["basic_auth"].(map[string]any); ok && auth["password"] == masked {
		given, _ := fields["basic_auth"].(map[string]any)
		auth["password"] = secret(given["password"], func(c Object) any {
			stored, _ := c["basic_auth"].(map[string]any)
			return stored["password"]
		})
	}
	if headers, ok := view["headers"].(map[string]any); ok {
		given, _ := fields["headers"].(map[string]any)
		for name, v := range headers {
			if v == masked {
				headers[name] = secret(given[name], func(c Object) any {
					stored, _ := c["headers"].(map[string]any)
					return stored[name]
				})
			}
		}
	}
}

// diffSite lists the writable fields in which the site the entry asks for differs from the
// existing one, and the PATCH that makes them equal. A field the entry's site does not have
// (the API leaves it out of its view) is cleared, unless the site changes kind: then what the
// old kind had is left alone.
func diffSite(want, current Object) ([]FieldChange, Object) {
	var fields []FieldChange
	patch := Object{}
	sameKind := want["type"] == current["type"]
	for _, f := range siteFields() {
		to, inWant := want[f]
		from, inCurrent := current[f]
		switch {
		case !inWant && (!inCurrent || !sameKind):
			continue
		case !inWant:
			if isOff(from) {
				continue
			}
			patch[f] = cleared(f, from)
		case reflect.DeepEqual(to, from):
			continue
		default:
			patch[f] = to
		}
		fields = append(fields, FieldChange{f, secretMask(f, from), secretMask(f, to)})
	}
	return fields, patch
}

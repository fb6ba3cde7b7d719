package declare

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// checkEntry checks what only the file knows: the webhooks it names, and secrets written as
// **** where there is no stored secret for them to stand for.
func (s siteSection) checkEntry(run *Run, e Entry, isNew bool) error {
	if raw, set := e.Fields["webhooks"]; set {
		list, ok := raw.([]any)
		if !ok {
			return run.Doc.fieldError(e, "webhooks", "must be a list of webhook names")
		}
		for _, item := range list {
			name, ok := item.(string)
			if !ok {
				return run.Doc.fieldError(e, "webhooks", "must be a list of webhook names, not %v", item)
			}
			switch hookID, known := run.Names["webhooks"][name]; {
			case !known:
				return run.Doc.fieldError(e, "webhooks", "there is no webhook named %q (in the file's webhooks, or on the server unless --prune removes it)", name)
			case hookID < 0:
				return run.Doc.fieldError(e, "webhooks", "several webhooks on the server are named %q; rename them (PATCH /webhooks/{id}) or declare it under webhooks", name)
			}
		}
	}
	if raw, set := e.Fields["channels"]; set {
		list, ok := raw.([]any)
		if !ok {
			return run.Doc.fieldError(e, "channels", "must be a list of channel names")
		}
		for _, item := range list {
			name, ok := item.(string)
			if !ok {
				return run.Doc.fieldError(e, "channels", "must be a list of channel names, not %v", item)
			}
			channelID, known := run.Names["channels"][name]
			if !known {
				channelID, known = run.Names["webhooks"][name]
			}
			switch {
			case !known:
				return run.Doc.fieldError(e, "channels", "there is no channel named %q (in the file's channels or webhooks, or on the server unless --prune removes it)", name)
			case channelID < 0:
				return run.Doc.fieldError(e, "channels", "several channels on the server are named %q; rename them (PATCH /channels/{id}) or declare it under channels", name)
			}
		}
	}
	if isNew {
		for _, field := range []string{"bearer_token", "basic_auth", "headers"} {
			if holdsMasked(e.Fields[field]) {
				return run.Doc.fieldError(e, field, "a new site needs the secret itself; %s stands for one already stored", masked)
			}
		}
	}
	return nil
}

func holdsMasked(v any) bool {
	switch v := v.(type) {
	case string:
		return v == masked
	case map[string]any:
		for _, item := range v {
			if holdsMasked(item) {
				return true
			}
		}
	}
	return false
}

// dryRun asks the server what every entry makes, in batches, by the rules of POST /sites: the
// settings with their defaults, or the first entry it refuses, named by its line and field.
func (s siteSection) dryRun(ctx context.Context, run *Run, entries []Entry, requests []Object) ([]Object, error) {
	out := make([]Object, 0, len(requests))
	for start := 0; start < len(requests); start += batchSize {
		var answer struct {
			Sites []Object `json:"sites"`
		}
		part := requests[start:min(start+batchSize, len(requests))]
		err := run.Client.Call(ctx, http.MethodPost, "/sites/batch?dry_run=true", Object{"sites": part}, &answer)
		if err != nil {
			return nil, s.entryError(run, entries[start:], err)
		}
		if len(answer.Sites) != len(part) {
			return nil, fmt.Errorf("the server's dry run answered %d sites for %d", len(answer.Sites), len(part))
		}
		out = append(out, answer.Sites...)
	}
	return out, nil
}

var batchField = regexp.MustCompile(`^sites\[(\d+)\](?:\.(\w+))?`)

// entryError turns the API's error about sites[i].field of a batch into one about the entry's
// line.
func (s siteSection) entryError(run *Run, entries []Entry, err error) error {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return err
	}
	m := batchField.FindStringSubmatch(apiErr.Field)
	if m == nil {
		return err
	}
	i, _ := strconv.Atoi(m[1])
	if i >= len(entries) {
		return err
	}
	msg := strings.TrimPrefix(strings.TrimPrefix(apiErr.Message, m[0]), ":")
	return run.Doc.fieldError(entries[i], m[2], "%s", strings.TrimSpace(msg))
}

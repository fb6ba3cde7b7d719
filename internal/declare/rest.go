package declare

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
)

// applyThroughAPI creates and updates a section's entries through the API's usual routes:
// POST collection for a new entry, PATCH collection/{id} for a changed one. noun names an entry
// in errors ("status page"), request builds the body the API takes.
func applyThroughAPI(ctx context.Context, run *Run, changes []Change, collection, noun string,
	request func(*Run, Change) (Object, error)) error {
	for _, c := range changes {
		body, err := request(run, c)
		if err != nil {
			return err
		}
		switch c.Op {
		case Create:
			if err := run.Client.Call(ctx, http.MethodPost, collection, body, nil); err != nil {
				return fmt.Errorf("create %s %q: %w", noun, c.Name, err)
			}
		case Update:
			if err := run.Client.Call(ctx, http.MethodPatch, fmt.Sprintf("%s/%d", collection, c.ID), body, nil); err != nil {
				return fmt.Errorf("update %s %q: %w", noun, c.Name, err)
			}
		}
	}
	return nil
}

// deleteThroughAPI deletes a section's entries with DELETE collection/{id}.
func deleteThroughAPI(ctx context.Context, run *Run, changes []Change, collection, noun string) error {
	for _, c := range changes {
		if err := run.Client.Call(ctx, http.MethodDelete, fmt.Sprintf("%s/%d", collection, c.ID), nil, nil); err != nil {
			return fmt.Errorf("delete %s %q: %w", noun, c.Name, err)
		}
	}
	return nil
}

// changedFields are the named fields whose values differ between what the server has and what
// the file wants, in the order named.
func changedFields(current, want Object, names []string) []FieldChange {
	var fields []FieldChange
	for _, f := range names {
		if from, to := current[f], want[f]; !reflect.DeepEqual(from, to) {
			fields = append(fields, FieldChange{f, from, to})
		}
	}
	return fields
}

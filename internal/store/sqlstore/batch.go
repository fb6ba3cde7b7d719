package sqlstore

import (
	"slices"
	"strings"
)

// column is one column of a batch of rows, with its value for an item.
type column[T any] struct {
	name  string
	value func(*T) any
}

// rowsOf lays items out as rows of the columns.
func rowsOf[T any](columns []column[T], items []T) Rows {
	rows := Rows{Columns: make([]string, len(columns)), Values: make([][]any, len(items))}
	for i, c := range columns {
		rows.Columns[i] = c.name
	}
	// By pointer: a rollup (its histogram) or a site is a kilobyte, copied per column.
	for i := range items {
		row := make([]any, len(columns))
		for j, c := range columns {
			row[j] = c.value(&items[i])
		}
		rows.Values[i] = row
	}
	return rows
}

// copied sets each column to the batch's value of the same name.
func copied[T any](columns []column[T]) []Assignment {
	set := make([]Assignment, len(columns))
	for i, c := range columns {
		set[i] = Assignment{c.name, "v." + c.name}
	}
	return set
}

// OnConflictSet is the ON CONFLICT clause of an upsert: on a row with the same key columns,
// every other column takes the new row's value.
func OnConflictSet(key, columns []string) string {
	var set []string
	for _, c := range columns {
		if !slices.Contains(key, c) {
			set = append(set, c+" = excluded."+c)
		}
	}
	return ` ON CONFLICT (` + strings.Join(key, ", ") + `) DO UPDATE SET ` + strings.Join(set, ", ")
}

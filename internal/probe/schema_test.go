package probe

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestCompileSchema(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		error  string // "" means accepted
	}{
		{"object", itemsSchema, ""},
		{"true", `true`, ""},
		{"local reference", `{"$defs": {"id": {"type": "integer"}}, "properties": {"id": {"$ref": "#/$defs/id"}}}`, ""},
		{"an older draft, named", `{"$schema": "http://json-schema.org/draft-07/schema#", "type": "string"}`, ""},
		{"not JSON", `{"type": "object"`, "the JSON Schema is not JSON: unexpected EOF"},
		{"unknown type", `{"type": "integr"}`,
			"the JSON Schema is invalid: /type: value must be one of 'array', 'boolean', 'integer', 'null', 'number', 'object', 'string'"},
		{"keyword of the wrong type", `{"properties": {"n": {"minimum": "1"}}}`,
			"the JSON Schema is invalid: /properties/n/minimum: expected number, got string"},
		{"bad pattern", `{"pattern": "("}`, "the JSON Schema is invalid: /pattern: '(' is not valid regex: "},
		{"missing local reference", `{"$ref": "#/$defs/nowhere"}`, "the JSON Schema is invalid: "},
		// References outside the schema are refused, never fetched nor read.
		{"remote reference", `{"$ref": "https://schemas.tocsin.invalid/item.json"}`,
			`the JSON Schema is invalid: it refers to "https://schemas.tocsin.invalid/item.json": only references inside the schema are followed`},
		{"file reference", `{"$ref": "file:///etc/passwd"}`,
			`the JSON Schema is invalid: it refers to "file:///etc/passwd": only references inside the schema are followed`},
		{"remote metaschema", `{"$schema": "https://schemas.tocsin.invalid/meta"}`,
			`the JSON Schema is invalid: it refers to "https://schemas.tocsin.invalid/meta": only references inside the schema are followed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CompileSchema(tt.schema)
			switch {
			case tt.error == "" && err != nil:
				t.Errorf("CompileSchema = %v, want nil", err)
			case tt.error != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.error)):
				t.Errorf("CompileSchema = %v, want %q", err, tt.error)
			}
		})
	}
}

func TestCheckSchemaReportsTheFirstViolation(t *testing.T) {
	tests := []struct {
		name      string
		schema    string
		body      string
		truncated bool
		want      string
	}{
		{"match", itemsSchema, `{"data": [{"id": 1}]}`, false, ""},
		{"type", itemsSchema, `{"data": [{"id": "1"}]}`, false, "/data/0/id: expected integer, got string"},
		{"required", itemsSchema, `{"data": [{"id": 1}, {}]}`, false, "/data/1: missing property 'id'"},
		{"first by location, indexes as numbers", itemsSchema, `{"data": [{"id": 0}, {"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}, {"id": 5},
			{"id": 6}, {"id": 7}, {"id": 8}, {"id": 9}, {"id": "ten"}, {"id": 11}, {"id": 12}, {"id": "thirteen"}, {"id": null}]}`, false,
			"/data/10/id: expected integer, got string"},
		{"first by location, names in order", `{"properties": {"a": {"type": "integer"}, "b": {"type": "integer"}, "c": {"type": "integer"}}}`,
			`{"c": "x", "b": "x", "a": "x"}`, false, "/a: expected integer, got string"},
		{"a location before those inside it", `{"required": ["z"], "properties": {"a": {"type": "integer"}}}`,
			`{"a": "x"}`, false, "(root): missing property 'z'"},
		{"branches of another type make one line", `{"anyOf": [{"type": "string"}, {"type": "integer"}]}`, `true`, false,
			"(root): expected string or integer, got boolean"},
		{"the branch of the right type is the one meant", `{"oneOf": [{"type": "string", "minLength": 3}, {"type": "integer"}]}`,
			`"ab"`, false, "(root): minLength: got 2, want 3"},
		{"pointer escapes", `{"properties": {"a/b~c": {"type": "integer"}}}`, `{"a/b~c": "x"}`, false, "/a~1b~0c: expected integer, got string"},
		{"not JSON", itemsSchema, `<html>`, false, "body is not JSON: invalid character '<' looking for beginning of value"},
		{"cut short", itemsSchema, `{"data": [`, true, "body is not JSON (only its first 1 MiB is read): unexpected EOF"},
		{"trailing garbage", itemsSchema, `{"data": []} x`, false, "body is not JSON: invalid character after top-level value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sch, err := compileSchema(tt.schema)
			if err != nil {
				t.Fatal(err)
			}
			// The library's errors follow map order: the same answer must read the same every time.
			for range 20 {
				if got := checkSchema(sch, []byte(tt.body), tt.truncated); got != tt.want {
					t.Fatalf("checkSchema = %q, want %q", got, tt.want)
				}
			}
		})
	}
}

func TestSchemaCache(t *testing.T) {
	cache := NewSchemaCache(3)
	first, err := cache.Compile(itemsSchema)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := cache.Compile(itemsSchema); again != first {
		t.Error("the same text compiled twice")
	}
	if _, err := cache.Compile(`{"type": 1}`); err == nil {
		t.Error("an invalid schema compiled")
	}
	if _, again := cache.Compile(`{"type": 1}`); again == nil {
		t.Error("an invalid schema compiled the second time")
	}

	// Bounded, forgetting the least recently used.
	for i := range 10 {
		if _, err := cache.Compile(fmt.Sprintf(`{"maximum": %d}`, i)); err != nil {
			t.Fatal(err)
		}
		cache.Compile(itemsSchema) // kept in use
	}
	if n := cache.len(); n != 3 {
		t.Errorf("cache holds %d schemas, want 3", n)
	}
	if again, _ := cache.Compile(itemsSchema); again != first {
		t.Error("the schema in use was forgotten")
	}

	var nilCache *SchemaCache // compiles every time
	if sch, err := nilCache.Compile(itemsSchema); sch == nil || err != nil {
		t.Errorf("nil cache: %v, %v", sch, err)
	}
}

func TestSchemaCacheConcurrentUse(t *testing.T) {
	cache := NewSchemaCache(4)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 20 {
				sch, err := cache.Compile(fmt.Sprintf(`{"maximum": %d}`, (i+j)%6))
				if err != nil {
					t.Error(err)
					return
				}
				if msg := checkSchema(sch, []byte("100"), false); msg == "" {
					t.Error("100 passed a maximum below 6")
				}
			}
		})
	}
	wg.Wait()
	if n := cache.len(); n > 4 {
		t.Errorf("cache holds %d schemas, want at most 4", n)
	}
}

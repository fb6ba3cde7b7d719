package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The OpenAPI 3.1 document is generated from the route table and the Go types of the bodies,
// so it says what the code does: a route cannot be served without being described.

func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) error {
	return reply(w, http.StatusOK, h.document())
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// pathParamSchema: ids are integers, push tokens strings.
func pathParamSchema(name string) map[string]any {
	if name == "id" {
		return map[string]any{"type": "integer", "minimum": 1}
	}
	return map[string]any{"type": "string"}
}

func (h *Handler) document() map[string]any {
	g := &schemas{defs: map[string]any{}}
	g.ref(errorBody{})
	paths := map[string]map[string]any{}
	for _, rt := range h.routes() {
		path := strings.TrimSuffix(rt.Path, "{$}")
		if rt.DocPath != "" {
			path = rt.DocPath
		}
		if path == "" {
			path = "/"
		}
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(rt.Method)] = operation(g, rt)
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Tocsin", "version": h.version,
			"description": "Self-hosted uptime monitor with alerts to Discord, Slack, Telegram, ntfy, email and signed webhooks. Every error is {\"error\": {\"code\", \"message\", \"field\"}}."},
		"paths":    paths,
		"security": []any{map[string]any{"bearer": []any{}}},
		"components": map[string]any{
			"schemas": g.defs,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer",
				"description": "a session token from POST /auth/login, or an API key (tsk_…) from POST /api-keys"}},
		},
	}
}

func operation(g *schemas, rt route) map[string]any {
	op := map[string]any{"summary": rt.Summary, "operationId": operationID(rt)}
	if rt.AliasOf != "" {
		op["description"] = "Alias of " + rt.AliasOf + ", kept for the clients of an earlier API."
		op["x-alias-of"] = rt.AliasOf
	}
	var params []any
	path := rt.Path
	if rt.DocPath != "" {
		path = rt.DocPath
	}
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": pathParamSchema(m[1])})
	}
	for _, q := range rt.Query {
		schema := map[string]any{"type": q.Type}
		if q.Type == "date-time" {
			schema = map[string]any{"type": "string", "format": "date-time"}
		}
		params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Doc, "schema": schema})
	}
	if params != nil {
		op["parameters"] = params
	}
	if rt.Body != nil {
		op["requestBody"] = map[string]any{"required": true, "content": jsonContent(g.requestRef(rt.Body))}
	}
	op["responses"] = responses(g, rt)
	if rt.Access == public {
		op["security"] = []any{}
	}
	return op
}

func operationID(rt route) string {
	id := strings.ToLower(rt.Method)
	for _, part := range strings.FieldsFunc(rt.Path, func(r rune) bool { return !unicode.IsLetter(r) && r != '$' }) {
		if part != "$" {
			id += strings.ToUpper(part[:1]) + part[1:]
		}
	}
	return id
}

func responses(g *schemas, rt route) map[string]any {
	out := map[string]any{}
	ok := map[string]any{"description": http.StatusText(rt.Status)}
	if rt.Reply != nil {
		ok["content"] = jsonContent(g.ref(rt.Reply))
	} else if rt.Path == "/openapi.json" {
		ok["content"] = jsonContent(map[string]any{"type": "object"})
	}
	out[strconv.Itoa(rt.Status)] = ok
	if slices.Contains(rt.Query, dryRunParam) {
		out[strconv.Itoa(http.StatusOK)] = map[string]any{"description": "the dry run's answer: what would be made", "content": ok["content"]}
	}
	if strings.HasPrefix(rt.Path, "/push/") {
		out[strconv.Itoa(http.StatusAccepted)] = map[string]any{"description": "the database is unavailable: the ping is kept and written when it is back",
			"content": ok["content"]}
	}
	for _, status := range errorStatuses(rt) {
		out[strconv.Itoa(status)] = map[string]any{"description": http.StatusText(status), "content": jsonContent(g.ref(errorBody{}))}
	}
	return out
}

// errorStatuses lists the errors a route can answer with.
func errorStatuses(rt route) []int {
	statuses := []int{http.StatusInternalServerError, http.StatusServiceUnavailable}
	if rt.Access != public {
		statuses = append(statuses, http.StatusUnauthorized)
	}
	if rt.Access == adminOnly {
		statuses = append(statuses, http.StatusForbidden)
	}
	if rt.Body != nil || len(rt.Query) > 0 || strings.Contains(rt.Path, "{id}") {
		statuses = append(statuses, http.StatusBadRequest)
	}
	if rt.Body != nil {
		statuses = append(statuses, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	if strings.Contains(rt.Path, "{") || strings.HasPrefix(rt.Path, "/webhook") || rt.Path == "/runUrl" || rt.Path == "/latencyAnomalyCheck" {
		statuses = append(statuses, http.StatusNotFound)
	}
	switch rt.Path {
	case "/auth/signup", "/create":
		statuses = append(statuses, http.StatusForbidden, http.StatusConflict, http.StatusTooManyRequests)
	case "/auth/login", "/login":
		statuses = append(statuses, http.StatusTooManyRequests)
	case "/users":
		if rt.Method == "POST" {
			statuses = append(statuses, http.StatusConflict)
		}
	case "/users/{id}", "/api-keys":
		statuses = append(statuses, http.StatusConflict)
	case "/webhook", "/webhooks", "/webhook/test", "/webhooks/{id}/test", "/channels/{id}/test":
		if rt.Method == "POST" {
			statuses = append(statuses, http.StatusTooManyRequests, http.StatusBadGateway)
		}
	case "/channels", "/channels/{id}":
		if rt.Method == "POST" || rt.Method == "PATCH" {
			statuses = append(statuses, http.StatusTooManyRequests, http.StatusBadGateway)
		}
		if rt.Method == "PATCH" {
			statuses = append(statuses, http.StatusConflict)
		}
	case "/webhooks/{id}":
		if rt.Method == "PATCH" {
			statuses = append(statuses, http.StatusConflict, http.StatusTooManyRequests, http.StatusBadGateway)
		}
	case "/status-pages", "/status-pages/{id}":
		if rt.Method == "POST" || rt.Method == "PATCH" {
			statuses = append(statuses, http.StatusConflict)
		}
	case "/sites/{id}/anomaly-check", "/latencyAnomalyCheck":
		statuses = append(statuses, http.StatusConflict)
	case "/readyz":
		statuses = append(statuses, http.StatusServiceUnavailable)
	}
	if rt.Method == "POST" && (strings.HasSuffix(rt.Path, "/check") || rt.Path == "/runUrl" || rt.Path == "/sites" || rt.Path == "/addEndpoint") {
		statuses = append(statuses, http.StatusServiceUnavailable) // shutting down
	}
	return statuses
}

func jsonContent(schema any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

// schemas turns Go types into JSON Schemas (draft 2020-12, as OpenAPI 3.1 uses), named structs
// as components. A pointer is nullable in an answer (no value yet) but only optional in a
// request, where null is refused; a struct is therefore either a request's or an answer's.
type schemas struct {
	defs    map[string]any
	request bool // making a request body's schema
}

func (g *schemas) ref(v any) map[string]any { return g.schema(reflect.TypeOf(v)) }

func (g *schemas) requestRef(v any) map[string]any {
	g.request = true
	defer func() { g.request = false }()
	return g.ref(v)
}

func (g *schemas) schema(t reflect.Type) map[string]any {
	switch t {
	case reflect.TypeOf(time.Time{}):
		return map[string]any{"type": "string", "format": "date-time"}
	case reflect.TypeOf(json.RawMessage{}):
		return map[string]any{} // any JSON value
	}
	switch t.Kind() {
	case reflect.Pointer:
		if g.request {
			return g.schema(t.Elem())
		}
		return map[string]any{"anyOf": []any{g.schema(t.Elem()), map[string]any{"type": "null"}}}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		name := componentName(t)
		if _, done := g.defs[name]; !done {
			g.defs[name] = nil // placeholder: a type that refers to itself stops here
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func (g *schemas) object(t reflect.Type) map[string]any {
	props, required := map[string]any{}, []string{}
	g.fields(t, props, &required)
	obj := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		obj["required"] = required
	}
	return obj
}

// fields adds the JSON fields of struct t; an embedded struct's fields are its own, unless t
// has a field of the same name (as encoding/json decides). A field that is neither a pointer,
// nor omitempty, nor raw JSON is always present, so it is required.
func (g *schemas) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		if f := t.Field(i); f.Anonymous {
			embedded := map[string]any{}
			g.fields(f.Type, embedded, required)
			for name, schema := range embedded {
				if _, shadowed := jsonField(t, name); !shadowed {
					props[name] = schema
				}
			}
		}
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
		if f.Type.Kind() != reflect.Pointer && !strings.Contains(opts, "omitempty") && f.Type != reflect.TypeOf(json.RawMessage{}) {
			*required = append(*required, name)
		}
	}
}

// jsonField finds the field of struct t (not of its embedded structs) that JSON calls name.
func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.Anonymous && (tag == name || tag == "" && f.Name == name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func componentName(t reflect.Type) string {
	n := t.Name()
	return strings.ToUpper(n[:1]) + n[1:]
}

package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/store/storetest"
)

type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

type openAPIOp struct {
	Responses  map[string]json.RawMessage `json:"responses"`
	Parameters []struct {
		Name, In string
	} `json:"parameters"`
	RequestBody json.RawMessage `json:"requestBody"`
}

func loadDoc(t *testing.T, e *env) (openAPIDoc, string) {
	r := e.do("GET", "/openapi.json", "")
	if r.status != 200 {
		t.Fatalf("GET /openapi.json without a token: %d", r.status)
	}
	var doc openAPIDoc
	r.json(t, &doc)
	return doc, r.raw
}

func TestOpenAPIDocumentIsWellFormed(t *testing.T) {
	e, _ := newAuthEnv(t, storetest.OpenSQLite(t), false)
	doc, raw := loadDoc(t, e)
	if doc.OpenAPI != "3.1.0" || len(doc.Paths) < 25 {
		t.Fatalf("openapi %q with %d paths", doc.OpenAPI, len(doc.Paths))
	}
	for _, ref := range regexp.MustCompile(`"\$ref":"#/components/schemas/([A-Za-z]+)"`).FindAllStringSubmatch(raw, -1) {
		if _, ok := doc.Components.Schemas[ref[1]]; !ok {
			t.Errorf("$ref to missing schema %s", ref[1])
		}
	}
	pathParam := regexp.MustCompile(`\{(\w+)\}`)
	for path, ops := range doc.Paths {
		for method, rawOp := range ops {
			var op openAPIOp
			json.Unmarshal(rawOp, &op)
			if len(op.Responses) < 2 {
				t.Errorf("%s %s: responses %v", method, path, op.Responses)
			}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				if !slices.ContainsFunc(op.Parameters, func(p struct{ Name, In string }) bool { return p.Name == m[1] && p.In == "path" }) {
					t.Errorf("%s %s: path parameter %s not declared", method, path, m[1])
				}
			}
		}
	}
	for _, alias := range []string{"/create", "/login", "/addEndpoint", "/runUrl"} {
		if !strings.Contains(string(doc.Paths[alias]["post"]), "x-alias-of") {
			t.Errorf("%s is not documented as an alias", alias)
		}
	}
}

// Every documented operation answers with a documented status, and no path answers a method
// the document does not give it: the document and the routes cannot drift apart.
func TestOpenAPIDocumentMatchesTheRoutes(t *testing.T) {
	e, _ := newAuthEnv(t, storetest.OpenSQLite(t), false)
	token := e.signup("/auth/signup", "ada")
	doc, _ := loadDoc(t, e)
	for path, ops := range doc.Paths {
		concrete := strings.ReplaceAll(path, "{id}", "999999")
		for _, method := range []string{"GET", "POST", "PATCH", "DELETE", "PUT"} {
			rawOp, documented := ops[strings.ToLower(method)]
			if path == "/auth/signup" || path == "/create" {
				continue // would make accounts; covered by the auth tests
			}
			r := e.do(method, concrete, "{}", as(token)...)
			if !documented {
				if r.status != http.StatusMethodNotAllowed {
					t.Errorf("%s %s answers %d but is not in the document", method, path, r.status)
				}
				continue
			}
			var op openAPIOp
			json.Unmarshal(rawOp, &op)
			if _, ok := op.Responses[strconv.Itoa(r.status)]; !ok {
				t.Errorf("%s %s answered %d, which the document does not list (%s)", method, path, r.status, r.raw)
			}
		}
	}
	if r := e.do("GET", "/no/such/route", "", as(token)...); r.status != http.StatusNotFound {
		t.Errorf("an undocumented path answers %d", r.status)
	}
}

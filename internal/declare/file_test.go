package declare

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseReadsEntriesAndWhereTheyAre(t *testing.T) {
	doc, err := Parse("f.yaml", []byte(`
webhooks:
  - name: ops
    webhook_url: https://discord.com/api/webhooks/1/t
sites:
  - &shop
    name: Shop
    url: https://shop.example
    check_interval_seconds: 60
    headers: {Accept: "*/*"}
    accepted_status_codes: [200, "300-399"]
    json_schema:
      type: object
    paused: yes
    webhooks: [ops]
`), Sections())
	if err != nil {
		t.Fatal(err)
	}
	sites := doc.Sections["sites"]
	if len(sites) != 1 || len(doc.Sections["webhooks"]) != 1 {
		t.Fatalf("sections %+v", doc.Sections)
	}
	s := sites[0]
	if s.Name != "Shop" || s.Line != 6 || s.FieldLine("url") != 8 || s.FieldLine("nothing") != 6 {
		t.Errorf("entry %q at line %d, url at %d", s.Name, s.Line, s.FieldLine("url"))
	}
	want := map[string]any{"check_interval_seconds": float64(60), "paused": "yes",
		"accepted_status_codes": []any{float64(200), "300-399"}, "json_schema": map[string]any{"type": "object"}}
	for k, v := range want {
		if got := s.Fields[k]; showJSON(got) != showJSON(v) {
			t.Errorf("%s = %#v, want %#v (YAML 1.2: yes is text)", k, got, v)
		}
	}
}

func showJSON(v any) string { return show(v) }

func TestParseRefusesWithTheLine(t *testing.T) {
	tests := []struct {
		name, file string
		want       string // the start of the error
	}{
		{"empty", ``, "f.yaml: the file is empty"},
		{"not a mapping", "- a\n", "f.yaml:1: the top level must be a mapping"},
		{"unknown key", "sites: []\nsite: []\n", "f.yaml:2: site: is not a key of the file"},
		{"key twice", "sites: []\nsites: []\n", "f.yaml:2: sites: is given twice (first on line 1)"},
		{"not a list", "sites:\n  name: x\n", "f.yaml:2: sites: must be a list"},
		{"entry not a mapping", "sites:\n  - x\n", "f.yaml:2: sites[0]: must be a mapping"},
		{"unknown field", "sites:\n  - name: x\n    colour: red\n", "f.yaml:3: sites[0].colour: is not a field of sites"},
		{"id is not written", "sites:\n  - name: x\n    id: 4\n", "f.yaml:3: sites[0].id: is not a field of sites"},
		{"webhook_ids are names", "sites:\n  - name: x\n    webhook_ids: [1]\n", "f.yaml:3: sites[0].webhook_ids: is not a field"},
		{"field twice", "sites:\n  - name: x\n    url: a\n    url: b\n", "f.yaml:4: url: is given twice (first on line 3)"},
		{"nested key twice", "sites:\n  - name: x\n    headers:\n      A: 1\n      A: 2\n", "f.yaml:5: sites[0].headers: the key \"A\" is given twice"},
		{"no name", "sites:\n  - url: http://x\n", "f.yaml:2: sites[0].name: every entry needs a name"},
		{"name not text", "sites:\n  - name: [a]\n", "f.yaml:2: sites[0].name: every entry needs a name"},
		{"name twice", "sites:\n  - name: a\n  - name: b\n  - name: a\n", `f.yaml:4: sites[2].name: "a" is the name of sites[0] (line 2) too`},
		{"syntax", "sites:\n  - name: x\n    url: a: b\n", "f.yaml:3: mapping values are not allowed"},
		{"two documents", "sites: []\n---\nwebhooks: []\n", "f.yaml:2: the file holds more than one YAML document"},
		{"not JSON", "sites:\n  - name: x\n    check_interval_seconds: .inf\n", "f.yaml:3: sites[0].check_interval_seconds: .inf is not a value JSON can hold"},
	}
	for _, tt := range tests {
		_, err := Parse("f.yaml", []byte(tt.file), Sections())
		var fe *FileError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to start %q", tt.name, err, tt.want)
		}
	}
}

func TestAnEmptySectionIsDeclaredEmpty(t *testing.T) {
	doc, err := Parse("f.yaml", []byte("sites:\n"), Sections())
	if err != nil {
		t.Fatal(err)
	}
	if entries, declared := doc.Sections["sites"]; !declared || len(entries) != 0 {
		t.Errorf("sites: %v %v", entries, declared)
	}
	if _, declared := doc.Sections["webhooks"]; declared {
		t.Errorf("webhooks are declared though the file leaves them out")
	}
}

// The README's sample file is a file apply takes.
func TestTheReadmesSampleFileParses(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Configuration as code\n")
	_, block, ok2 := strings.Cut(section, "```yaml\n")
	sample, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("no yaml block in the README's Configuration as code section")
	}
	doc, err := Parse("README.md", []byte(sample), Sections())
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Sections["sites"]) != 3 || len(doc.Sections["webhooks"]) != 2 {
		t.Errorf("the sample holds %d sites and %d webhooks", len(doc.Sections["sites"]), len(doc.Sections["webhooks"]))
	}
}

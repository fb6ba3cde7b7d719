package declare

import (
	"bytes"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Whatever the API shows, an export writes it so that reading the file gives it back: text that
// looks like a number, a boolean or null stays text.
func TestExportedValuesReadBackTheSame(t *testing.T) {
	values := []any{"123", "true", "yes", "null", "", "~", "1e3", "0x10", "a: b", "- x", "#c", "****", "ünïcode", " padded ",
		float64(0), float64(-7), 2.5, float64(1 << 40), true, false, nil,
		[]any{float64(200), "300-399"}, map[string]any{"type": "object", "required": []any{"id"}, "n": float64(1)}}
	for _, v := range values {
		node, err := valueNode(v)
		if err != nil {
			t.Fatalf("%#v: %v", v, err)
		}
		var out bytes.Buffer
		if err := yaml.NewEncoder(&out).Encode(node); err != nil {
			t.Fatal(err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatalf("%#v wrote %q, which does not parse: %v", v, out.String(), err)
		}
		back, err := jsonValue(doc.Content[0])
		if err != nil || !reflect.DeepEqual(back, v) {
			t.Errorf("%#v was written as %q and read back as %#v (%v)", v, out.String(), back, err)
		}
	}
}

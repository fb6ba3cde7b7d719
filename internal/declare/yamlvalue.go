package declare

import (
	"encoding/json"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// jsonValue is a YAML value as the JSON value the API reads: mappings with text keys become
// objects, sequences lists, and scalars what YAML 1.2 makes of them (true is a boolean, "true"
// and yes are text).
func jsonValue(n *yaml.Node) (any, error) {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		out := map[string]any{}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := resolve(n.Content[i])
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				return nil, fmt.Errorf("line %d: keys must be plain text", k.Line)
			}
			if seen[k.Value] {
				return nil, fmt.Errorf("line %d: the key %q is given twice", k.Line, k.Value)
			}
			seen[k.Value] = true
			v, err := jsonValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[k.Value] = v
		}
		return out, nil
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, item := range n.Content {
			v, err := jsonValue(item)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
		return normalise(v)
	}
	return nil, fmt.Errorf("line %d: not a value", n.Line)
}

// normalise makes a scalar what JSON would read back: numbers float64, times RFC 3339 text.
func normalise(v any) (any, error) {
	if t, ok := v.(time.Time); ok {
		return t.Format(time.RFC3339Nano), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(b, &out)
}

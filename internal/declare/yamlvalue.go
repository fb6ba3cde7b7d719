package declare

import (
	"encoding/json"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// valueError is a problem with a value, at a line.
type valueError struct {
	line int
	msg  string
}

func (e *valueError) Error() string { return e.msg }

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
				return nil, &valueError{k.Line, "keys must be plain text"}
			}
			if seen[k.Value] {
				return nil, &valueError{k.Line, fmt.Sprintf("the key %q is given twice", k.Value)}
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
			return nil, &valueError{n.Line, err.Error()}
		}
		out, err := normalise(v)
		if err != nil {
			return nil, &valueError{n.Line, fmt.Sprintf("%s is not a value JSON can hold", n.Value)}
		}
		return out, nil
	}
	return nil, &valueError{n.Line, "not a value"}
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

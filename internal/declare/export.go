package declare

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Export reads the server's state and writes it as a file that apply takes back unchanged.
// Secrets are written as **** (which apply reads as "the one stored") unless withSecrets.
func Export(ctx context.Context, c *Client, withSecrets bool) ([]byte, error) {
	run := newRun(c, &Document{})
	root := &yaml.Node{Kind: yaml.MappingNode}
	for _, s := range Sections() {
		if err := s.Load(ctx, run, withSecrets); err != nil {
			return nil, err
		}
		entries, err := s.Export(run)
		if err != nil {
			return nil, err
		}
		list := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range entries {
			node, err := entryNode(e, s.Fields())
			if err != nil {
				return nil, fmt.Errorf("%s %v: %w", s.Noun(), e["name"], err)
			}
			list.Content = append(list.Content, node)
		}
		root.Content = append(root.Content, scalar(s.Key()), list)
	}
	var out bytes.Buffer
	out.WriteString("# Written by tocsin export. Apply it with: tocsin apply -f FILE\n")
	if !withSecrets {
		out.WriteString("# Secrets are written as ****, which apply reads as \"the secret already stored\".\n")
	}
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return out.Bytes(), enc.Close()
}

// entryNode writes an entry's fields in the section's order.
func entryNode(e Object, order []string) (*yaml.Node, error) {
	m := &yaml.Node{Kind: yaml.MappingNode}
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
	for _, k := range keys {
		v, err := valueNode(e[k])
		if err != nil {
			return nil, err
		}
		m.Content = append(m.Content, scalar(k), v)
	}
	return m, nil
}

// valueNode is a JSON value as a YAML node. Built by hand: yaml.Node.Encode writes each value
// out and parses it back, which makes an export of 10,000 sites take seconds.
func valueNode(v any) (*yaml.Node, error) {
	switch v := v.(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	case string:
		return scalar(v), nil // the encoder quotes text that would read as something else
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}, nil
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(int64(v), 10)}, nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(v, 'g', -1, 64)}, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, item := range v {
			c, err := valueNode(item)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			c, err := valueNode(v[k])
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, scalar(k), c)
		}
		return n, nil
	}
	return nil, fmt.Errorf("%v (%T) is not a JSON value", v, v)
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

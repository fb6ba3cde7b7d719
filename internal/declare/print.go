package declare

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Print writes the changes as a diff, one line per thing and one per field an update changes,
// and a count; "no changes" when there are none.
func Print(w io.Writer, changes []Change) {
	counts := map[Op]int{}
	for _, c := range changes {
		counts[c.Op]++
		switch c.Op {
		case Create:
			fmt.Fprintf(w, "+ %s %q\n", c.Noun, c.Name)
		case Delete:
			fmt.Fprintf(w, "- %s %q\n", c.Noun, c.Name)
		case Update:
			fmt.Fprintf(w, "~ %s %q\n", c.Noun, c.Name)
			for _, f := range c.Fields {
				from, to := show(f.From), show(f.To)
				if from == to {
					to += " (a secret changed)" // both sides show it masked
				}
				fmt.Fprintf(w, "    %s: %s -> %s\n", f.Field, from, to)
			}
		}
	}
	if len(changes) == 0 {
		fmt.Fprintln(w, "no changes")
		return
	}
	fmt.Fprintf(w, "%d to create, %d to update, %d to delete\n", counts[Create], counts[Update], counts[Delete])
}

func show(v any) string {
	if v == nil {
		return "(none)"
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

package probe

import (
	"bytes"
	"fmt"
	"io"

	"github.com/tocsin/tocsin/internal/monitor"
)

// readBody reads up to MaxBodyBytes of the body, keeping them only when an assertion needs them.
// The rest is left unread: a check is not a download.
func readBody(body io.Reader, keep bool) ([]byte, error) {
	limited := io.LimitReader(body, MaxBodyBytes)
	if !keep {
		_, err := io.Copy(io.Discard, limited)
		return nil, err
	}
	return io.ReadAll(limited)
}

// needsBody says whether the target asserts anything about the body.
func needsBody(o monitor.HTTPOptions) bool {
	return o.Keyword != "" || o.JSONSchema != ""
}

// keywordError says why the body fails the keyword assertion, or "" when it passes.
func keywordError(body []byte, o monitor.HTTPOptions) string {
	if o.Keyword == "" {
		return ""
	}
	found := bytes.Contains(body, []byte(o.Keyword))
	switch {
	case found && o.KeywordAbsent:
		return fmt.Sprintf("keyword %q found in the body", o.Keyword)
	case !found && !o.KeywordAbsent:
		return fmt.Sprintf("keyword %q not found in the body", o.Keyword)
	}
	return ""
}

package probe

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
)

// statusError says why the final status code is not one the target accepts, or "" when it is.
// AcceptedStatusCodes, when set, replaces the single ExpectedStatusCode.
func statusError(code int, target monitor.Target) string {
	accepted := target.HTTP.AcceptedStatusCodes
	if len(accepted) == 0 {
		if code == target.ExpectedStatusCode {
			return ""
		}
		return fmt.Sprintf("expected status %d, got %d", target.ExpectedStatusCode, code)
	}
	for _, r := range accepted {
		if r.From <= code && code <= r.To {
			return ""
		}
	}
	return fmt.Sprintf("expected status %s, got %d", describeRanges(accepted), code)
}

// describeRanges lists ranges as a person would: "200-299, 304 or 401".
func describeRanges(ranges []monitor.StatusRange) string {
	parts := make([]string, len(ranges))
	for i, r := range ranges {
		parts[i] = strconv.Itoa(r.From)
		if r.To != r.From {
			parts[i] += "-" + strconv.Itoa(r.To)
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

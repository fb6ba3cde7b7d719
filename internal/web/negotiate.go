package web

import (
	"mime"
	"strconv"
	"strings"
)

// wantsHTML reports whether an Accept header lists text/html (with a quality above zero).
// Browsers list it first; curl, scripts and the API's clients send */*, application/json or
// nothing, and keep getting JSON. A wildcard alone does not count: it says "anything", not
// "a page".
func wantsHTML(accept []string) bool {
	for _, header := range accept {
		for _, item := range strings.Split(header, ",") {
			mediaType, params, err := mime.ParseMediaType(strings.TrimSpace(item))
			if err != nil || mediaType != "text/html" {
				continue
			}
			if q, ok := params["q"]; ok {
				if v, err := strconv.ParseFloat(q, 64); err != nil || v <= 0 {
					continue
				}
			}
			return true
		}
	}
	return false
}

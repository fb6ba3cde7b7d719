package probe

import (
	"fmt"
	"net/http"
	"strings"
)

// redirectPolicy returns the CheckRedirect of one check: it follows at most limit redirects,
// none when limit is 0 (the 3xx answer is then judged like any other), and refuses to visit a URL
// twice. It is set on a copy of the shared client, so checks with different limits never meet.
func redirectPolicy(limit int) func(*http.Request, []*http.Request) error {
	return func(next *http.Request, via []*http.Request) error {
		if limit <= 0 {
			return http.ErrUseLastResponse
		}
		target := next.URL.String()
		for i, r := range via {
			if r.URL.String() == target {
				chain := make([]string, 0, len(via)-i+1)
				for _, v := range via[i:] {
					chain = append(chain, v.URL.String())
				}
				return &redirectLoopError{chain: append(chain, target)}
			}
		}
		// via holds every request made so far: following next would be redirect number len(via).
		if len(via) > limit {
			return &tooManyRedirectsError{limit: limit}
		}
		return nil
	}
}

// redirectLoopError is a chain of redirects that came back to a URL it had visited.
type redirectLoopError struct{ chain []string }

func (e *redirectLoopError) Error() string {
	return "redirect loop: " + strings.Join(e.chain, " → ")
}

// tooManyRedirectsError is a chain of redirects longer than the check allows.
type tooManyRedirectsError struct{ limit int }

func (e *tooManyRedirectsError) Error() string {
	if e.limit == 1 {
		return "stopped after 1 redirect"
	}
	return fmt.Sprintf("stopped after %d redirects", e.limit)
}

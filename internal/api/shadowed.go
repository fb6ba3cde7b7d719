package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// shadowedMethods finds the paths of the route table that a wildcard route of another method
// also matches: GET /sites/batch would be GET /sites/{id} with the id "batch". Each such method
// and path is answered 405, naming the methods the path takes, as the mux answers any other
// method a path does not take.
func shadowedMethods(routes []route) map[string][]string {
	out := map[string][]string{} // "GET /sites/batch" -> the methods /sites/batch takes
	for _, literal := range routes {
		if strings.Contains(literal.Path, "{") {
			continue
		}
		allowed := methodsOf(routes, literal.Path)
		for _, wild := range routes {
			if wild.Path != literal.Path && strings.Contains(wild.Path, "{") && matchesPattern(wild.Path, literal.Path) &&
				!slices.Contains(allowed, wild.Method) {
				out[wild.Method+" "+literal.Path] = allowed
			}
		}
	}
	return out
}

func methodsOf(routes []route, path string) []string {
	var methods []string
	for _, rt := range routes {
		if rt.Path == path {
			methods = append(methods, rt.Method)
		}
	}
	return methods
}

// matchesPattern says whether a mux pattern's path with one-segment wildcards matches path.
func matchesPattern(pattern, path string) bool {
	want, got := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if want[i] != got[i] && !(strings.HasPrefix(want[i], "{") && !strings.HasSuffix(want[i], "...}")) {
			return false
		}
	}
	return true
}

func (h *Handler) methodNotAllowed(allowed []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		allow := strings.Join(allowed, ", ")
		w.Header().Set("Allow", allow)
		h.fail(w, r, "", &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Message: fmt.Sprintf("%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, allow)})
	})
}

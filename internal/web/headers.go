package web

import "net/http"

// pageCSP lets a page load its own scripts, styles and images only: no inline script or
// style, no other host, no framing, no plugins, forms post back to Tocsin. The API keeps its
// stricter default-src 'none' on JSON answers.
const pageCSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

// pageHeaders suit a dashboard page: it shows the user's data, so it is never stored by a
// cache, and it may not be framed or sniffed.
func pageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

package api

import (
	"maps"

	"github.com/tocsin/tocsin/internal/monitor"
)

// viewSiteWithSecrets shows a site to its owner with its secrets, for GET /sites?include_secrets=true:
// what `tocsin export --include-secrets` writes, and what `tocsin apply` compares a file's
// secrets with. Everywhere else secrets are masked.
func viewSiteWithSecrets(s monitor.Site) siteView {
	v := viewSite(s)
	if s.Kind != monitor.KindHTTP && s.Kind != "" {
		return v
	}
	o := s.HTTP
	if len(o.Headers) > 0 {
		v.Headers = maps.Clone(o.Headers)
	}
	if o.BasicAuth != nil {
		auth := *o.BasicAuth
		v.BasicAuth = &auth
	}
	v.BearerToken = o.BearerToken
	return v
}

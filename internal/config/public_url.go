package config

import (
	"fmt"
	"net/url"
	"strings"
)

// PublicOrigin is TOCSIN_PUBLIC_URL's origin (scheme://host[:port]), "" when it is not set.
// It must be an absolute http or https URL with no user, query or fragment: it says where
// people reach Tocsin, not a page.
func (c Config) PublicOrigin() (string, error) {
	raw := strings.TrimSpace(c.PublicURL)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("must be an http(s) URL like https://tocsin.example.com, got %q", raw)
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

package config

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// useCompatSettings fills DatabaseURL and JWTSecret from the variables users of the older Flask-style setup
// already have (DB_*, SECRET_KEY) when Tocsin's own are not set.
func (c *Config) useCompatSettings() error {
	var errs []error
	if c.JWTSecret == "" && c.SecretKey != "" {
		if len(c.SecretKey) < 32 {
			errs = append(errs, fmt.Errorf("SECRET_KEY: must be at least 32 bytes, got %d", len(c.SecretKey))) // never the secret itself
		} else {
			c.JWTSecret = c.SecretKey
		}
	}
	if c.DatabaseURL == "" && c.DBName != "" {
		u, err := c.compatDatabaseURL()
		if err != nil {
			errs = append(errs, err)
		}
		c.DatabaseURL = u
	}
	return errors.Join(errs...)
}

// compatDatabaseURL builds a PostgreSQL URL from DB_NAME, DB_USER (postgres), DB_PASSWORD,
// DB_HOST (localhost; a directory means a Unix socket there) and DB_PORT (5432), each part
// escaped so any password works.
func (c Config) compatDatabaseURL() (string, error) {
	user, host, port := cmp.Or(c.DBUser, "postgres"), cmp.Or(c.DBHost, "localhost"), cmp.Or(c.DBPort, "5432")
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") { // an IPv6 address, written as in a URL
		host = host[1 : len(host)-1]
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("DB_PORT: must be a port number from 1 to 65535, got %q", port)
	}
	u := url.URL{Scheme: "postgres", User: url.User(user), Path: "/" + c.DBName, RawPath: "/" + url.PathEscape(c.DBName)}
	if c.DBPassword != "" {
		u.User = url.UserPassword(user, c.DBPassword)
	}
	switch {
	case strings.HasPrefix(host, "/"):
		u.RawQuery = url.Values{"host": {host}, "port": {port}}.Encode()
	case strings.ContainsAny(host, "/?#@[] "):
		return "", fmt.Errorf("DB_HOST: must be a host name, an IP address or a socket directory, got %q", host)
	default:
		u.Host = net.JoinHostPort(host, port)
	}
	return u.String(), nil
}

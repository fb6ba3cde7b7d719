package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Canary is an address that should always answer, probed to tell whether Tocsin's own
// network is down: an http(s) URL (any HTTP answer counts) or a host:port (a TCP connection).
type Canary struct {
	URL string // as given: http(s)://… or host:port
	TCP bool   // a host:port, not a URL
}

// CanaryList reads TOCSIN_CANARIES, a comma-separated list; nil when it is empty.
func (c Config) CanaryList() ([]Canary, error) {
	var canaries []Canary
	for _, item := range strings.Split(c.Canaries, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		canary, err := parseCanary(item)
		if err != nil {
			return nil, err
		}
		canaries = append(canaries, canary)
	}
	return canaries, nil
}

func parseCanary(item string) (Canary, error) {
	if strings.Contains(item, "://") {
		u, err := url.Parse(item)
		switch {
		case err != nil, u.Scheme != "http" && u.Scheme != "https", u.Hostname() == "":
			return Canary{}, fmt.Errorf("%q is not an http:// or https:// URL with a host", item)
		case u.User != nil:
			return Canary{}, errors.New("a canary URL must not hold a user name or password") // nor show them here
		case u.Port() != "" && !validPort(u.Port()):
			return Canary{}, fmt.Errorf("%q: the port must be from 1 to 65535", item)
		}
		return Canary{URL: item}, nil
	}
	host, port, err := net.SplitHostPort(item)
	if err != nil || host == "" || strings.ContainsAny(host, "/@ ") {
		return Canary{}, fmt.Errorf("%q is not an http(s) URL or a host:port like 1.1.1.1:53", item)
	}
	if !validPort(port) {
		return Canary{}, fmt.Errorf("%q: the port must be from 1 to 65535", item)
	}
	return Canary{URL: item, TCP: true}, nil
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

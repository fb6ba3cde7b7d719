// Package monitor holds Tocsin's domain: sites, checks, statuses, the rules that move a site
// from one status to another, and the rules a site's settings follow, for every front end. It
// is pure: no I/O, no clock (callers pass the time), no database; its one use of the system is
// the random source that push tokens are drawn from.
package monitor

import "fmt"

// Status is what Tocsin believes about a site.
type Status string

const (
	StatusPending Status = "pending" // never checked, or not yet conclusive
	StatusUp      Status = "up"
	StatusDown    Status = "down"
)

// ParseStatus accepts the three statuses by name.
func ParseStatus(s string) (Status, error) {
	switch st := Status(s); st {
	case StatusPending, StatusUp, StatusDown:
		return st, nil
	}
	return "", fmt.Errorf("must be one of up, down, pending")
}

// Package monitor holds Tocsin's domain: sites, checks, statuses and the rules that move a site
// from one status to another. It is pure: no I/O, no clock, no database.
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

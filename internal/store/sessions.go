package store

import "time"

// Session is a dashboard sign-in. Hash is the SHA-256 of the id its cookie holds: the id
// itself is never stored.
type Session struct {
	Hash      string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

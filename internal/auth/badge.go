package auth

import (
	"crypto/rand"
	"encoding/base64"
)

// BadgeTokenPrefix starts every badge token, so one is told apart from other secrets.
const BadgeTokenPrefix = "tsb_"

// NewBadgeToken returns a new badge token and the hash stored instead. A badge token is
// public once it is in a README, but it must not be guessable (site ids are), so it carries
// 192 random bits.
func NewBadgeToken() (token, hash string, err error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = BadgeTokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashAPIKey(token), nil
}

// HashBadgeToken is how a presented badge token is looked up.
func HashBadgeToken(token string) string { return HashAPIKey(token) }

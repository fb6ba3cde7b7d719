package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// APIKeyPrefix starts every API key, so a key is told from a session token at a glance (and by
// secret scanners).
const APIKeyPrefix = "tsk_"

// NewAPIKey returns a new key, shown to its owner once, and the hash that is stored instead.
// Keys carry 256 random bits, so a fast hash is enough: there is nothing to guess.
func NewAPIKey() (key string, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	key = APIKeyPrefix + base64.RawURLEncoding.EncodeToString(b)
	return key, HashAPIKey(key), nil
}

// HashAPIKey is how a presented key is looked up.
func HashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// IsAPIKey tells an API key from a session token.
func IsAPIKey(token string) bool { return strings.HasPrefix(token, APIKeyPrefix) }

// KeyHint is the part of a key that may be shown again, to tell keys apart in a list.
func KeyHint(key string) string {
	if len(key) < len(APIKeyPrefix)+6 {
		return APIKeyPrefix + "…"
	}
	return key[:len(APIKeyPrefix)+6] + "…"
}

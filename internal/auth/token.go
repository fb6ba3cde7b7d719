package auth

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const issuer = "tocsin"

// MinSecretLength is the shortest signing secret accepted: HS256 wants at least 256 bits.
const MinSecretLength = 32

// Claims is who a session token speaks for.
type Claims struct {
	UserID   int64
	Username string
	Role     string
}

// Tokens issues and checks HS256 session tokens (JWTs) with a fixed lifetime.
type Tokens struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
}

// NewTokens signs with secret; tokens expire ttl after they are issued.
func NewTokens(secret []byte, ttl time.Duration, now func() time.Time) (*Tokens, error) {
	if len(secret) < MinSecretLength {
		return nil, fmt.Errorf("the signing secret must be at least %d bytes", MinSecretLength)
	}
	return &Tokens{secret: secret, ttl: ttl, now: now}, nil
}

type tokenClaims struct {
	Username string `json:"name"`
	Role     string `json:"role"`
	jwt.RegisteredClaims
}

// Issue returns a signed token for the user and when it expires.
func (t *Tokens) Issue(c Claims) (string, time.Time, error) {
	now := t.now()
	exp := now.Add(t.ttl)
	claims := tokenClaims{Username: c.Username, Role: c.Role, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: issuer, Subject: strconv.FormatInt(c.UserID, 10),
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
	}}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
	return signed, exp.UTC(), err
}

// ErrInvalidToken covers every way a token can be wrong; callers need not tell them apart.
var ErrInvalidToken = errors.New("invalid or expired token")

// Parse checks the token's signature (HS256 only: "none" and every other algorithm are
// refused), issuer and expiry, and returns whom it speaks for.
func (t *Tokens) Parse(token string) (Claims, error) {
	var claims tokenClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer), jwt.WithExpirationRequired(), jwt.WithIssuedAt(),
		jwt.WithTimeFunc(t.now))
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	id, err := strconv.ParseInt(claims.Subject, 10, 64)
	if err != nil || id < 1 {
		return Claims{}, ErrInvalidToken
	}
	return Claims{UserID: id, Username: claims.Username, Role: claims.Role}, nil
}

package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestPasswordsHashAndVerify(t *testing.T) {
	hash, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(hash, "correct horse") {
		t.Fatalf("hash %q", hash)
	}
	if again, _ := HashPassword("correct horse"); again == hash {
		t.Error("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct hors": false, "": false} {
		if ok, err := VerifyPassword(hash, pw); ok != want || err != nil {
			t.Errorf("verify %q = %v %v, want %v", pw, ok, err, want)
		}
	}
	if _, err := VerifyPassword("$2a$10$bcrypt...", "x"); err == nil {
		t.Error("a foreign hash was accepted")
	}
}

func TestValidatePassword(t *testing.T) {
	for pw, ok := range map[string]bool{"1234567": false, "12345678": true, "ünïcödé!": true, strings.Repeat("x", 257): false} {
		if err := ValidatePassword(pw); (err == nil) != ok {
			t.Errorf("%q: %v", pw, err)
		}
	}
}

func TestTokensIssueAndParse(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	secret := []byte(strings.Repeat("s", 32))
	tokens, err := NewTokens(secret, time.Hour, clock)
	if err != nil {
		t.Fatal(err)
	}
	tok, exp, err := tokens.Issue(Claims{UserID: 7, Username: "ada", Role: "admin"})
	if err != nil || !exp.Equal(now.Add(time.Hour)) {
		t.Fatalf("issue: %v %v", exp, err)
	}
	got, err := tokens.Parse(tok)
	if err != nil || got != (Claims{UserID: 7, Username: "ada", Role: "admin"}) {
		t.Fatalf("parse: %+v %v", got, err)
	}

	now = now.Add(61 * time.Minute)
	if _, err := tokens.Parse(tok); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("an expired token was accepted: %v", err)
	}
	now = now.Add(-61 * time.Minute)

	other, _ := NewTokens([]byte(strings.Repeat("o", 32)), time.Hour, clock)
	forged, _, _ := other.Issue(Claims{UserID: 7, Role: "admin"})
	claims := jwt.MapClaims{"iss": "tocsin", "sub": "7", "role": "admin", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	hs384, _ := jwt.NewWithClaims(jwt.SigningMethodHS384, claims).SignedString(secret)
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	noExp, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": "tocsin", "sub": "7"}).SignedString(secret)
	wrongIssuer, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": "x", "sub": "7", "exp": now.Add(time.Hour).Unix()}).SignedString(secret)
	for name, bad := range map[string]string{"other secret": forged, "HS384": hs384, "alg none": none, "no expiry": noExp,
		"other issuer": wrongIssuer, "garbage": "abc.def.ghi", "empty": ""} {
		if _, err := tokens.Parse(bad); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("%s: accepted (%v)", name, err)
		}
	}
	if _, err := NewTokens([]byte("short"), time.Hour, clock); err == nil {
		t.Error("a short secret was accepted")
	}
}

func TestAPIKeys(t *testing.T) {
	key, hash, err := NewAPIKey()
	if err != nil {
		t.Fatal(err)
	}
	if !IsAPIKey(key) || len(key) < 40 || HashAPIKey(key) != hash || strings.Contains(hash, key) {
		t.Errorf("key %q hash %q", key, hash)
	}
	other, _, _ := NewAPIKey()
	if other == key || IsAPIKey("eyJhbGciOi") {
		t.Error("keys repeat, or a JWT looks like a key")
	}
	if hint := KeyHint(key); !strings.HasPrefix(key, strings.TrimSuffix(hint, "…")) || len(hint) > 14 {
		t.Errorf("hint %q", hint)
	}
}

func TestAttemptLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewAttemptLimiter(3, 15*time.Minute, func() time.Time { return now })
	for i := range 3 {
		if ok, _ := l.Allow("ip:1", "user:ada"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
		now = now.Add(time.Minute)
	}
	ok, wait := l.Allow("ip:1", "user:ada")
	if ok || wait != 12*time.Minute {
		t.Fatalf("fourth attempt: %v, wait %v (want 12m: the first attempt leaves the window then)", ok, wait)
	}
	if ok, _ := l.Allow("ip:2", "user:ada"); ok {
		t.Error("the username limit did not hold from another address")
	}
	if ok, _ := l.Allow("ip:2", "user:bob"); !ok {
		t.Error("another user from another address was refused")
	}
	now = now.Add(12 * time.Minute)
	if ok, _ := l.Allow("ip:1", "user:ada"); !ok {
		t.Error("still refused after the window slid")
	}
	l.Forget("user:ada")
	if ok, _ := l.Allow("ip:3", "user:ada"); !ok {
		t.Error("refused after Forget")
	}
}

func TestAttemptLimiterRefundsGiveAttemptsBack(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewAttemptLimiter(3, 15*time.Minute, func() time.Time { return now })
	for i := range 10 {
		if ok, _ := l.Allow("ip:1"); !ok {
			t.Fatalf("attempt %d refused though every earlier one was refunded", i+1)
		}
		l.Refund("ip:1")
	}
	for i := range 3 {
		if ok, _ := l.Allow("ip:1"); !ok {
			t.Fatalf("failed attempt %d refused", i+1)
		}
	}
	if ok, _ := l.Allow("ip:1"); ok {
		t.Error("a fourth failure was allowed")
	}
	l.Refund("ip:1")
	if ok, _ := l.Allow("ip:1"); !ok {
		t.Error("a refunded attempt was not given back")
	}
	l.Refund("ip:9") // nothing to give back
	if ok, _ := l.Allow("ip:9"); !ok {
		t.Error("refunding an unknown key broke it")
	}
}

package standin

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/notify/webhook"
)

// The README's Go recipe is Verify, word for word.
func TestTheReadmesRecipeIsVerify(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	source, err := os.ReadFile("verify.go")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "<!-- signature recipe: go -->\n```go\n")
	shown, _, ok2 := strings.Cut(after, "```")
	_, rest, _ := strings.Cut(string(source), "// --- README recipe: start ---\n")
	recipe, _, _ := strings.Cut(rest, "\n// --- README recipe: end ---")
	if !ok || !ok2 || strings.TrimSpace(shown) != strings.TrimSpace(recipe) {
		t.Errorf("the README's Go recipe is not verify.go's:\nREADME:\n%s\nverify.go:\n%s", shown, recipe)
	}
}

// Verify takes what webhook.Sign makes, and nothing else.
func TestVerifyChecksWhatTocsinSigns(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":1,"kind":"down"}`)
	ts := "1800000000"
	good := "v1=" + webhook.Sign("s3cret-s3cret-s3cret", now.Unix(), body)
	tests := []struct {
		name            string
		secret, ts, sig string
		body            []byte
		at              time.Time
		want            bool
	}{
		{"as signed", "s3cret-s3cret-s3cret", ts, good, body, now, true},
		{"four minutes later", "s3cret-s3cret-s3cret", ts, good, body, now.Add(4 * time.Minute), true},
		{"another secret", "another-secret-1234", ts, good, body, now, false},
		{"a changed body", "s3cret-s3cret-s3cret", ts, good, []byte(`{"id":2,"kind":"down"}`), now, false},
		{"another timestamp", "s3cret-s3cret-s3cret", "1800000001", good, body, now, false},
		{"replayed an hour later", "s3cret-s3cret-s3cret", ts, good, body, now.Add(time.Hour), false},
		{"no version", "s3cret-s3cret-s3cret", ts, strings.TrimPrefix(good, "v1="), body, now, false},
		{"no timestamp", "s3cret-s3cret-s3cret", "", good, body, now, false},
	}
	for _, tt := range tests {
		if got := Verify(tt.secret, tt.ts, tt.sig, tt.body, tt.at); got != tt.want {
			t.Errorf("%s: Verify = %v, want %v", tt.name, got, tt.want)
		}
	}
}

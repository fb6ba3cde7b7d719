package standin

// The function below is the README's recipe for checking a Tocsin webhook's signature,
// word for word (a test keeps the two equal): a receiver written from the README is the
// one tested here.

// --- README recipe: start ---
import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Verify says whether a request came from Tocsin: secret is the channel's signing secret,
// timestamp and signature the X-Tocsin-Timestamp and X-Tocsin-Signature headers, body the
// request's body exactly as received. Requests older than 5 minutes are refused, so a
// captured request cannot be replayed later.
func Verify(secret, timestamp, signature string, body []byte, now time.Time) bool {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || now.Sub(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	want := "v1=" + hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(want), []byte(signature))
}

// --- README recipe: end ---

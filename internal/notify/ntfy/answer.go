package ntfy

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/tocsin/tocsin/internal/notify/channel"
)

// limitWait is how long to wait after a 429 that says nothing of when to come back: ntfy.sh
// gives a visitor one more request every 5 s.
const limitWait = 10 * time.Second

// problem is ntfy's error answer: {"code": 42901, "http": 429, "error": "limit reached"}.
type problem struct {
	Code  int    `json:"code"`
	Error string `json:"error"`
}

// readAnswer judges ntfy's answer: 401 and 403 (a wrong token, a topic the token may not
// publish to) and 404 (no ntfy server at this URL) disable the channel; 413 refuses the
// message; 429 waits.
func readAnswer(a channel.Answer, target, token string) channel.Response {
	var p problem
	json.Unmarshal(a.Body, &p)
	r := channel.Response{Status: a.Status}
	if a.Status == http.StatusTooManyRequests {
		r.RetryAfter = max(channel.ParseSeconds(a.Header.Get("Retry-After")), limitWait)
	}
	detail := strconv.Itoa(a.Status) + " " + http.StatusText(a.Status)
	if p.Error != "" {
		detail = strconv.Itoa(a.Status) + " " + p.Error
		if p.Code != 0 {
			detail += " (code " + strconv.Itoa(p.Code) + ")"
		}
	}
	r.Detail = channel.Clip(channel.Scrub(detail, target, token))
	return r
}

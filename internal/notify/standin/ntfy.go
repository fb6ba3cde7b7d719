package standin

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/tocsin/tocsin/internal/notify/ntfy"
)

// NtfyToken is the access token the stand-in asks for.
const NtfyToken = "tk_standinntfysecret0123456789"

// Ntfy plays an ntfy server taking JSON at its root, with an access token: messages over 4096
// bytes are refused (this server allows no attachments), as is a wrong token.
type Ntfy struct {
	script
	url      string
	messages log[ntfy.Message]
}

// NewNtfy starts an ntfy stand-in.
func NewNtfy(t testing.TB) *Ntfy {
	s := &Ntfy{}
	s.url = server(t, s.serve).URL
	return s
}

// ServerURL is the server's address.
func (s *Ntfy) ServerURL() string { return s.url }

// Messages are the messages published, in order.
func (s *Ntfy) Messages() []ntfy.Message { return s.messages.all() }

func (s *Ntfy) serve(w http.ResponseWriter, r *http.Request) {
	fail := func(status, code int, text string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"code":%d,"http":%d,"error":%q}`+"\n", code, status, text)
	}
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		fail(http.StatusNotFound, 40401, "page not found")
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+NtfyToken {
		fail(http.StatusUnauthorized, 40101, "unauthorized")
		return
	}
	reply := s.next()
	body, _ := io.ReadAll(r.Body)
	var m ntfy.Message
	switch {
	case reply.Drop:
		drop(w)
	case reply.Dead:
		fail(http.StatusForbidden, 40301, "forbidden")
	case reply.Status == http.StatusTooManyRequests:
		if reply.RetryAfter > 0 { // ntfy.sh says nothing of when; a proxy in front may
			w.Header().Set("Retry-After", fmt.Sprint(reply.RetryAfter))
		}
		fail(reply.Status, 42901, "limit reached: too many requests")
	case reply.Status != 0:
		fail(reply.Status, 50001, "internal server error")
	case json.Unmarshal(body, &m) != nil || m.Topic == "":
		fail(http.StatusBadRequest, 40001, "invalid request: topic invalid")
	case len(m.Message) > ntfy.MaxMessageBytes:
		fail(http.StatusRequestEntityTooLarge, 41301, "too large: message too large and attachments are not allowed")
	default:
		s.messages.add(m)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"m%d","event":"message","topic":%q}`+"\n", s.Attempts(), m.Topic)
	}
}

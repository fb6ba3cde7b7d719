package standin

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/notify/webhook"
)

// Delivery is a request the receiver took, its signature checked.
type Delivery struct {
	ID        string // X-Tocsin-Delivery
	Timestamp string // X-Tocsin-Timestamp
	Signature string // X-Tocsin-Signature
	Body      webhook.Body
	Raw       []byte
}

// Receiver is a service receiving Tocsin's signed webhooks: it checks each request's
// signature with Verify (the README's recipe) and refuses the ones that fail with 401.
type Receiver struct {
	script
	url        string
	deliveries log[Delivery]

	mu     sync.Mutex
	secret string
}

// NewReceiver starts a receiver that knows the channel's secret.
func NewReceiver(t testing.TB, secret string) *Receiver {
	s := &Receiver{secret: secret}
	s.url = server(t, s.serve).URL
	return s
}

// SetSecret changes the secret signatures are checked with: to the one Tocsin made.
func (s *Receiver) SetSecret(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secret = secret
}

func (s *Receiver) currentSecret() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.secret
}

// URL is where Tocsin posts; its path holds a secret of the receiver's.
func (s *Receiver) URL() string { return s.url + "/hooks/tocsin-private-path" }

// Deliveries are the requests taken, in order.
func (s *Receiver) Deliveries() []Delivery { return s.deliveries.all() }

func (s *Receiver) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/hooks/tocsin-private-path" {
		http.Error(w, "no such hook", http.StatusNotFound)
		return
	}
	reply := s.next()
	raw, _ := io.ReadAll(r.Body)
	ts, sig := r.Header.Get("X-Tocsin-Timestamp"), r.Header.Get("X-Tocsin-Signature")
	ok := Verify(s.currentSecret(), ts, sig, raw, time.Now())
	switch {
	case reply.Drop:
		drop(w)
	case !ok:
		http.Error(w, "bad signature", http.StatusUnauthorized)
	case reply.Dead:
		http.Error(w, "this hook was removed", http.StatusGone)
	case reply.Status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", strconv.Itoa(reply.RetryAfter))
		http.Error(w, "slow down", reply.Status)
	case reply.Status != 0:
		http.Error(w, "oops", reply.Status)
	default:
		d := Delivery{ID: r.Header.Get("X-Tocsin-Delivery"), Timestamp: ts, Signature: sig, Raw: raw}
		if json.Unmarshal(raw, &d.Body) != nil {
			http.Error(w, "not JSON", http.StatusBadRequest)
			return
		}
		s.deliveries.add(d)
		w.WriteHeader(http.StatusNoContent)
	}
}

package standin

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tocsin/tocsin/internal/notify/slack"
)

// SlackToken is the secret of the stand-in's webhook.
const SlackToken = "sLaCkS3cr3tT0k3nXYZ1234"

// Slack plays Slack's incoming webhooks: /services/T0001/B0001/SlackToken takes Block Kit
// messages within Slack's limits and answers "ok".
type Slack struct {
	script
	url      string
	messages log[slack.Message]
}

// NewSlack starts a Slack stand-in.
func NewSlack(t testing.TB) *Slack {
	s := &Slack{}
	srv := server(t, s.serve)
	s.url = srv.URL
	return s
}

// Host is host:port, for TOCSIN_SLACK_ALLOWED_HOSTS.
func (s *Slack) Host() string { return hostOf(s.url) }

// WebhookURL is the stand-in's incoming webhook URL, as Slack shows it.
func (s *Slack) WebhookURL() string { return s.url + "/services/T0001/B0001/" + SlackToken }

// Messages are the messages Slack accepted, in order.
func (s *Slack) Messages() []slack.Message { return s.messages.all() }

func (s *Slack) serve(w http.ResponseWriter, r *http.Request) {
	text := func(status int, body string) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
	if r.Method != http.MethodPost || r.URL.Path != "/services/T0001/B0001/"+SlackToken {
		text(http.StatusForbidden, "invalid_token")
		return
	}
	reply := s.next()
	body, _ := io.ReadAll(r.Body)
	switch {
	case reply.Drop:
		drop(w)
	case reply.Dead:
		text(http.StatusNotFound, "no_service")
	case reply.Status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", fmt.Sprint(reply.RetryAfter))
		text(reply.Status, "rate_limited")
	case reply.Status != 0:
		text(reply.Status, "rollup_error")
	default:
		var m slack.Message
		if err := json.Unmarshal(body, &m); err != nil {
			text(http.StatusBadRequest, "invalid_payload")
			return
		}
		if problem := slackProblem(m); problem != "" {
			text(http.StatusBadRequest, "invalid_blocks: "+problem)
			return
		}
		s.messages.add(m)
		text(http.StatusOK, "ok")
	}
}

// slackProblem is what Slack would refuse in the message, or "".
func slackProblem(m slack.Message) string {
	if strings.TrimSpace(m.Text) == "" && len(m.Blocks) == 0 {
		return "no_text"
	}
	if len(m.Blocks) > slack.MaxBlocks {
		return fmt.Sprintf("%d blocks, at most %d", len(m.Blocks), slack.MaxBlocks)
	}
	for i, b := range m.Blocks {
		switch {
		case b.Type == "header" && (b.Text == nil || b.Text.Type != "plain_text" || utf8.RuneCountInString(b.Text.Text) > slack.MaxHeaderRunes):
			return fmt.Sprintf("block %d: a header must be plain_text of at most %d characters", i, slack.MaxHeaderRunes)
		case b.Type == "section" && (b.Text == nil || b.Text.Text == "" || utf8.RuneCountInString(b.Text.Text) > slack.MaxSectionRunes):
			return fmt.Sprintf("block %d: a section must hold 1 to %d characters", i, slack.MaxSectionRunes)
		}
	}
	return ""
}

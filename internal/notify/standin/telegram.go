package standin

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"
)

// TelegramToken is the stand-in's bot's token.
const TelegramToken = "123456:AAHsecretTelegramToken_0123456789"

// TelegramMessage is a message the stand-in took: its chat, its HTML and that HTML parsed to
// the text Telegram shows.
type TelegramMessage struct {
	ChatID string
	HTML   string
	Text   string
}

// Telegram plays the Bot API's sendMessage: it refuses HTML that does not parse as Telegram
// parses it, and texts over 4096 UTF-16 units once parsed, as Telegram does.
type Telegram struct {
	script
	url      string
	chats    map[string]bool // chats that exist; any chat when empty
	messages log[TelegramMessage]
}

// NewTelegram starts a Telegram stand-in.
func NewTelegram(t testing.TB) *Telegram {
	s := &Telegram{}
	s.url = server(t, s.serve).URL
	return s
}

// APIURL is the stand-in's address, for TOCSIN_TELEGRAM_API_URL.
func (s *Telegram) APIURL() string { return s.url }

// Messages are the messages sent, in order.
func (s *Telegram) Messages() []TelegramMessage { return s.messages.all() }

type telegramAnswer struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code,omitempty"`
	Description string `json:"description,omitempty"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters,omitempty"`
	Result any `json:"result,omitempty"`
}

func (s *Telegram) serve(w http.ResponseWriter, r *http.Request) {
	answer := func(status int, a telegramAnswer) {
		w.Header().Set("Content-Type", "application/json")
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", fmt.Sprint(a.Parameters.RetryAfter))
		}
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(a)
	}
	fail := func(status int, description string) {
		answer(status, telegramAnswer{ErrorCode: status, Description: description})
	}
	if r.URL.Path != "/bot"+TelegramToken+"/sendMessage" {
		if strings.HasSuffix(r.URL.Path, "/sendMessage") {
			fail(http.StatusUnauthorized, "Unauthorized")
			return
		}
		fail(http.StatusNotFound, "Not Found")
		return
	}
	reply := s.next()
	var req struct {
		ChatID    string `json:"chat_id"`
		Text      string `json:"text"`
		ParseMode string `json:"parse_mode"`
	}
	body, _ := io.ReadAll(r.Body)
	switch {
	case reply.Drop:
		drop(w)
	case reply.Dead:
		fail(http.StatusForbidden, "Forbidden: bot was kicked from the group chat")
	case reply.Status == http.StatusTooManyRequests:
		a := telegramAnswer{ErrorCode: 429, Description: fmt.Sprintf("Too Many Requests: retry after %d", reply.RetryAfter)}
		a.Parameters = &struct {
			RetryAfter int `json:"retry_after"`
		}{reply.RetryAfter}
		answer(reply.Status, a)
	case reply.Status != 0:
		fail(reply.Status, "Internal Server Error")
	case json.Unmarshal(body, &req) != nil || req.ParseMode != "HTML":
		fail(http.StatusBadRequest, "Bad Request: parse_mode must be HTML here")
	default:
		text, err := parseTelegramHTML(req.Text)
		n := len(utf16.Encode([]rune(text)))
		switch {
		case err != nil:
			fail(http.StatusBadRequest, "Bad Request: can't parse entities: "+err.Error())
		case n == 0 || n > 4096:
			fail(http.StatusBadRequest, fmt.Sprintf("Bad Request: message is too long (%d)", n))
		default:
			s.messages.add(TelegramMessage{ChatID: req.ChatID, HTML: req.Text, Text: text})
			answer(http.StatusOK, telegramAnswer{OK: true, Result: map[string]any{"message_id": s.Attempts()}})
		}
	}
}

var (
	telegramTag    = regexp.MustCompile(`^<(/?)(b|strong|i|em|u|ins|s|strike|del|code|pre|tg-spoiler|blockquote)>|^<(a) href="[^"<>]*">|^</(a)>`)
	telegramEntity = regexp.MustCompile(`^&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});`)
)

// parseTelegramHTML reads text as Telegram's HTML parse mode does: only its tags, properly
// nested, and only its entities; a bare < or & is an error. It returns the text shown.
func parseTelegramHTML(s string) (string, error) {
	var out strings.Builder
	var open []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			m := telegramTag.FindStringSubmatch(s[i:])
			if m == nil {
				return "", fmt.Errorf("unsupported start tag at byte offset %d", i)
			}
			name, closing := m[2]+m[3]+m[4], m[1] == "/" || m[4] != ""
			if closing {
				if len(open) == 0 || open[len(open)-1] != name {
					return "", fmt.Errorf("unexpected end tag at byte offset %d", i)
				}
				open = open[:len(open)-1]
			} else {
				open = append(open, name)
			}
			i += len(m[0])
		case '&':
			m := telegramEntity.FindString(s[i:])
			if m == "" {
				return "", fmt.Errorf("unsupported entity at byte offset %d", i)
			}
			out.WriteString(html.UnescapeString(m))
			i += len(m)
		case '>':
			return "", fmt.Errorf("unescaped > at byte offset %d", i)
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(open) > 0 {
		return "", fmt.Errorf("can't find end tag corresponding to start tag %q", open[len(open)-1])
	}
	return out.String(), nil
}

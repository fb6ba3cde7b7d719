package telegram

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/tocsin/tocsin/internal/notify/channel"
)

// problem is the Bot API's answer when ok is false.
type problem struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  struct {
		RetryAfter      float64 `json:"retry_after"`
		MigrateToChatID int64   `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// deadChats are the descriptions of a 400 that mean the chat will never take a message from
// this bot: it does not exist, or the bot may not write there.
func deadChats() []string {
	return []string{"chat not found", "need administrator rights", "not enough rights", "have no rights to send",
		"chat_write_forbidden", "group chat was upgraded", "peer_id_invalid", "user not found"}
}

// readAnswer judges the Bot API's answer. 401 (a wrong token), 403 (the bot was blocked or
// removed) and 404 (no such bot) disable the channel, as does a 400 saying the chat is gone;
// 429 carries retry_after.
func readAnswer(a channel.Answer, target, token string) channel.Response {
	var p problem
	json.Unmarshal(a.Body, &p)
	r := channel.Response{Status: a.Status}
	switch {
	case a.Status >= 200 && a.Status <= 299:
		r.Verdict = channel.Delivered
	case a.Status == http.StatusTooManyRequests:
		r.Verdict = channel.RateLimited
		r.RetryAfter = max(channel.Seconds(p.Parameters.RetryAfter), channel.ParseSeconds(a.Header.Get("Retry-After")))
	case a.Status == http.StatusBadRequest && isDeadChat(p.Description):
		r.Verdict = channel.Gone
	}
	detail := strconv.Itoa(a.Status) + " " + http.StatusText(a.Status)
	if p.Description != "" {
		detail = strconv.Itoa(a.Status) + " " + p.Description
	}
	if id := p.Parameters.MigrateToChatID; id != 0 {
		detail += "; the group is now chat " + strconv.FormatInt(id, 10) + ": set chat_id to it"
	}
	if r.RetryAfter > 0 && !strings.Contains(detail, "retry after") {
		detail += ", retry after " + r.RetryAfter.String()
	}
	r.Detail = channel.Clip(channel.Scrub(detail, target, token))
	return r
}

func isDeadChat(description string) bool {
	d := strings.ToLower(description)
	for _, dead := range deadChats() {
		if strings.Contains(d, dead) {
			return true
		}
	}
	return false
}

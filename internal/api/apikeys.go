package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
)

type apiKeyRequest struct {
	Name *string `json:"name"`
}

type apiKeyView struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Hint       string     `json:"hint"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// newAPIKeyView is the only answer that holds the key itself.
type newAPIKeyView struct {
	apiKeyView
	Key string `json:"key"`
}

func viewAPIKey(k monitor.APIKey) apiKeyView {
	return apiKeyView{ID: k.ID, Name: k.Name, Hint: k.Hint, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt}
}

const maxAPIKeyName = 100

func (h *Handler) createAPIKey(w http.ResponseWriter, r *http.Request) error {
	var req apiKeyRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" || utf8.RuneCountInString(*req.Name) > maxAPIKeyName {
		return badField("name", fmt.Sprintf("name is required, at most %d characters (say what the key is for)", maxAPIKeyName))
	}
	name := strings.TrimSpace(*req.Name)
	if err := monitor.ValidateLine("name", name); err != nil {
		return err
	}
	p := principalOf(r)
	if p.UserID == 0 {
		return &Error{Status: http.StatusConflict, Code: "no_account", Message: "API keys belong to an account: sign up first (POST /auth/signup)"}
	}
	key, hash, err := auth.NewAPIKey()
	if err != nil {
		return err
	}
	created, err := h.store.CreateAPIKey(r.Context(), monitor.APIKey{UserID: p.UserID, Name: name,
		Hint: auth.KeyHint(key), Hash: hash, CreatedAt: monitor.StoredTime(h.now())})
	if err != nil {
		return err
	}
	return reply(w, http.StatusCreated, newAPIKeyView{apiKeyView: viewAPIKey(created), Key: key})
}

func (h *Handler) listAPIKeys(w http.ResponseWriter, r *http.Request) error {
	keys, err := h.store.ListAPIKeys(r.Context(), owner(r))
	if err != nil {
		return err
	}
	views := make([]apiKeyView, len(keys))
	for i, k := range keys {
		views[i] = viewAPIKey(k)
	}
	return reply(w, http.StatusOK, views)
}

func (h *Handler) deleteAPIKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := h.store.DeleteAPIKey(r.Context(), owner(r), id); err != nil {
		return err
	}
	return noContent(w)
}

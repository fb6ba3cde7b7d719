package api

import (
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

func (h *Handler) createAPIKey(w http.ResponseWriter, r *http.Request) {
	var req apiKeyRequest
	if err := decode(w, r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" || utf8.RuneCountInString(*req.Name) > 100 {
		h.fail(w, r, badField("name", "name is required, at most 100 characters (say what the key is for)"))
		return
	}
	p := principalOf(r)
	if p.UserID == 0 {
		h.fail(w, r, &Error{Status: http.StatusConflict, Code: "no_account", Message: "API keys belong to an account: sign up first (POST /auth/signup)"})
		return
	}
	key, hash, err := auth.NewAPIKey()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	created, err := h.store.CreateAPIKey(r.Context(), monitor.APIKey{UserID: p.UserID, Name: strings.TrimSpace(*req.Name),
		Hint: auth.KeyHint(key), Hash: hash, CreatedAt: h.now().UTC().Truncate(time.Microsecond)})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.ok(w, http.StatusCreated, newAPIKeyView{apiKeyView: viewAPIKey(created), Key: key})
}

func (h *Handler) listAPIKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := h.store.ListAPIKeys(r.Context(), owner(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	views := make([]apiKeyView, len(keys))
	for i, k := range keys {
		views[i] = viewAPIKey(k)
	}
	h.ok(w, http.StatusOK, views)
}

func (h *Handler) deleteAPIKey(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = notFoundAs(h.store.DeleteAPIKey(r.Context(), owner(r), id), "no such API key")
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

package api

import (
	"net/http"
	"time"

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

func (h *Handler) createAPIKey(w http.ResponseWriter, r *http.Request) error {
	var req apiKeyRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	created, key, err := h.accounts.NewAPIKey(r.Context(), principalOf(r).UserID, deref(req.Name))
	if err != nil {
		return accountError(w, err)
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

package web

import "net/http"

func (h *Handler) alertsFormRoutes(mux *http.ServeMux) {}

type channelStore interface{}

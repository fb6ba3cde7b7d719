package api

import (
	"encoding/json"
	"net/http"

	"github.com/tocsin/tocsin/internal/monitor"
)

// siteRequest is the body of POST /sites and PATCH /sites/{id}: a monitor.SitePatch as JSON,
// whose rules (defaults, masked secrets, what empty text means) are monitor's. The two fields
// JSON writes in more than one way are read here.
type siteRequest struct {
	monitor.SitePatch
	// AcceptedStatusCodes holds codes (200) and ranges ("200-299").
	AcceptedStatusCodes *[]json.RawMessage `json:"accepted_status_codes"`
	// JSONSchema is a schema as a JSON object, or a string holding one; "" or null removes it.
	// Not a pointer: null must reach it, to tell "remove" from "leave as it is".
	JSONSchema json.RawMessage `json:"json_schema"`
}

// decodeSite reads a site request into the patch it asks for.
func decodeSite(w http.ResponseWriter, r *http.Request) (monitor.SitePatch, error) {
	body, err := readBody(w, r, maxBodyBytes)
	if err != nil {
		return monitor.SitePatch{}, err
	}
	return decodeSiteBody(body)
}

// decodeSiteBody reads one site request, a whole body or one site of a batch.
func decodeSiteBody(body []byte) (monitor.SitePatch, error) {
	var req siteRequest
	if err := decodeBody(body, &req, "json_schema"); err != nil {
		return monitor.SitePatch{}, err
	}
	p := req.SitePatch
	if req.AcceptedStatusCodes != nil {
		ranges, err := parseStatusCodes(*req.AcceptedStatusCodes)
		if err != nil {
			return p, err
		}
		p.AcceptedStatusCodes = &ranges
	}
	if req.JSONSchema != nil {
		text := schemaText(req.JSONSchema)
		p.JSONSchema = &text
	}
	return p, nil
}

// parseStatusCodes reads a list of codes (200) and ranges ("200-299").
func parseStatusCodes(items []json.RawMessage) ([]monitor.StatusRange, error) {
	ranges := make([]monitor.StatusRange, 0, len(items))
	for _, raw := range items {
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			text = string(raw) // a number
		}
		r, ok := monitor.ParseStatusRange(text)
		if !ok {
			return nil, badField("accepted_status_codes", `accepted_status_codes holds codes and ranges, like [200, "300-399"]; `+string(raw)+" is neither")
		}
		ranges = append(ranges, r)
	}
	return ranges, nil
}

// schemaText is a schema's JSON text: the value itself, or the text of a string holding it;
// null is "" (none).
func schemaText(raw json.RawMessage) string {
	if string(raw) == "null" {
		return ""
	}
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		return text
	}
	return string(raw)
}

package declare

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Object is one thing as the API shows it: a decoded JSON object.
type Object = map[string]any

// Client calls a Tocsin's API.
type Client struct {
	Server string // e.g. http://127.0.0.1:8080
	Token  string // a session token or API key; "" against a Tocsin with auth off
	HTTP   *http.Client
}

// APIError is the API's answer to a request it refused.
type APIError struct {
	Status  int
	Code    string
	Message string
	Field   string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s (%d %s)", e.Message, e.Status, e.Code)
}

// Call sends body (nil for none) as JSON and decodes the answer into out (nil to drop it).
func (c *Client) Call(ctx context.Context, method, path string, body, out any) error {
	var payload io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(c.Server, "/")+path, payload)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	httpc := c.HTTP
	if httpc == nil {
		httpc = &http.Client{Timeout: 5 * time.Minute}
	}
	resp, err := httpc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return apiError(resp)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: the answer is not the JSON expected: %w", method, path, err)
	}
	return nil
}

func apiError(resp *http.Response) error {
	var body struct {
		Error struct{ Code, Message, Field string } `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if json.Unmarshal(raw, &body) != nil || body.Error.Code == "" {
		return &APIError{Status: resp.StatusCode, Code: "unexpected", Message: fmt.Sprintf("%s answered %q", resp.Request.URL.Redacted(), clip(string(raw)))}
	}
	e := body.Error
	return &APIError{Status: resp.StatusCode, Code: e.Code, Message: e.Message, Field: e.Field}
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// list GETs a JSON list.
func (c *Client) list(ctx context.Context, path string) ([]Object, error) {
	var out []Object
	err := c.Call(ctx, http.MethodGet, path, nil, &out)
	return out, err
}

// id is an object's id.
func id(o Object) int64 {
	n, _ := o["id"].(float64)
	return int64(n)
}

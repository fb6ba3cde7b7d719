package discord

import "net/url"

// Mask hides the token of a webhook URL so it can be shown or logged. Whatever it cannot read
// as a webhook URL is hidden entirely.
func Mask(webhookURL string) string {
	u, p, ok := parseStored(webhookURL)
	if !ok {
		return "****"
	}
	version := ""
	if p.version != "" {
		version = "/" + p.version
	}
	return u.Scheme + "://" + u.Host + "/api" + version + "/webhooks/" + p.id + "/****"
}

// WebhookID is the webhook's id, which is not secret and names the webhook in logs; "" when
// the URL is not a webhook URL.
func WebhookID(webhookURL string) string {
	_, p, ok := parseStored(webhookURL)
	if !ok {
		return ""
	}
	return p.id
}

// parseStored reads a URL that ParseWebhookURL already accepted, without the host list.
func parseStored(webhookURL string) (*url.URL, webhookPath, bool) {
	u, err := url.Parse(webhookURL)
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil {
		return nil, webhookPath{}, false
	}
	p, ferr := checkWebhookPath(u.EscapedPath())
	if ferr != nil {
		return nil, webhookPath{}, false
	}
	return u, p, true
}

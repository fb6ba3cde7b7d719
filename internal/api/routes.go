package api

import (
	"net/http"

	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/statuspage"
)

// access says who may call a route.
type access int

const (
	signedIn access = iota // a session token or API key (anyone, when auth is off)
	public                 // no token needed
	adminOnly
)

// handlerFunc handles a request: it answers itself when it succeeds and returns the error
// otherwise, which the route table's adapter answers (see Handler.serve).
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one endpoint: the mux pattern, the handler, and what the OpenAPI document says of it.
// Routes are registered from this table only, so the document cannot miss one.
type route struct {
	Method, Path string
	Handle       handlerFunc
	// Noun is what the route's path names ("site", "webhook"): a store's "not found" that the
	// handler did not name is answered "no such <noun>".
	Noun    string
	Summary string
	Access  access
	AliasOf string // set on the compatibility routes: the canonical route they serve
	// DocPath, when set, is the path the document shows, where the mux pattern cannot say it
	// (a wildcard with a suffix: /status/{slug}.json).
	DocPath string
	Body    any          // the request body's type, as a zero value; nil when none
	Reply   any          // the success body's type; nil for 204
	Status  int          // the success status
	Query   []queryParam // query parameters
}

type queryParam struct{ Name, Type, Doc string }

var (
	historyParams = []queryParam{
		{"limit", "integer", "entries per page, 1 to 1000 (default 100)"},
		{"before", "date-time", "only entries older than this: the previous page's next_before"},
		{"from", "date-time", "only entries at or after this time"},
		{"to", "date-time", "only entries at or before this time"},
	}
	uptimeParams = []queryParam{
		{"windows", "string", "comma-separated windows that end now, in hours or days: 24h,7d,30d,90d (the default) or any Nh, Nd"},
		{"from", "date-time", "the start of a range to report besides (or, without windows, instead of) the windows"},
		{"to", "date-time", "the end of that range (default now)"},
	}
	statsParams = []queryParam{
		{"from", "date-time", "the first hour or day (default: 24 hours or 30 days before to)"},
		{"to", "date-time", "the end of the range (default now)"},
		{"step", "string", "hour (default) or day: points are UTC hours or days"},
	}
	// dryRunParam asks a route to check the request and answer 200 with what it would do,
	// changing nothing.
	dryRunParam         = queryParam{"dry_run", "boolean", "true: check everything and answer 200 with what would be made, changing nothing"}
	includeSecretsParam = queryParam{"include_secrets", "boolean", "true: show the secrets (webhook tokens, credentials) instead of ****, for exporting them"}
	notificationParams  = []queryParam{
		{"limit", "integer", "entries per page, 1 to 1000 (default 100)"},
		{"before", "integer", "only notifications older than this id: the previous page's next_before"},
		{"state", "string", "pending, delivered, failed or given_up"},
	}
)

func (h *Handler) routes() []route {
	return []route{
		{Method: "GET", Path: "/{$}", Handle: h.root, Summary: "What this service is", Reply: rootView{}, Status: 200},
		{Method: "GET", Path: "/healthz", Handle: h.healthz, Summary: "Alive", Access: public, Reply: healthView{}, Status: 200},
		{Method: "GET", Path: "/readyz", Handle: h.readyz, Summary: "Ready: the database answers", Access: public, Reply: healthView{}, Status: 200},
		{Method: "GET", Path: "/openapi.json", Handle: h.openAPI, Summary: "This API, as an OpenAPI 3.1 document", Access: public, Status: 200},

		{Method: "POST", Path: "/auth/signup", Handle: h.signup, Summary: "Create an account and sign in (the first account becomes admin)", Access: public, Body: credentials{}, Reply: session{}, Status: 201},
		{Method: "POST", Path: "/auth/login", Handle: h.login, Summary: "Sign in: a session token for the Authorization header", Access: public, Body: credentials{}, Reply: session{}, Status: 200},
		{Method: "GET", Path: "/me", Handle: h.me, Noun: "user", Summary: "The account this request acts as", Reply: userView{}, Status: 200},
		{Method: "POST", Path: "/me/password", Handle: h.changePassword, Noun: "user", Summary: "Change your password; your dashboard sign-ins end", Body: passwordChange{}, Status: 204},
		{Method: "POST", Path: "/users", Handle: h.createUser, Summary: "Create an account (admins)", Access: adminOnly, Body: newUserRequest{}, Reply: userView{}, Status: 201},
		{Method: "GET", Path: "/users", Handle: h.listUsers, Summary: "List accounts (admins)", Access: adminOnly, Reply: []userView{}, Status: 200},
		{Method: "DELETE", Path: "/users/{id}", Handle: h.deleteUser, Noun: "user", Summary: "Delete an account and everything it owns (admins)", Access: adminOnly, Status: 204},
		{Method: "POST", Path: "/api-keys", Handle: h.createAPIKey, Summary: "Create an API key; the key is shown once", Body: apiKeyRequest{}, Reply: newAPIKeyView{}, Status: 201},
		{Method: "GET", Path: "/api-keys", Handle: h.listAPIKeys, Summary: "List your API keys", Reply: []apiKeyView{}, Status: 200},
		{Method: "DELETE", Path: "/api-keys/{id}", Handle: h.deleteAPIKey, Noun: "api key", Summary: "Revoke an API key", Status: 204},

		{Method: "POST", Path: "/sites", Handle: h.createSite, Noun: "site", Summary: "Watch a site; it is checked at once", Body: siteRequest{}, Reply: siteView{}, Status: 201},
		{Method: "GET", Path: "/sites", Handle: h.listSites, Summary: "List your sites", Reply: []siteView{}, Status: 200,
			Query: []queryParam{{"status", "string", "only sites with this status: up, down or pending"}, includeSecretsParam}},
		{Method: "POST", Path: "/sites/batch", Handle: h.createSites, Summary: "Add up to 10,000 sites at once, all or none; their first checks are spread over their first interval",
			Body: batchRequest{}, Reply: batchView{}, Status: 201, Query: []queryParam{dryRunParam}},
		{Method: "GET", Path: "/sites/{id}", Handle: h.getSite, Noun: "site", Summary: "One site", Reply: siteView{}, Status: 200},
		{Method: "PATCH", Path: "/sites/{id}", Handle: h.updateSite, Noun: "site", Summary: "Change a site's settings", Body: siteRequest{}, Reply: siteView{}, Status: 200},
		{Method: "DELETE", Path: "/sites/{id}", Handle: h.deleteSite, Noun: "site", Summary: "Stop watching a site; its history goes too", Status: 204},
		{Method: "POST", Path: "/sites/{id}/check", Handle: h.checkSite, Noun: "site", Summary: "Check a site now", Reply: checkResponse{}, Status: 200},
		{Method: "GET", Path: "/sites/{id}/history", Handle: h.siteHistory, Noun: "site", Summary: "A site's checks, newest first", Reply: historyPage{}, Status: 200, Query: historyParams},
		{Method: "GET", Path: "/sites/{id}/events", Handle: h.siteEvents, Noun: "site", Summary: "A site's status and latency changes, newest first", Reply: eventsPage{}, Status: 200, Query: historyParams},
		{Method: "GET", Path: "/sites/{id}/uptime", Handle: h.siteUptime, Noun: "site", Summary: "A site's uptime over windows that end now, or over from–to: time up ÷ (up + down), from its status changes",
			Reply: siteUptimeView{}, Status: 200, Query: uptimeParams},
		{Method: "GET", Path: "/sites/{id}/incidents", Handle: h.siteIncidents, Noun: "site", Summary: "A site's down periods, newest first", Reply: incidentsPage{}, Status: 200, Query: historyParams},
		{Method: "GET", Path: "/sites/{id}/stats", Handle: h.siteStats, Noun: "site", Summary: "A site's checks, failures, response times and uptime by UTC hour or day, oldest first", Reply: statsView{}, Status: 200, Query: statsParams},
		{Method: "GET", Path: "/uptime", Handle: h.fleetUptime, Summary: "The uptime of every one of your sites over a window that ends now, and their total", Reply: fleetView{}, Status: 200,
			Query: []queryParam{{"window", "string", "how far back: hours (24h) or days (30d); default 30d"}}},
		{Method: "POST", Path: "/sites/{id}/anomaly-check", Handle: h.anomalyCheck, Noun: "site", Summary: "The average rule: the latest check's latency against the average of the 10 before it", Reply: anomalyView{}, Status: 200},
		{Method: "POST", Path: "/push/{token}", Handle: h.push, Noun: "push site", Summary: "A push site's heartbeat (the token is the credential)", Access: public, Reply: pushView{}, Status: 200},
		{Method: "GET", Path: "/push/{token}", Handle: h.push, Noun: "push site", Summary: "A push site's heartbeat, for clients that can only GET", Access: public, Reply: pushView{}, Status: 200},

		{Method: "POST", Path: "/webhook", Handle: h.setDefaultWebhook, Noun: "webhook", Summary: "Set the default Discord webhook", Body: defaultWebhookRequest{}, Reply: webhookView{}, Status: 200},
		{Method: "GET", Path: "/webhook", Handle: h.getDefaultWebhook, Noun: "webhook", Summary: "The default webhook, token masked", Reply: webhookView{}, Status: 200},
		{Method: "DELETE", Path: "/webhook", Handle: h.deleteDefaultWebhook, Noun: "webhook", Summary: "Remove the default webhook", Status: 204},
		{Method: "POST", Path: "/webhook/test", Handle: h.testDefaultWebhook, Noun: "webhook", Summary: "Post a test message to the default webhook", Reply: webhookTestView{}, Status: 200},
		{Method: "POST", Path: "/webhooks", Handle: h.createWebhook, Noun: "webhook", Summary: "Add a Discord webhook", Body: webhookRequest{}, Reply: webhookView{}, Status: 201,
			Query: []queryParam{dryRunParam}},
		{Method: "GET", Path: "/webhooks", Handle: h.listWebhooks, Summary: "List your webhooks", Reply: []webhookView{}, Status: 200,
			Query: []queryParam{includeSecretsParam}},
		{Method: "GET", Path: "/webhooks/{id}", Handle: h.getWebhook, Noun: "webhook", Summary: "One webhook", Reply: webhookView{}, Status: 200},
		{Method: "PATCH", Path: "/webhooks/{id}", Handle: h.updateWebhook, Noun: "webhook", Summary: "Rename a webhook, point it at another Discord webhook, or make it the default or not", Body: webhookPatch{}, Reply: webhookView{}, Status: 200},
		{Method: "DELETE", Path: "/webhooks/{id}", Handle: h.deleteWebhook, Noun: "webhook", Summary: "Remove a webhook and its queued alerts", Status: 204},
		{Method: "POST", Path: "/webhooks/{id}/test", Handle: h.testWebhook, Noun: "webhook", Summary: "Post a test message", Reply: webhookTestView{}, Status: 200},
		{Method: "POST", Path: "/channels", Handle: h.createChannel, Noun: "channel", Summary: "Add a channel: discord, slack, telegram, ntfy, email or webhook", Body: channelRequest{}, Reply: channelView{}, Status: 201,
			Query: []queryParam{dryRunParam}},
		{Method: "GET", Path: "/channels", Handle: h.listChannels, Summary: "List your channels, secrets masked", Reply: []channelView{}, Status: 200,
			Query: []queryParam{includeSecretsParam}},
		{Method: "GET", Path: "/channel-types", Handle: h.listChannelTypes, Summary: "The channel types and the settings each takes", Reply: []channels.TypeInfo{}, Status: 200},
		{Method: "GET", Path: "/channels/{id}", Handle: h.getChannel, Noun: "channel", Summary: "One channel", Reply: channelView{}, Status: 200},
		{Method: "PATCH", Path: "/channels/{id}", Handle: h.updateChannel, Noun: "channel", Summary: "Change a channel; a disabled channel is active again", Body: channelRequest{}, Reply: channelView{}, Status: 200,
			Query: []queryParam{{"dry_run", "boolean", "true: check the change and answer with the channel as it would be, secrets shown, changing nothing"}}},
		{Method: "DELETE", Path: "/channels/{id}", Handle: h.deleteChannel, Noun: "channel", Summary: "Remove a channel and its queued alerts", Status: 204},
		{Method: "POST", Path: "/channels/{id}/test", Handle: h.testChannel, Noun: "channel", Summary: "Send a test message and show the destination's answer", Reply: channelTestView{}, Status: 200},
		{Method: "POST", Path: "/status-pages", Handle: h.createStatusPage, Noun: "status page", Summary: "Create a public status page of some of your sites", Body: statusPageRequest{}, Reply: statusPageView{}, Status: 201,
			Query: []queryParam{dryRunParam}},
		{Method: "GET", Path: "/status-pages", Handle: h.listStatusPages, Summary: "List your status pages", Reply: []statusPageView{}, Status: 200},
		{Method: "GET", Path: "/status-pages/{id}", Handle: h.getStatusPage, Noun: "status page", Summary: "One status page", Reply: statusPageView{}, Status: 200},
		{Method: "PATCH", Path: "/status-pages/{id}", Handle: h.updateStatusPage, Noun: "status page", Summary: "Change a status page; fields left out stay as they are", Body: statusPageRequest{}, Reply: statusPageView{}, Status: 200,
			Query: []queryParam{{"dry_run", "boolean", "true: check the change and answer with the page as it would be, changing nothing"}}},
		{Method: "DELETE", Path: "/status-pages/{id}", Handle: h.deleteStatusPage, Noun: "status page", Summary: "Delete a status page", Status: 204},
		{Method: "GET", Path: "/status/{file}", DocPath: "/status/{slug}.json", Handle: h.publicStatusJSON, Noun: "status page", Summary: "A status page's public data, as its HTML page at /status/{slug} shows it (cached up to 10 s)", Access: public, Reply: statuspage.View{}, Status: 200},
		{Method: "POST", Path: "/sites/{id}/badge-token", Handle: h.createBadgeToken, Noun: "site", Summary: "Create or replace the site's badge token, for /badge/{token}/status.svg, /badge/{token}/uptime/{24h,7d,30d,90d}.svg and /badge/{token}/response.svg", Reply: badgeTokenView{}, Status: 201},
		{Method: "DELETE", Path: "/sites/{id}/badge-token", Handle: h.deleteBadgeToken, Noun: "site", Summary: "Revoke the site's badge token: its badges answer 404", Status: 204},
		{Method: "POST", Path: "/maintenance", Handle: h.createMaintenance, Summary: "Plan maintenance: a one-off or recurring window in which sites' outage alerts are held and their time is left out of uptime", Body: maintenanceRequest{}, Reply: maintenanceView{}, Status: 201,
			Query: []queryParam{dryRunParam}},
		{Method: "GET", Path: "/maintenance", Handle: h.listMaintenance, Summary: "List your maintenance windows", Reply: []maintenanceView{}, Status: 200},
		{Method: "GET", Path: "/maintenance/{id}", Handle: h.getMaintenance, Noun: "maintenance window", Summary: "One maintenance window", Reply: maintenanceView{}, Status: 200},
		{Method: "PATCH", Path: "/maintenance/{id}", Handle: h.updateMaintenance, Noun: "maintenance window", Summary: "Change a maintenance window", Body: maintenanceRequest{}, Reply: maintenanceView{}, Status: 200,
			Query: []queryParam{{"dry_run", "boolean", "true: check the change and answer with the window as it would be, changing nothing"}}},
		{Method: "DELETE", Path: "/maintenance/{id}", Handle: h.deleteMaintenance, Noun: "maintenance window", Summary: "Remove a maintenance window; an open one closes now", Status: 204},
		{Method: "GET", Path: "/notifications", Handle: h.listNotifications, Summary: "Alert deliveries, newest first", Reply: notificationsPage{}, Status: 200, Query: notificationParams},

		// Compatibility routes, for the clients of an earlier API.
		{Method: "POST", Path: "/create", Handle: h.signup, Summary: "Create an account", Access: public, AliasOf: "POST /auth/signup", Body: credentials{}, Reply: session{}, Status: 201},
		{Method: "POST", Path: "/login", Handle: h.login, Summary: "Sign in", Access: public, AliasOf: "POST /auth/login", Body: credentials{}, Reply: session{}, Status: 200},
		{Method: "POST", Path: "/addEndpoint", Handle: h.addEndpoint, Noun: "site", Summary: "Save a URL to monitor", AliasOf: "POST /sites", Body: addEndpointRequest{}, Reply: siteView{}, Status: 201},
		{Method: "POST", Path: "/latencyAnomalyCheck", Handle: h.latencyAnomalyCheck, Noun: "endpoint", Summary: "The latency rule for a saved endpoint", AliasOf: "POST /sites/{id}/anomaly-check", Body: endpointRequest{}, Reply: anomalyView{}, Status: 200},
		{Method: "POST", Path: "/runUrl", Handle: h.runURL, Noun: "endpoint", Summary: "Check a saved endpoint now", AliasOf: "POST /sites/{id}/check", Body: endpointRequest{}, Reply: runURLView{}, Status: 200},
	}
}

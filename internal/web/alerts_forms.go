package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/store"
)

// channelStore is what the alerts page's forms read and write.
type channelStore interface {
	ListChannels(ctx context.Context, owner int64) ([]monitor.Channel, error)
	CreateChannel(ctx context.Context, c monitor.Channel) (monitor.Channel, error)
	Channel(ctx context.Context, owner, id int64) (monitor.Channel, error)
	DeleteChannel(ctx context.Context, owner, id int64, at time.Time) error
	RecordDelivery(ctx context.Context, d store.Delivery) error
}

func (h *Handler) alertsFormRoutes(mux *http.ServeMux) {
	mux.Handle("GET /app/alerts/new", h.page(h.newChannelPage))
	mux.Handle("POST /app/alerts/channels", h.page(h.createChannelSubmit))
	mux.Handle("POST /app/alerts/channels/{id}/test", h.page(h.testChannelSubmit))
	mux.Handle("POST /app/alerts/channels/{id}/delete", h.page(h.deleteChannelSubmit))
}

// settingInputs say how a channel setting is asked for; which settings a type takes is its
// driver's to say (Fields), and whether a value is right its Normalize's.
var settingInputs = map[string]formField{
	"url":        {Label: "Webhook URL", Type: "url"},
	"bot_token":  {Label: "Bot token", Type: "password", Help: "From @BotFather, like 123456:ABC…"},
	"chat_id":    {Label: "Chat ID", Type: "text", Help: "The chat, group or channel to post in: a number, or @channelname."},
	"server_url": {Label: "Server URL", Type: "url", Help: "Leave empty for https://ntfy.sh."},
	"topic":      {Label: "Topic", Type: "text"},
	"token":      {Label: "Access token", Type: "password", Help: "Only if the topic needs one."},
	"host":       {Label: "SMTP server", Type: "text", Help: "Host name, like smtp.example.com."},
	"port":       {Label: "Port", Type: "number", Help: "Leave empty for the usual port of the TLS mode."},
	"tls":        {Label: "TLS", Type: "select", Options: []option{{"starttls", "STARTTLS", true}, {"implicit", "Implicit TLS", false}, {"none", "None (a server on this machine)", false}}},
	"username":   {Label: "SMTP username", Type: "text", Autocomplete: "off"},
	"password":   {Label: "SMTP password", Type: "password", Autocomplete: "new-password"},
	"from":       {Label: "From address", Type: "email"},
	"to":         {Label: "To addresses", Type: "textarea", Help: "One address a line."},
	"secret":     {Label: "Signing secret", Type: "password", Help: "Leave empty and Tocsin makes one, shown once."},
}

// typeLabels name the channel types on the page; a driver's Service is how its messages
// speak of the destination ("the mail server answered …").
var typeLabels = map[string]string{"discord": "Discord", "slack": "Slack", "telegram": "Telegram", "ntfy": "ntfy",
	"email": "Email", "webhook": "Webhook"}

func typeLabel(t string) string {
	if l, ok := typeLabels[t]; ok {
		return l
	}
	return t
}

// urlLabels name the URL of the types that post to one.
var urlLabels = map[monitor.ChannelType]string{
	monitor.ChannelDiscord: "Discord webhook URL",
	monitor.ChannelSlack:   "Slack incoming webhook URL",
	monitor.ChannelWebhook: "Receiver URL",
}

type typeLink struct {
	Type, Service string
	Current       bool
}

type channelFormPage struct {
	layout
	Types   []typeLink
	Type    string
	Service string
	Fields  []formField
	Notice  *notice
}

// channelTypes lists the types this Tocsin sends to, for the "add" links.
func (h *Handler) channelTypes(current string) []typeLink {
	var out []typeLink
	if h.channels == nil {
		return nil
	}
	for _, t := range channels.Types(h.channels) {
		out = append(out, typeLink{Type: t.Type, Service: typeLabel(t.Type), Current: t.Type == current})
	}
	return out
}

// channelForm is the form of a type: a name, the type's settings, and the default flag.
func (h *Handler) channelForm(t monitor.ChannelType) (channelFormPage, bool) {
	if h.channels == nil {
		return channelFormPage{}, false
	}
	d, ok := h.channels.Driver(t)
	if !ok {
		return channelFormPage{}, false
	}
	label := typeLabel(string(t))
	p := channelFormPage{layout: h.layout("New "+label+" channel", "alerts"), Types: h.channelTypes(string(t)), Type: string(t), Service: label}
	p.Fields = append(p.Fields, formField{Name: "name", Label: "Name", Type: "text", Help: "Optional: what you call it. Left empty, it is named after where it sends."})
	for _, name := range d.Fields() {
		f := settingInputs[name]
		f.Name = name
		f.Options = slices.Clone(f.Options)
		if name == "url" {
			f.Label = urlLabels[t]
		}
		if f.Type == "" {
			f.Label, f.Type = name, "text"
		}
		p.Fields = append(p.Fields, f)
	}
	p.Fields = append(p.Fields, formField{Name: "default", Label: "Default: alert every site that names no channel", Type: "checkbox"})
	return p, true
}

func (h *Handler) newChannelPage(w http.ResponseWriter, r *http.Request) {
	t := monitor.ChannelType(r.URL.Query().Get("type"))
	if t == "" {
		t = monitor.ChannelDiscord
	}
	p, ok := h.channelForm(t)
	if !ok {
		h.fail(w, r, &badInput{"type", "must be one of the channel types: " + typeNames(h.channelTypes(""))})
		return
	}
	h.render(w, http.StatusOK, "channel_new", p)
}

func typeNames(links []typeLink) string {
	var names []string
	for _, l := range links {
		names = append(names, l.Type)
	}
	return strings.Join(names, ", ")
}

// changesFromForm reads a channel form into the changes every front end hands the channel
// rules: only the settings given, so the rules say which are missing.
func changesFromForm(form url.Values, fields []formField) (channels.Changes, *monitor.FieldError) {
	var ch channels.Changes
	val := func(name string) *string {
		v := strings.TrimSpace(form.Get(name))
		if v == "" {
			return nil
		}
		return &v
	}
	for _, f := range fields {
		v := val(f.Name)
		switch f.Name {
		case "name":
			ch.Name = v
		case "default":
			if v != nil {
				yes := true
				ch.Default = &yes
			}
		case "url":
			ch.URL = v
		case "bot_token":
			ch.BotToken = v
		case "chat_id":
			if v != nil {
				id := channels.ChatID(*v)
				ch.ChatID = &id
			}
		case "server_url":
			ch.ServerURL = v
		case "topic":
			ch.Topic = v
		case "token":
			ch.Token = v
		case "host":
			ch.Host = v
		case "port":
			if v != nil {
				n, err := strconv.Atoi(*v)
				if err != nil {
					return ch, &monitor.FieldError{Field: "port", Message: "must be a whole number"}
				}
				ch.Port = &n
			}
		case "tls":
			ch.TLS = v
		case "username":
			ch.Username = v
		case "password":
			ch.Password = v
		case "from":
			ch.From = v
		case "to":
			if v != nil {
				var to []string
				for _, addr := range strings.FieldsFunc(*v, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
					if addr = strings.TrimSpace(addr); addr != "" {
						to = append(to, addr)
					}
				}
				ch.To = &to
			}
		case "secret":
			ch.Secret = v
		}
	}
	return ch, nil
}

// createChannelSubmit adds a channel through the channel rules (channels.Create), as the API
// does; a refusal shows the form again with the error beside its field.
func (h *Handler) createChannelSubmit(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, maxFormBytes) {
		return
	}
	t := monitor.ChannelType(r.PostFormValue("type"))
	p, ok := h.channelForm(t)
	if !ok {
		h.fail(w, r, &badInput{"type", "must be one of the channel types: " + typeNames(h.channelTypes(""))})
		return
	}
	for i, f := range p.Fields {
		if f.Type == "checkbox" {
			p.Fields[i].Checked = r.PostFormValue(f.Name) != ""
		} else if f.Type == "select" {
			for j := range f.Options {
				f.Options[j].Selected = f.Options[j].Value == r.PostFormValue(f.Name)
			}
		} else if f.Type != "password" {
			p.Fields[i].Value = r.PostFormValue(f.Name)
		}
	}
	changes, ferr := changesFromForm(r.PostForm, p.Fields)
	var (
		made channels.Edited
		err  error
	)
	if ferr != nil {
		err = ferr
	} else {
		typ := string(t)
		changes.Type = &typ
		made, err = channels.Create(r.Context(), h.channels, owner(r), h.now(), changes)
	}
	var saved monitor.Channel
	if err == nil {
		saved, err = h.store.CreateChannel(r.Context(), made.Channel)
	}
	if err != nil {
		status, shown := channelRefusal(err, &p)
		if !shown {
			h.fail(w, r, err)
			return
		}
		h.render(w, status, "channel_new", p)
		return
	}
	if len(made.Made) == 0 {
		http.Redirect(w, r, "/app/alerts?done=added", http.StatusSeeOther)
		return
	}
	// Tocsin made a secret for the channel: it is shown in this answer, once.
	page, err := h.loadAlertsPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page.Made = madeSecrets(saved, made.Made)
	page.Notice = &notice{"ok", "Channel added.", "Copy what Tocsin made for it now: it is shown this once."}
	h.render(w, http.StatusCreated, "alerts", page)
}

type madeSecret struct{ Field, Value string }

func madeSecrets(c monitor.Channel, fields []string) []madeSecret {
	var out []madeSecret
	for _, f := range fields {
		v := map[string]string{"secret": c.Settings.Secret, "token": c.Settings.Token, "password": c.Settings.Password, "bot_token": c.Settings.BotToken}[f]
		out = append(out, madeSecret{Field: f, Value: v})
	}
	return out
}

// channelRefusal shows a channel rule's refusal on the form: beside its field, or above it
// when the destination could not be asked. False for errors that are not the user's.
func channelRefusal(err error, p *channelFormPage) (int, bool) {
	var (
		fe   *monitor.FieldError
		dest *channels.DestinationError
	)
	switch {
	case errors.As(err, &fe):
		if !setFieldError(p.Fields, fe.Field, fe.Message) {
			p.Notice = &notice{"error", "Not added.", fe.Error()}
		}
		return http.StatusBadRequest, true
	case errors.As(err, &dest):
		p.Notice = &notice{"error", "Not added.", dest.Error()}
		if dest.Response.Outcome() == channel.RateLimited {
			return http.StatusTooManyRequests, true
		}
		return http.StatusBadGateway, true
	case errors.Is(err, store.ErrChannelExists):
		setFieldError(p.Fields, "url", "you already have a channel with this webhook")
		return http.StatusConflict, true
	}
	return 0, false
}

func channelID(r *http.Request) (int64, error) { return pathID(r, "a channel") }

// testChannelSubmit sends a test message and shows the destination's answer, through the
// channel rules (channels.Test) as the API does.
func (h *Handler) testChannelSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := channelID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.store.Channel(r.Context(), owner(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var d channel.Driver
	ok := h.channels != nil
	if ok {
		d, ok = h.channels.Driver(c.Kind())
	}
	if !ok {
		h.fail(w, r, &badInput{"type", "this Tocsin cannot send to channels of type " + string(c.Kind())})
		return
	}
	tested, err := channels.Test(r.Context(), h.store, d, c, h.now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	resp := tested.Response
	page, err := h.loadAlertsPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name := c.Name
	if name == "" {
		name = d.Destination(c)
	}
	answer := d.Service() + " answered: " + resp.Detail
	if resp.Status != 0 && !strings.Contains(resp.Detail, strconv.Itoa(resp.Status)) {
		answer = d.Service() + " answered " + strconv.Itoa(resp.Status) + ": " + resp.Detail
	}
	status := http.StatusOK
	if tested.Delivered {
		page.Notice = &notice{"ok", "Test message sent to " + name + ".", answer}
	} else {
		status = http.StatusBadGateway
		if tested.Disabled {
			answer += ". The channel is now disabled until it is set again."
		}
		page.Notice = &notice{"error", "The test message to " + name + " was not delivered.", answer}
	}
	h.render(w, status, "alerts", page)
}

func (h *Handler) deleteChannelSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := channelID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.store.DeleteChannel(r.Context(), owner(r), id, h.now().UTC()); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/app/alerts?done=removed", http.StatusSeeOther)
}

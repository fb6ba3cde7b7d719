package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// notice is a message above a form: Tone "ok" for what was done, "error" for what was not.
type notice struct {
	Tone, Label, Text string
}

type keyRow struct {
	ID       int64
	Name     string
	Hint     string
	Created  moment
	LastUsed moment
}

type userRow struct {
	ID       int64
	Username string
	Role     string
	Created  moment
	You      bool
}

type accountPage struct {
	layout
	Username string
	Role     string
	// HasAccount is false with auth off before any account exists: there are no keys or
	// password then.
	HasAccount bool
	Notice     *notice
	Keys       []keyRow
	// NewKey is a key just made: shown this once.
	NewKey       string
	NewKeyName   string
	KeyFields    []formField
	PassFields   []formField
	IsAdmin      bool
	Users        []userRow
	UserFields   []formField
	UsersNotice  *notice
	PassNotice   *notice
	KeysNotice   *notice
	PasswordForm bool
}

func (h *Handler) accountRoutes(mux *http.ServeMux) {
	mux.Handle("GET /app/account", h.page(h.accountPage))
	mux.Handle("POST /app/account/keys", h.page(h.createKeySubmit))
	mux.Handle("POST /app/account/keys/{id}/revoke", h.page(h.revokeKeySubmit))
	mux.Handle("POST /app/account/password", h.page(h.passwordSubmit))
	mux.Handle("POST /app/users", h.adminPage(h.createUserSubmit))
	mux.Handle("POST /app/users/{id}/delete", h.adminPage(h.deleteUserSubmit))
}

// newAccountPage loads what the account page shows, its forms empty.
func (h *Handler) newAccountPage(r *http.Request) (accountPage, error) {
	u := viewerOf(r)
	p := accountPage{layout: h.layout("Account", "account"), Username: u.Username, Role: string(u.Role), HasAccount: u.ID != 0,
		IsAdmin: u.Role == monitor.RoleAdmin, PasswordForm: u.ID != 0 && !h.authOff}
	if p.Username == "" {
		p.Username = "(no account yet)"
	}
	p.KeyFields = []formField{{Name: "name", Label: "What the key is for", Type: "text", Help: "For example: deploy script."}}
	p.PassFields = []formField{
		{Name: "current_password", Label: "Current password", Type: "password", Autocomplete: "current-password"},
		{Name: "new_password", Label: "New password", Type: "password", Autocomplete: "new-password", Help: "At least 8 characters. Your other sign-ins end."},
	}
	p.UserFields = []formField{
		{Name: "username", Label: "Username", Type: "text", Autocomplete: "off"},
		{Name: "password", Label: "Password", Type: "password", Autocomplete: "new-password", Help: "At least 8 characters."},
		{Name: "role", Label: "Role", Type: "select", Options: []option{{"user", "User: their own sites", true}, {"admin", "Admin: also manages users", false}}},
	}
	if p.HasAccount {
		keys, err := h.store.ListAPIKeys(r.Context(), u.ID)
		if err != nil {
			return p, err
		}
		for _, k := range keys {
			p.Keys = append(p.Keys, keyRow{ID: k.ID, Name: k.Name, Hint: k.Hint, Created: h.moment(k.CreatedAt), LastUsed: h.momentOf(k.LastUsedAt)})
		}
	}
	if p.IsAdmin {
		users, err := h.store.ListUsers(r.Context())
		if err != nil {
			return p, err
		}
		for _, x := range users {
			p.Users = append(p.Users, userRow{ID: x.ID, Username: x.Username, Role: string(x.Role), Created: h.moment(x.CreatedAt), You: x.ID == u.ID})
		}
	}
	switch r.URL.Query().Get("done") {
	case "password":
		p.PassNotice = &notice{"ok", "Password changed.", "Your other sign-ins have ended."}
	case "revoked":
		p.KeysNotice = &notice{"ok", "Key revoked.", "It no longer works."}
	case "user-created":
		p.UsersNotice = &notice{"ok", "Account created.", ""}
	case "user-deleted":
		p.UsersNotice = &notice{"ok", "Account deleted,", "with everything it owned."}
	}
	return p, nil
}

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request) {
	p, err := h.newAccountPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, http.StatusOK, "account", p)
}

// accountAnswer shows the account page again after a form: with its error beside its field,
// or the failure page for errors that are not the user's.
func (h *Handler) accountAnswer(w http.ResponseWriter, r *http.Request, err error, fields func(*accountPage) ([]formField, **notice)) {
	p, perr := h.newAccountPage(r)
	if perr != nil {
		h.fail(w, r, perr)
		return
	}
	fs, note := fields(&p)
	var message string
	status, handled := h.accountRefusal(w, err, fs, &message)
	if !handled {
		h.fail(w, r, err)
		return
	}
	if message != "" {
		*note = &notice{"error", "Not done.", message}
	}
	h.render(w, status, "account", p)
}

func (h *Handler) createKeySubmit(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, maxFormBytes) {
		return
	}
	name := r.PostFormValue("name")
	_, key, err := h.signin.accounts.NewAPIKey(r.Context(), owner(r), name)
	if err != nil {
		h.accountAnswer(w, r, err, func(p *accountPage) ([]formField, **notice) {
			p.KeyFields[0].Value = name
			return p.KeyFields, &p.KeysNotice
		})
		return
	}
	// The key is shown in this answer and never again: nothing stores it, so no redirect.
	p, err := h.newAccountPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.NewKey, p.NewKeyName = key, strings.TrimSpace(name)
	h.render(w, http.StatusCreated, "account", p)
}

func (h *Handler) revokeKeySubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "a key")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.store.DeleteAPIKey(r.Context(), owner(r), id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			h.render(w, http.StatusNotFound, "error", errorPage{layout: h.layout("Not found", ""), Heading: "Not found", Message: "There is no such key, or it is not yours."})
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/app/account?done=revoked", http.StatusSeeOther)
}

// passwordSubmit changes the password. Every session of the user ends with the old password,
// this one too; this browser is signed in again at once, so only the others end.
func (h *Handler) passwordSubmit(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, maxFormBytes) {
		return
	}
	u := viewerOf(r)
	if u.ID == 0 || h.authOff {
		h.fail(w, r, &badInput{"current_password", "there is no password to change: Tocsin runs without sign-in"})
		return
	}
	err := h.signin.accounts.ChangePassword(r.Context(), h.signin.clientAddr(r), u.ID, r.PostFormValue("current_password"), r.PostFormValue("new_password"))
	if err == nil {
		err = h.startSession(w, r, u)
	}
	if err != nil {
		h.accountAnswer(w, r, err, func(p *accountPage) ([]formField, **notice) { return p.PassFields, &p.PassNotice })
		return
	}
	http.Redirect(w, r, "/app/account?done=password", http.StatusSeeOther)
}

func (h *Handler) createUserSubmit(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, maxFormBytes) {
		return
	}
	username := r.PostFormValue("username")
	role, err := monitor.ParseRole(strings.TrimSpace(r.PostFormValue("role")))
	if err == nil {
		_, err = h.signin.accounts.CreateUser(r.Context(), username, r.PostFormValue("password"), role)
	}
	if err != nil {
		h.accountAnswer(w, r, err, func(p *accountPage) ([]formField, **notice) {
			p.UserFields[0].Value = username
			for i := range p.UserFields[2].Options {
				p.UserFields[2].Options[i].Selected = p.UserFields[2].Options[i].Value == string(role)
			}
			return p.UserFields, &p.UsersNotice
		})
		return
	}
	http.Redirect(w, r, "/app/account?done=user-created", http.StatusSeeOther)
}

func (h *Handler) deleteUserSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "a user")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	err = h.store.DeleteUser(r.Context(), id)
	if errors.Is(err, store.ErrLastAdmin) {
		p, perr := h.newAccountPage(r)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		p.UsersNotice = &notice{"error", "Not deleted.", "This is the last admin; make another admin first."}
		h.render(w, http.StatusConflict, "account", p)
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		h.render(w, http.StatusNotFound, "error", errorPage{layout: h.layout("Not found", ""), Heading: "Not found", Message: "There is no such user."})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if id == owner(r) {
		// Deleting oneself ended one's sessions with the account.
		http.Redirect(w, r, signinPath, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/app/account?done=user-deleted", http.StatusSeeOther)
}

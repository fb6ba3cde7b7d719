package web

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/accounts"
	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// signinPath is the sign-in page; signed-out browsers are sent there.
const signinPath = "/app/signin"

// maxFormBytes bounds a form's body: the largest, a channel's, is a few settings.
const maxFormBytes = 64 << 10

// signin is what sign-in needs besides the store.
type signin struct {
	accounts *accounts.Service
	// secure marks the cookie Secure: TOCSIN_PUBLIC_URL is https.
	secure     bool
	clientAddr func(*http.Request) string
	// crossOrigin refuses forms posted from other sites (the pages'); apiCrossOrigin the
	// API's state-changing requests from other sites' pages, when auth is off.
	crossOrigin, apiCrossOrigin *http.CrossOriginProtection
}

func newSignin(d Deps) signin {
	s := signin{accounts: d.Accounts, secure: strings.HasPrefix(d.PublicOrigin, "https://"), clientAddr: d.ClientAddr,
		crossOrigin: http.NewCrossOriginProtection(), apiCrossOrigin: http.NewCrossOriginProtection()}
	if s.accounts == nil {
		// Built without the API's (tests): rules of their own, on the same store.
		if st, ok := d.Store.(accounts.Store); ok {
			s.accounts = accounts.New(st, auth.NewAttemptLimiter(10, 15*time.Minute, d.Now), false, d.Now, d.Log)
		}
	}
	if s.clientAddr == nil {
		s.clientAddr = func(r *http.Request) string {
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				return r.RemoteAddr
			}
			return host
		}
	}
	if d.PublicOrigin != "" {
		// A proxy may hand Tocsin another Host than the one people type: their origin is
		// trusted too. An origin config validated cannot be refused here.
		s.crossOrigin.AddTrustedOrigin(d.PublicOrigin)
		s.apiCrossOrigin.AddTrustedOrigin(d.PublicOrigin)
	}
	s.apiCrossOrigin.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"error": {"code": "cross_origin", "message": "cross-origin requests that change something are refused"}}` + "\n"))
	}))
	return s
}

// signinRoutes registers sign-in's pages and the forms of the account and alerts pages.
func (h *Handler) signinRoutes(mux *http.ServeMux) {
	h.signin.crossOrigin.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.render(w, http.StatusForbidden, "error", errorPage{layout: h.layout("Refused", ""), Heading: "Refused",
			Message: "This form was sent from another site, so Tocsin did not act on it. Send it again from Tocsin's own page."})
	}))
	mux.HandleFunc("GET "+signinPath, h.signinPage)
	mux.HandleFunc("POST "+signinPath, h.signinSubmit)
	mux.HandleFunc("POST /app/signup", h.signupSubmit)
	mux.HandleFunc("POST /app/signout", h.signoutSubmit)
	h.accountRoutes(mux)
	h.alertsFormRoutes(mux)
}

type signinPage struct {
	layout
	// SignUp shows the sign-up form: no account exists yet, or the visitor asked and sign-up
	// is open.
	SignUp       bool
	FirstAccount bool
	SignupOpen   bool
	Next         string
	Fields       []formField
	Message      string
}

func (h *Handler) signinPage(w http.ResponseWriter, r *http.Request) {
	if h.authOff {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if _, ok, err := h.viewer(r); err == nil && ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	p, err := h.newSigninPage(r, r.URL.Query().Get("mode") == "signup", "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, http.StatusOK, "signin", p)
}

func (h *Handler) newSigninPage(r *http.Request, signUp bool, username string) (signinPage, error) {
	_, err := h.store.FirstAdmin(r.Context())
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return signinPage{}, err
	}
	first := errors.Is(err, store.ErrNotFound)
	p := signinPage{FirstAccount: first, SignupOpen: h.signin.accounts.SignupOpen(), Next: safeNext(r.FormValue("next"))}
	p.SignUp = first || (signUp && p.SignupOpen)
	title := "Sign in"
	pwComplete := "current-password"
	if p.SignUp {
		title, pwComplete = "Create your account", "new-password"
	}
	if first {
		title = "Create the first account"
	}
	p.layout = layout{Title: title, Version: h.version, Anonymous: true}
	p.Fields = []formField{
		{Name: "username", Label: "Username", Type: "text", Value: username, Autocomplete: "username", Autofocus: true},
		{Name: "password", Label: "Password", Type: "password", Autocomplete: pwComplete},
	}
	if p.SignUp {
		p.Fields[0].Help = "3 to 64 letters, digits, '.', '_' or '-'."
		p.Fields[1].Help = "At least 8 characters."
	}
	return p, nil
}

func (h *Handler) signinSubmit(w http.ResponseWriter, r *http.Request) {
	h.credentialsSubmit(w, r, false)
}

func (h *Handler) signupSubmit(w http.ResponseWriter, r *http.Request) {
	h.credentialsSubmit(w, r, true)
}

// credentialsSubmit signs in or up through the accounts service, so the page shares the API's
// limiter and timing; a refusal shows the form again with the reason beside its field.
func (h *Handler) credentialsSubmit(w http.ResponseWriter, r *http.Request, signUp bool) {
	if h.authOff {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if !h.readForm(w, r, maxFormBytes) {
		return
	}
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	var (
		u   monitor.User
		err error
	)
	if signUp {
		u, err = h.signin.accounts.SignUp(r.Context(), h.signin.clientAddr(r), username, password)
	} else {
		u, err = h.signin.accounts.Login(r.Context(), h.signin.clientAddr(r), username, password)
	}
	if err == nil {
		err = h.startSession(w, r, u)
	}
	if err == nil {
		next := "/"
		if !signUp {
			next = safeNext(r.PostFormValue("next"))
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	p, perr := h.newSigninPage(r, signUp, username)
	if perr != nil {
		h.fail(w, r, perr)
		return
	}
	status, handled := h.accountRefusal(w, err, p.Fields, &p.Message)
	if !handled {
		h.fail(w, r, err)
		return
	}
	h.render(w, status, "signin", p)
}

// accountRefusal shows an accounts error on a form: beside its field, or above the form. It
// says false for errors that are not the user's (they are failures).
func (h *Handler) accountRefusal(w http.ResponseWriter, err error, fields []formField, message *string) (int, bool) {
	var (
		fe   *monitor.FieldError
		many *accounts.TooManyAttempts
	)
	switch {
	case errors.As(err, &fe):
		if !setFieldError(fields, fe.Field, fe.Message) {
			*message = fe.Error()
		}
		return http.StatusBadRequest, true
	case errors.As(err, &many):
		w.Header().Set("Retry-After", strconv.Itoa(many.Seconds()))
		*message = "Too many attempts. Try again in " + strconv.Itoa(many.Seconds()) + " seconds."
		return http.StatusTooManyRequests, true
	case errors.Is(err, accounts.ErrWrongCredentials):
		*message = "Wrong username or password."
		return http.StatusUnauthorized, true
	case errors.Is(err, store.ErrUsernameTaken):
		setFieldError(fields, "username", "is taken")
		return http.StatusConflict, true
	case errors.Is(err, store.ErrSignupClosed):
		*message = "Sign-up is closed: an admin can create your account."
		return http.StatusForbidden, true
	case errors.Is(err, accounts.ErrNoAccount):
		*message = "API keys belong to an account: there is none yet."
		return http.StatusConflict, true
	}
	return 0, false
}

func (h *Handler) signoutSubmit(w http.ResponseWriter, r *http.Request) {
	if err := h.endSession(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, signinPath, http.StatusSeeOther)
}

// safeNext is where to go after signing in: a path on this server, never another site
// ("//evil.example" and "/\evil.example" are other sites to a browser).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

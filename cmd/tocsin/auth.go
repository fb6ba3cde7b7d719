package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"time"

	"github.com/tocsin/tocsin/internal/api"
	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/config"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/store"
)

// jwtSecretName is where the generated signing key is kept, so restarts and every process
// sharing the database accept each other's tokens.
const jwtSecretName = "jwt-signing-key"

// buildAuth sets up authentication as configured.
func buildAuth(ctx context.Context, cfg config.Config, st store.Store, guard netguard.Policy, log *slog.Logger) (api.Auth, error) {
	a := api.Auth{Off: cfg.Auth == "off", SignupOpen: cfg.Signup == "open", TargetCheck: guard.CheckURL}
	if a.Off {
		log.Warn("AUTHENTICATION IS OFF (TOCSIN_AUTH=off): anyone who can reach " + cfg.Addr +
			" acts as the admin. Use this only on a trusted machine.")
	}
	secret := []byte(cfg.JWTSecret)
	if len(secret) == 0 {
		candidate := make([]byte, 32)
		if _, err := rand.Read(candidate); err != nil {
			return a, err
		}
		var err error
		if secret, err = st.SharedSecret(ctx, jwtSecretName, candidate, time.Now().UTC()); err != nil {
			return a, fmt.Errorf("session signing key: %w", err)
		}
	}
	tokens, err := auth.NewTokens(secret, cfg.JWTTTL, time.Now)
	if err != nil {
		return a, err
	}
	a.Tokens = tokens
	a.Attempts = auth.NewAttemptLimiter(10, 15*time.Minute, time.Now)
	return a, nil
}

package discord

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/netguard"
)

// A webhook on a cloud metadata address is refused when dialled: no request leaves, and the
// failure says why without quoting the token.
func TestExecuteRefusesAMetadataAddress(t *testing.T) {
	client := &Client{HTTP: NewHTTPClient(netguard.Policy{})}
	resp := client.Execute(context.Background(), "http://169.254.169.254"+webhookPathForTests, Message{Content: "down"})
	if resp.Status != 0 || resp.Outcome() != Retry {
		t.Errorf("status %d, outcome %v; want 0, retry", resp.Status, resp.Outcome())
	}
	if !strings.Contains(resp.Detail, "blocked: 169.254.169.254 is a cloud metadata address") {
		t.Errorf("Detail = %q, want the refusal", resp.Detail)
	}
	var blocked *netguard.BlockedError
	if !errors.As(resp.Err, &blocked) {
		t.Errorf("Err = %v, want a *netguard.BlockedError inside", resp.Err)
	}
	assertNoSecret(t, resp)
}

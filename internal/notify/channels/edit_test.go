package channels_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/notify/standin"
)

func changes(t *testing.T, body string) channels.Changes {
	t.Helper()
	var ch channels.Changes
	if err := json.Unmarshal([]byte(body), &ch); err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestCreateAndUpdateFollowOneSetOfRules(t *testing.T) {
	services := standin.NewServices(t)
	set := channels.New(services.Config())
	ctx, now := context.Background(), time.Unix(1_800_000_000, 0)
	made, err := channels.Create(ctx, set, 7, now, changes(t, `{"type": "webhook", "url": "https://example.com/hook"}`))
	if err != nil || made.Channel.OwnerID != 7 || made.Channel.Name != "https://example.com/****" || len(made.Made) != 1 || made.Made[0] != "secret" {
		t.Fatalf("made %+v %v", made, err)
	}
	secret := made.Channel.Settings.Secret
	kept, err := channels.Update(ctx, set, made.Channel, changes(t, `{"secret": "****", "url": "https://example.com/****", "name": "pager"}`))
	if err != nil || kept.Channel.Settings.Secret != secret || kept.Channel.URL != "https://example.com/hook" || kept.Channel.Name != "pager" || len(kept.Made) != 0 {
		t.Errorf("masked secrets sent back: %+v %v", kept, err)
	}
	tg, err := channels.Create(ctx, set, 7, now, changes(t, `{"type": "telegram", "bot_token": "`+standin.TelegramToken+`", "chat_id": -100}`))
	if err != nil || tg.Channel.Settings.ChatID != "-100" || len(tg.Made) != 0 {
		t.Errorf("telegram %+v %v", tg, err)
	}
	for body, field := range map[string]string{
		`{"type": "slack"}`: "type",
		`{"topic": "x"}`:    "topic",
		`{"name": "a\tb"}`:  "name",
	} {
		_, err := channels.Update(ctx, set, made.Channel, changes(t, body))
		var fe *monitor.FieldError
		if !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: %v, want field %s", body, err, field)
		}
	}
	if got := channels.Types(set); len(got) != 6 || got[4].Type != "email" || len(got[4].Secrets) != 1 || got[4].Secrets[0] != "password" {
		t.Errorf("types %+v", got)
	}
}

package netguard

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func TestControlWithADialer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conn.Close()
		}
	}()

	tests := []struct {
		policy  Policy
		blocked bool
	}{
		{Policy{}, false},
		{Policy{BlockPrivate: true}, true},
	}
	for _, tt := range tests {
		d := net.Dialer{Timeout: 5 * time.Second, Control: tt.policy.Control}
		conn, err := d.DialContext(context.Background(), "tcp", ln.Addr().String())
		if conn != nil {
			conn.Close()
		}
		var blocked *BlockedError
		switch {
		case !tt.blocked && err != nil:
			t.Errorf("%+v: dial = %v, want a connection", tt.policy, err)
		case tt.blocked && !errors.As(err, &blocked):
			t.Errorf("%+v: dial = %v, want a *BlockedError", tt.policy, err)
		case tt.blocked && blocked.Reason != ReasonLoopback:
			t.Errorf("%+v: reason = %q, want %q", tt.policy, blocked.Reason, ReasonLoopback)
		}
	}
}

func TestControlAddresses(t *testing.T) {
	tests := []struct {
		address string
		errHas  string // "" means allowed
	}{
		{"93.184.216.34:443", ""},
		{"[2606:4700::1111]:443", ""},
		{"127.0.0.1:80", ""},
		{"169.254.169.254:80", "blocked: 169.254.169.254 is a cloud metadata address"},
		{"[::ffff:169.254.169.254]:80", "blocked: 169.254.169.254 is a cloud metadata address"},
		{"[fd00:ec2::254]:80", "blocked: fd00:ec2::254 is a cloud metadata address"},
		{"[fe80::1%eth0]:80", "blocked: fe80::1%eth0 is a link-local address"},
		{"metadata.example:80", "cannot read"},
		{"", "cannot read"},
	}
	for _, tt := range tests {
		err := Policy{}.Control("tcp", tt.address, nil)
		if tt.errHas == "" && err != nil || tt.errHas != "" && (err == nil || !strings.Contains(err.Error(), tt.errHas)) {
			t.Errorf("Control(%q) = %v, want %q", tt.address, err, tt.errHas)
		}
	}
}

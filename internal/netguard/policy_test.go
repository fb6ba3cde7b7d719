package netguard

import (
	"errors"
	"net/netip"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		ip string
		// Reasons under the default policy and under BlockPrivate; "" means allowed.
		allowPrivate, blockPrivate string
	}{
		{"169.254.169.254", ReasonMetadata, ReasonMetadata},
		{"::ffff:169.254.169.254", ReasonMetadata, ReasonMetadata},
		{"fd00:ec2::254", ReasonMetadata, ReasonMetadata},
		{"100.100.100.200", ReasonMetadata, ReasonMetadata},
		{"169.254.1.1", ReasonLinkLocal, ReasonLinkLocal},
		{"169.254.0.0", ReasonLinkLocal, ReasonLinkLocal},
		{"169.254.255.255", ReasonLinkLocal, ReasonLinkLocal},
		{"::ffff:169.254.1.1", ReasonLinkLocal, ReasonLinkLocal},
		{"fe80::1", ReasonLinkLocal, ReasonLinkLocal},
		{"fe80::1%eth0", ReasonLinkLocal, ReasonLinkLocal},
		{"febf:ffff::1", ReasonLinkLocal, ReasonLinkLocal},
		{"127.0.0.1", "", ReasonLoopback},
		{"127.255.255.254", "", ReasonLoopback},
		{"::1", "", ReasonLoopback},
		{"::ffff:127.0.0.1", "", ReasonLoopback},
		{"10.0.0.5", "", ReasonPrivate},
		{"172.16.0.1", "", ReasonPrivate},
		{"172.31.255.255", "", ReasonPrivate},
		{"192.168.1.1", "", ReasonPrivate},
		{"::ffff:10.0.0.5", "", ReasonPrivate},
		{"fc00::1", "", ReasonPrivate},
		{"fdff::1", "", ReasonPrivate},
		{"100.64.0.1", "", ReasonShared},
		{"100.127.255.255", "", ReasonShared},
		{"0.0.0.0", "", ReasonUnspecified},
		{"::", "", ReasonUnspecified},
		// Neighbours of the blocked ranges, and public addresses, are allowed.
		{"172.32.0.1", "", ""},
		{"100.128.0.1", "", ""},
		{"169.253.255.255", "", ""},
		{"fec0::1", "", ""},
		{"93.184.216.34", "", ""},
		{"::ffff:93.184.216.34", "", ""},
		{"2606:4700::1111", "", ""},
	}
	for _, tt := range tests {
		ip := netip.MustParseAddr(tt.ip)
		for _, p := range []Policy{{}, {BlockPrivate: true}} {
			want := tt.allowPrivate
			if p.BlockPrivate {
				want = tt.blockPrivate
			}
			err := p.Check(ip)
			var blocked *BlockedError
			switch {
			case want == "" && err != nil:
				t.Errorf("%+v.Check(%s) = %v, want allowed", p, tt.ip, err)
			case want == "":
			case !errors.As(err, &blocked):
				t.Errorf("%+v.Check(%s) = %v, want a *BlockedError", p, tt.ip, err)
			case blocked.Reason != want || blocked.IP != ip.Unmap():
				t.Errorf("%+v.Check(%s) = %+v, want IP %s, reason %q", p, tt.ip, blocked, ip.Unmap(), want)
			}
		}
	}
}

func TestCheckRefusesTheZeroAddr(t *testing.T) {
	var blocked *BlockedError
	if err := (Policy{}).Check(netip.Addr{}); !errors.As(err, &blocked) || blocked.Reason != ReasonInvalid {
		t.Errorf("Check(zero) = %v, want %q", err, ReasonInvalid)
	}
}

func TestBlockedErrorMessage(t *testing.T) {
	tests := []struct {
		ip     string
		policy Policy
		want   string
	}{
		{"169.254.169.254", Policy{}, "blocked: 169.254.169.254 is a cloud metadata address"},
		{"::ffff:169.254.169.254", Policy{}, "blocked: 169.254.169.254 is a cloud metadata address"},
		{"fe80::1", Policy{}, "blocked: fe80::1 is a link-local address"},
		{"10.0.0.5", Policy{BlockPrivate: true}, "blocked: 10.0.0.5 is a private address (TOCSIN_BLOCK_PRIVATE_TARGETS is on)"},
		{"127.0.0.1", Policy{BlockPrivate: true}, "blocked: 127.0.0.1 is a loopback address (TOCSIN_BLOCK_PRIVATE_TARGETS is on)"},
		{"100.64.0.1", Policy{BlockPrivate: true}, "blocked: 100.64.0.1 is a shared (CGNAT) address (TOCSIN_BLOCK_PRIVATE_TARGETS is on)"},
		{"::", Policy{BlockPrivate: true}, "blocked: :: is an unspecified address (TOCSIN_BLOCK_PRIVATE_TARGETS is on)"},
	}
	for _, tt := range tests {
		err := tt.policy.Check(netip.MustParseAddr(tt.ip))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Check(%s) = %v, want %q", tt.ip, err, tt.want)
		}
	}
}

package netguard

import (
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url    string
		policy Policy
		errHas string // "" means allowed
	}{
		{"http://169.254.169.254/latest/meta-data/", Policy{}, "blocked: 169.254.169.254 is a cloud metadata address"},
		{"https://169.254.169.254:8443/", Policy{}, "cloud metadata"},
		{"http://[::ffff:169.254.169.254]/", Policy{}, "blocked: 169.254.169.254 is a cloud metadata address"},
		{"http://[fd00:ec2::254]/", Policy{}, "cloud metadata"},
		{"http://[fe80::1%25eth0]:8080/", Policy{}, "link-local"},
		{"http://169.254.10.10/", Policy{}, "link-local"},
		{"http://10.0.0.5/", Policy{}, ""},
		{"http://10.0.0.5/", Policy{BlockPrivate: true}, "blocked: 10.0.0.5 is a private address (TOCSIN_BLOCK_PRIVATE_TARGETS is on)"},
		{"http://127.0.0.1:8080/health", Policy{}, ""},
		{"http://127.0.0.1:8080/health", Policy{BlockPrivate: true}, "loopback"},
		{"http://[::1]/", Policy{BlockPrivate: true}, "loopback"},
		{"https://93.184.216.34/", Policy{BlockPrivate: true}, ""},
		{"https://[2606:4700::1111]/", Policy{BlockPrivate: true}, ""},
		// Names are left to the dial-time check, whatever they look like.
		{"http://metadata.google.internal/", Policy{BlockPrivate: true}, ""},
		{"http://localhost/", Policy{BlockPrivate: true}, ""},
		{"http://%zz/", Policy{}, "invalid URL escape"},
	}
	for _, tt := range tests {
		err := tt.policy.CheckURL(tt.url)
		if tt.errHas == "" && err != nil || tt.errHas != "" && (err == nil || !strings.Contains(err.Error(), tt.errHas)) {
			t.Errorf("%+v.CheckURL(%q) = %v, want %q", tt.policy, tt.url, err, tt.errHas)
		}
	}
}

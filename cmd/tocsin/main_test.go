package main

import (
	"strings"
	"testing"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errs strings.Builder
	code = run(args, map[string]string{}, &out, &errs)
	return code, out.String(), errs.String()
}

func TestHelpListsTheCommandsAndEachCommandsFlags(t *testing.T) {
	commands := []string{"serve", "migrate", "check", "version", "help"}
	tests := []struct {
		name string
		args []string
		want []string // on stdout
	}{
		{"--help lists the commands", []string{"--help"}, commands},
		{"-h lists the commands", []string{"-h"}, commands},
		{"help lists the commands", []string{"help"}, commands},
		{"help serve", []string{"help", "serve"}, []string{"tocsin serve", "-addr", "TOCSIN_ADDR", "-trusted-proxies"}},
		{"serve --help", []string{"serve", "--help"}, []string{"tocsin serve", "-addr", "TOCSIN_ADDR"}},
		{"help migrate", []string{"help", "migrate"}, []string{"tocsin migrate", "-database-url"}},
		{"migrate --help", []string{"migrate", "--help"}, []string{"tocsin migrate", "-database-url"}},
		{"help check", []string{"help", "check"}, []string{"tocsin check URL", "-keyword", "-json-schema", "-timeout"}},
		{"check --help", []string{"check", "--help"}, []string{"tocsin check URL", "-keyword", "-header"}},
		{"check -h", []string{"check", "-h"}, []string{"tocsin check URL", "-keyword"}},
		{"help version", []string{"help", "version"}, []string{"tocsin version"}},
		{"version --help", []string{"version", "--help"}, []string{"tocsin version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(tt.args...)
			if code != 0 {
				t.Fatalf("exit %d; stderr %s", code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
}

func TestHelpForAnUnknownCommandFails(t *testing.T) {
	for _, args := range [][]string{{"help", "frobnicate"}, {"frobnicate"}, {"frobnicate", "--help"}} {
		code, _, stderr := runCLI(args...)
		if code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) || !strings.Contains(stderr, "migrate") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

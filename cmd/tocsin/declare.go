package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tocsin/tocsin/internal/declare"
)

// clientFlags say which Tocsin to talk to, and as whom.
type clientFlags struct {
	server, token string
}

func (f *clientFlags) register(fs *flag.FlagSet, env map[string]string) {
	fs.StringVar(&f.server, "server", "http://127.0.0.1:8080", "the Tocsin to talk to")
	fs.StringVar(&f.token, "token", env["TOCSIN_TOKEN"], "a session token or API key (TOCSIN_TOKEN); not needed when the server runs with TOCSIN_AUTH=off")
}

func (f *clientFlags) client() *declare.Client {
	return &declare.Client{Server: f.server, Token: f.token}
}

type applyFlags struct {
	clientFlags
	file          string
	prune, dryRun bool
}

func applyFlagSet(env map[string]string) (*flag.FlagSet, *applyFlags) {
	fs := flag.NewFlagSet("tocsin apply", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var f applyFlags
	fs.StringVar(&f.file, "f", "", "the YAML file to apply (- reads standard input)")
	fs.BoolVar(&f.prune, "prune", false, "also delete what a section of the file does not list (sections the file leaves out are left alone)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the changes and make none")
	f.register(fs, env)
	return fs, &f
}

func applyHelp(w io.Writer) {
	fs, _ := applyFlagSet(map[string]string{})
	fs.SetOutput(w)
	fmt.Fprintln(w, `Usage: tocsin apply -f FILE [flags]

Makes your webhooks, channels, sites, maintenance windows and status pages on a Tocsin match
FILE: creates what is new, updates what differs and, with --prune, deletes what the file does
not list.
Entries are matched by name (maintenance windows by title, status pages by slug).
The whole file is checked first, by the server's own rules, so a bad file changes nothing.
Exits 0 when the server matches the file, 1 when the file or the server refused, 2 for bad flags.

Flags:`)
	fs.PrintDefaults()
}

// apply runs tocsin apply.
func apply(args []string, env map[string]string, stdout, stderr io.Writer) int {
	fs, f := applyFlagSet(env)
	if code, ok := parseFlags(fs, args, "apply", applyHelp, stdout, stderr); !ok {
		return code
	}
	if f.file == "" {
		fmt.Fprintln(stderr, "tocsin apply: -f FILE is required")
		return 2
	}
	data, err := readInput(f.file)
	if err != nil {
		fmt.Fprintf(stderr, "tocsin apply: %v\n", err)
		return 1
	}
	doc, err := declare.Parse(f.file, data, declare.Sections())
	if err != nil {
		fmt.Fprintf(stderr, "tocsin apply: %v\n", err)
		return 1
	}
	ctx := context.Background()
	run, changes, err := declare.Plan(ctx, f.client(), doc, f.prune)
	if err != nil {
		fmt.Fprintf(stderr, "tocsin apply: %v\nnothing was changed\n", err)
		return 1
	}
	declare.Print(stdout, changes)
	switch {
	case len(changes) == 0:
		return 0
	case f.dryRun:
		fmt.Fprintln(stdout, "dry run: nothing was changed")
		return 0
	}
	if err := declare.Apply(ctx, run, changes); err != nil {
		fmt.Fprintf(stderr, "tocsin apply: %v\nthe changes before it were made; run apply again to finish\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "applied")
	return 0
}

type exportFlags struct {
	clientFlags
	output         string
	includeSecrets bool
}

func exportFlagSet(env map[string]string) (*flag.FlagSet, *exportFlags) {
	fs := flag.NewFlagSet("tocsin export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var f exportFlags
	fs.StringVar(&f.output, "o", "-", "the file to write (- is standard output)")
	fs.BoolVar(&f.includeSecrets, "include-secrets", false, "write webhook tokens and site credentials instead of ****")
	f.register(fs, env)
	return fs, &f
}

func exportHelp(w io.Writer) {
	fs, _ := exportFlagSet(map[string]string{})
	fs.SetOutput(w)
	fmt.Fprintln(w, `Usage: tocsin export [flags]

Writes your webhooks, channels, sites, maintenance windows and status pages on a Tocsin as a
file for tocsin apply, which applied again changes nothing. Secrets are written as ****, which
apply reads as "the one already stored", unless --include-secrets.

Flags:`)
	fs.PrintDefaults()
}

// export runs tocsin export.
func export(args []string, env map[string]string, stdout, stderr io.Writer) int {
	fs, f := exportFlagSet(env)
	if code, ok := parseFlags(fs, args, "export", exportHelp, stdout, stderr); !ok {
		return code
	}
	out, err := declare.Export(context.Background(), f.client(), f.includeSecrets)
	if err != nil {
		fmt.Fprintf(stderr, "tocsin export: %v\n", err)
		return 1
	}
	if f.output == "-" {
		stdout.Write(out)
		return 0
	}
	if err := os.WriteFile(f.output, out, 0o600); err != nil { // it may hold secrets
		fmt.Fprintf(stderr, "tocsin export: %v\n", err)
		return 1
	}
	return 0
}

// parseFlags parses a client command's flags; ok is false when the command is done (help
// was asked for, or the flags are wrong) and code is its exit code.
func parseFlags(fs *flag.FlagSet, args []string, name string, help func(io.Writer), stdout, stderr io.Writer) (code int, ok bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		help(stdout)
		return 0, false
	case err != nil:
		fmt.Fprintf(stderr, "tocsin %s: %v\n\n", name, err)
		help(stderr)
		return 2, false
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "tocsin %s: unexpected argument %q\n\n", name, fs.Arg(0))
		help(stderr)
		return 2, false
	}
	return 0, true
}

func readInput(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(path)
}

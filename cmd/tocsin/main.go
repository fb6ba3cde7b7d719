// Command tocsin is the uptime monitor: `tocsin serve` runs the API, the scheduler and the
// checks in one process; the other subcommands are tools around it.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	_ "time/tzdata" // maintenance windows name IANA zones; images FROM scratch have no zoneinfo
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	os.Exit(run(os.Args[1:], environ(), os.Stdout, os.Stderr))
}

const usage = `Tocsin watches websites and tells Discord when they go down and come back.

Usage:
  tocsin [serve] [flags]       run the service (the default)
  tocsin migrate [flags]       apply database migrations, then exit
  tocsin check URL [flags]     check one URL now; exit 0 when up, 1 when down
  tocsin version               print the version

Run "tocsin serve --help" for the settings.
`

func run(args []string, env map[string]string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, env, stdout, stderr)
	case "migrate":
		return migrate(args, env, stdout, stderr)
	case "check":
		return check(args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "tocsin", buildVersion())
		return 0
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "tocsin: unknown command %q\n\n%s", cmd, usage)
	return 2
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

func userAgent() string {
	return "Tocsin/" + buildVersion() + " (uptime monitor; +https://github.com/tocsin/tocsin)"
}

func environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}

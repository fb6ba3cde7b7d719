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

// command is one subcommand of tocsin.
type command struct {
	name, usage, summary string
	run                  func(args []string, env map[string]string, stdout, stderr io.Writer) int
	help                 func(w io.Writer) // prints its usage and flags
}

func commands() []command {
	return []command{
		{name: "serve", usage: "tocsin [serve] [flags]", summary: "run the service (the default)", run: serve,
			help: settingsHelp("serve", "Runs the API, the scheduler and the checks.")},
		{name: "migrate", usage: "tocsin migrate [flags]", summary: "apply database migrations, then exit", run: migrate,
			help: settingsHelp("migrate", "Applies the database migrations, then exits.")},
		{name: "check", usage: "tocsin check URL [flags]", summary: "check one URL now; exit 0 when up, 1 when down",
			run: func(args []string, _ map[string]string, stdout, stderr io.Writer) int {
				return check(args, stdout, stderr)
			},
			help: checkHelp},
		{name: "apply", usage: "tocsin apply -f FILE [flags]", summary: "make a Tocsin's sites, channels, maintenance windows and status pages match a YAML file", run: apply, help: applyHelp},
		{name: "export", usage: "tocsin export [flags]", summary: "write a Tocsin's sites, channels, maintenance windows and status pages as a file for apply", run: export, help: exportHelp},
		{name: "bench", usage: "tocsin bench [flags]", summary: "measure a tocsin process checking many loopback sites", run: bench, help: benchHelp},
		{name: "version", usage: "tocsin version", summary: "print the version", run: printVersion,
			help: func(w io.Writer) {
				fmt.Fprintln(w, "Usage: tocsin version\n\nPrints the version and exits. It takes no flags.")
			}},
		{name: "help", usage: "tocsin help [COMMAND]", summary: "show this, or a command's flags",
			run: func(args []string, _ map[string]string, stdout, stderr io.Writer) int {
				return help(args, stdout, stderr)
			},
			help: func(w io.Writer) {
				fmt.Fprintln(w, "Usage: tocsin help [COMMAND]\n\nLists the commands, or shows COMMAND's flags.")
			}},
	}
}

func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func usage(w io.Writer) {
	fmt.Fprint(w, "Tocsin watches websites and alerts you when they go down and come back.\n\nUsage:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-28s %s\n", c.usage, c.summary)
	}
	fmt.Fprint(w, "\nRun \"tocsin help COMMAND\" or \"tocsin COMMAND --help\" for a command's flags.\n")
}

func isHelpFlag(arg string) bool {
	switch arg {
	case "-h", "-help", "--help":
		return true
	}
	return false
}

// run is tocsin with its arguments (without the program's name) and its environment; it
// returns the exit code. Without a command, tocsin serves.
func run(args []string, env map[string]string, stdout, stderr io.Writer) int {
	name := "serve"
	switch {
	case len(args) > 0 && isHelpFlag(args[0]):
		usage(stdout)
		return 0
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
		name, args = args[0], args[1:]
	}
	if name == floorClientCommand {
		return floorClient(args, stderr)
	}
	cmd, ok := findCommand(name)
	if !ok {
		return unknownCommand(name, stderr)
	}
	return cmd.run(args, env, stdout, stderr)
}

func help(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stdout)
		return 0
	}
	cmd, ok := findCommand(args[0])
	if !ok {
		return unknownCommand(args[0], stderr)
	}
	cmd.help(stdout)
	return 0
}

func unknownCommand(name string, stderr io.Writer) int {
	fmt.Fprintf(stderr, "tocsin: unknown command %q\n\n", name)
	usage(stderr)
	return 2
}

func printVersion(args []string, _ map[string]string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 1 && isHelpFlag(args[0]):
		c, _ := findCommand("version")
		c.help(stdout)
		return 0
	case len(args) > 0:
		fmt.Fprintf(stderr, "tocsin version: unexpected argument %q\n", args[0])
		return 2
	}
	fmt.Fprintln(stdout, "tocsin", buildVersion())
	return 0
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

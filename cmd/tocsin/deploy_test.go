package main

import (
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/joho/godotenv"
	"go.yaml.in/yaml/v3"

	"github.com/tocsin/tocsin/internal/config"
)

// No Docker engine runs the tests, so these read the container files and check that what they
// say agrees with what the binary does.

// dockerStage is one FROM … stage of a Dockerfile: its image and its instructions in order.
type dockerStage struct {
	from         string
	instructions [][2]string // keyword (upper case), arguments
}

// readDockerfile splits a Dockerfile into stages, joining continued lines and dropping comments.
func readDockerfile(t *testing.T, name string) []dockerStage {
	t.Helper()
	text, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var stages []dockerStage
	var logical strings.Builder
	for _, line := range strings.Split(string(text), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && logical.Len() == 0) {
			continue
		}
		if cont, ok := strings.CutSuffix(trimmed, "\\"); ok {
			logical.WriteString(cont + " ")
			continue
		}
		logical.WriteString(trimmed)
		keyword, args, _ := strings.Cut(strings.TrimSpace(logical.String()), " ")
		logical.Reset()
		keyword, args = strings.ToUpper(keyword), strings.TrimSpace(args)
		if keyword == "FROM" {
			stages = append(stages, dockerStage{from: args})
			continue
		}
		if len(stages) == 0 {
			t.Fatalf("%s: %s before FROM", name, keyword)
		}
		last := &stages[len(stages)-1]
		last.instructions = append(last.instructions, [2]string{keyword, args})
	}
	return stages
}

// all returns the arguments of every instruction with this keyword.
func (s dockerStage) all(keyword string) []string {
	var args []string
	for _, in := range s.instructions {
		if in[0] == keyword {
			args = append(args, in[1])
		}
	}
	return args
}

// one returns the arguments of the only instruction with this keyword.
func (s dockerStage) one(t *testing.T, keyword string) string {
	t.Helper()
	args := s.all(keyword)
	if len(args) != 1 {
		t.Fatalf("want one %s in the stage FROM %s, got %q", keyword, s.from, args)
	}
	return args[0]
}

// env reads the stage's ENV instructions (NAME=value pairs, unquoted).
func (s dockerStage) env() map[string]string {
	env := map[string]string{}
	for _, args := range s.all("ENV") {
		for _, pair := range strings.Fields(args) {
			name, value, _ := strings.Cut(pair, "=")
			env[name] = value
		}
	}
	return env
}

func execForm(t *testing.T, keyword, args string) []string {
	t.Helper()
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil || len(argv) == 0 {
		t.Fatalf("%s %s: want the exec form, a JSON array: %v", keyword, args, err)
	}
	return argv
}

// healthcheckCommand returns the HEALTHCHECK's command, after its --options and CMD.
func healthcheckCommand(t *testing.T, final dockerStage) []string {
	t.Helper()
	fields := final.one(t, "HEALTHCHECK")
	for strings.HasPrefix(fields, "--") {
		_, fields, _ = strings.Cut(fields, " ")
		fields = strings.TrimSpace(fields)
	}
	command, ok := strings.CutPrefix(fields, "CMD ")
	if !ok {
		t.Fatalf("HEALTHCHECK %s: want CMD", fields)
	}
	return execForm(t, "HEALTHCHECK", strings.TrimSpace(command))
}

func TestDockerfileBuildsAStaticBinaryOnANonRootMinimalBase(t *testing.T) {
	stages := readDockerfile(t, "../../Dockerfile")
	if len(stages) != 2 || !strings.HasPrefix(stages[0].from, "golang:1.26 AS build") {
		t.Fatalf("want a golang:1.26 build stage and a final stage, got %d stages", len(stages))
	}
	build, final := stages[0], stages[1]
	built := strings.Join(build.all("RUN"), "\n")
	for _, want := range []string{"CGO_ENABLED=0", "-X main.version=${VERSION}", "./cmd/tocsin"} {
		if !strings.Contains(built, want) {
			t.Errorf("the build stage does not build with %s", want)
		}
	}
	if final.from != "gcr.io/distroless/static-debian12:nonroot" {
		t.Errorf("final base %q", final.from)
	}
	if user := final.one(t, "USER"); strings.HasPrefix(user, "0") || strings.HasPrefix(user, "root") {
		t.Errorf("USER %s: must not be root", user)
	}

	env := final.env()
	cfg, err := config.Load(nil, env)
	if err != nil {
		t.Fatalf("the image's settings do not load: %v", err)
	}
	db, err := config.ParseDatabase(cfg.DatabaseURL)
	if err != nil || db.Kind != "sqlite" || db.Path != "/data/tocsin.db" {
		t.Errorf("database %+v %v, want SQLite at /data/tocsin.db", db, err)
	}
	if volume := final.one(t, "VOLUME"); !strings.Contains(volume, `"`+path.Dir(db.Path)+`"`) {
		t.Errorf("VOLUME %s does not hold the database", volume)
	}
	host, port, _ := net.SplitHostPort(cfg.Addr)
	if host != "0.0.0.0" || final.one(t, "EXPOSE") != port {
		t.Errorf("listens on %s, EXPOSE %s", cfg.Addr, final.one(t, "EXPOSE"))
	}
	entry := execForm(t, "ENTRYPOINT", final.one(t, "ENTRYPOINT"))
	check := healthcheckCommand(t, final)
	if check[0] != entry[0] || check[1] != "check" {
		t.Errorf("HEALTHCHECK %q does not run the entry point %q's check", check, entry)
	}
	u, err := url.Parse(check[len(check)-1])
	if err != nil || u.Host != "127.0.0.1:"+port || u.Path != "/healthz" {
		t.Errorf("HEALTHCHECK checks %q, want http://127.0.0.1:%s/healthz", check[len(check)-1], port)
	}
	if copied := strings.Join(final.all("COPY"), "\n"); !strings.Contains(copied, "/out/tocsin "+entry[0]) {
		t.Errorf("the final stage does not copy the built binary to %s:\n%s", entry[0], copied)
	}
}

// testDockerHealthcheck runs the built binary with the image's settings and command, and then
// the HEALTHCHECK's command against it, as the container runtime would (on a free port, as
// 8080 may be taken here).
func testDockerHealthcheck(t *testing.T, bin string) {
	final := readDockerfile(t, "../../Dockerfile")[1]
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	env := cleanEnv()
	for name, value := range final.env() {
		switch name {
		case "TOCSIN_ADDR":
			value = "127.0.0.1:" + port
		case "DATABASE_URL":
			value = "sqlite:" + filepath.Join(t.TempDir(), "tocsin.db")
		}
		env = append(env, name+"="+value)
	}
	// The settings a deployment may add must not stop the healthcheck reaching loopback.
	env = append(env, "TOCSIN_BLOCK_PRIVATE_TARGETS=true")
	service := execForm(t, "CMD", final.one(t, "CMD"))
	p := startBinary(t, bin, t.TempDir(), env, service...)
	p.waitForReady(t, "http://"+addr)

	check := healthcheckCommand(t, final)
	args := append([]string(nil), check[1:]...)
	args[len(args)-1] = strings.Replace(args[len(args)-1], ":8080", ":"+port, 1)
	for _, blocked := range []string{"", "true"} {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(cleanEnv(), "TOCSIN_BLOCK_PRIVATE_TARGETS="+blocked)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("HEALTHCHECK %q with TOCSIN_BLOCK_PRIVATE_TARGETS=%q: %v\n%s", args, blocked, err, out)
		}
	}

	args[len(args)-1] = "http://" + freeAddr(t) + "/healthz" // nothing listens there
	var exit *exec.ExitError
	if err := exec.Command(bin, args...).Run(); !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("HEALTHCHECK against a stopped service: %v, want exit status 1", err)
	}
}

// composeFile is the part of compose.yaml the checks below read.
type composeFile struct {
	Services map[string]struct {
		Image       string
		Build       struct{ Context string }
		Environment map[string]string
		Volumes     []string
		Healthcheck struct{ Test []string }
		DependsOn   map[string]struct{ Condition string } `yaml:"depends_on"`
		Ports       []string
	}
	Volumes map[string]any
}

func TestComposeStartsTocsinAfterAHealthyPostgres(t *testing.T) {
	text, err := os.ReadFile("../../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var compose composeFile
	if err := yaml.Unmarshal(text, &compose); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	pg, tocsin := compose.Services["postgres"], compose.Services["tocsin"]
	if !strings.HasPrefix(pg.Image, "postgres:") || len(pg.Volumes) != 1 {
		t.Fatalf("postgres service: %+v", pg)
	}
	volume, _, _ := strings.Cut(pg.Volumes[0], ":")
	if _, named := compose.Volumes[volume]; !named {
		t.Errorf("PostgreSQL's data is not in a named volume: %q", pg.Volumes[0])
	}
	if !strings.Contains(strings.Join(pg.Healthcheck.Test, " "), "pg_isready") {
		t.Errorf("PostgreSQL's healthcheck %q does not use pg_isready", pg.Healthcheck.Test)
	}
	if tocsin.Build.Context != "." || tocsin.DependsOn["postgres"].Condition != "service_healthy" {
		t.Errorf("tocsin must be built here and start once postgres is healthy: %+v", tocsin)
	}

	// Tocsin's settings, with the secrets compose takes from .env (here, .env.example's names).
	example, err := godotenv.Read("../../.env.example")
	if err != nil {
		t.Fatalf(".env.example: %v", err)
	}
	if _, ok := example["POSTGRES_PASSWORD"]; !ok {
		t.Fatal(".env.example does not document POSTGRES_PASSWORD")
	}
	env := map[string]string{}
	for name, value := range tocsin.Environment {
		env[name] = os.Expand(value, func(ref string) string {
			name, _, _ := strings.Cut(ref, ":")
			if _, documented := example[name]; !documented {
				t.Errorf("compose.yaml uses ${%s}, which .env.example does not document", name)
			}
			return map[string]string{"POSTGRES_PASSWORD": "s3cret/@#"}[name]
		})
	}
	if pg.Environment["POSTGRES_PASSWORD"] != tocsin.Environment["DB_PASSWORD"] || pg.Environment["POSTGRES_USER"] != env["DB_USER"] || pg.Environment["POSTGRES_DB"] != env["DB_NAME"] {
		t.Errorf("tocsin's DB_* do not match the postgres service's user, password and database")
	}
	cfg, err := config.Load(nil, env)
	if err != nil {
		t.Fatalf("tocsin's settings in compose.yaml do not load: %v", err)
	}
	if db, _ := config.ParseDatabase(cfg.DatabaseURL); db.Kind != "postgres" || !strings.Contains(db.URL, "@postgres:5432/tocsin") {
		t.Errorf("tocsin would use %+v, want the postgres service", db)
	}
}

// The secrets file must stay out of git and out of the image's build context.
func TestDotEnvIsKeptOutOfGitAndImages(t *testing.T) {
	for _, name := range []string{"../../.gitignore", "../../.dockerignore"} {
		text, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(text), "\n")
		for _, want := range []string{".env", ".env.*", "!.env.example"} {
			found := false
			for _, line := range lines {
				found = found || strings.TrimSpace(line) == want
			}
			if !found {
				t.Errorf("%s has no line %q", name, want)
			}
		}
	}
}

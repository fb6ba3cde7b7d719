package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", for the benchmark's schema

	"github.com/tocsin/tocsin/internal/benchfarm"
)

// benchSettings are the flags of tocsin bench.
type benchSettings struct {
	store, databaseURL, binary string
	sites, maxConcurrent       int
	interval, window           time.Duration
	keepLog, floor             bool
}

func benchFlags(w io.Writer) (*flag.FlagSet, *benchSettings) {
	var s benchSettings
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.StringVar(&s.store, "store", "sqlite", "sqlite (a new file in a temporary directory) or postgres (a new schema, dropped after)")
	fs.StringVar(&s.databaseURL, "database-url", "", "postgres://… of the database whose new schema -store postgres uses (default: $DATABASE_URL)")
	fs.StringVar(&s.binary, "tocsin", "", "the tocsin binary to run (default: this one)")
	fs.IntVar(&s.sites, "sites", 1000, "sites to check")
	fs.DurationVar(&s.interval, "interval", 10*time.Second, "every site's check interval, whole seconds")
	fs.DurationVar(&s.window, "window", time.Minute, "how long to measure, once every site was checked once and one interval more passed")
	fs.IntVar(&s.maxConcurrent, "max-concurrent-checks", 500, "the tocsin process's TOCSIN_MAX_CONCURRENT_CHECKS")
	fs.BoolVar(&s.keepLog, "keep-log", false, "keep the tocsin process's log file and print its path")
	fs.BoolVar(&s.floor, "floor", false, "run a bare Go HTTP client in tocsin's place (a fresh connection per request, nothing stored): the least a check costs on this machine")
	return fs, &s
}

func benchHelp(w io.Writer) {
	fmt.Fprint(w, `Usage: tocsin bench [flags]

Starts a loopback farm of targets and a real tocsin process (a child of this one) on a new
SQLite file or PostgreSQL schema, adds the sites through POST /sites/batch, and measures at the
targets: checks a second, lateness (the gap between consecutive requests for a site minus the
interval: p50, p99, max), missed and doubled intervals (gaps over 1.5 or under 0.5 intervals),
CPU per check (the process's user+system CPU over the window divided by the requests the farm
received, and on a local PostgreSQL its backends' CPU too), memory, and the time until every
site was checked once.

With -floor, a bare Go HTTP client takes tocsin's place: the same requests on the same
schedule, nothing stored. Its CPU per request is the least a check costs on this machine, the
figure to read tocsin's against on another machine.

`)
	fs, _ := benchFlags(w)
	fs.PrintDefaults()
}

func bench(args []string, env map[string]string, stdout, stderr io.Writer) int {
	fs, s := benchFlags(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			benchHelp(stdout)
			return 0
		}
		return 2
	}
	switch {
	case s.store != "sqlite" && s.store != "postgres":
		fmt.Fprintf(stderr, "tocsin bench: -store must be sqlite or postgres, not %q\n", s.store)
		return 2
	case s.sites < 1:
		fmt.Fprintln(stderr, "tocsin bench: -sites must be at least 1")
		return 2
	case s.interval < time.Second || s.interval%time.Second != 0:
		fmt.Fprintln(stderr, "tocsin bench: -interval must be whole seconds, at least 1s")
		return 2
	}
	if s.databaseURL == "" {
		s.databaseURL = env["DATABASE_URL"]
	}
	if s.store == "postgres" && !strings.HasPrefix(s.databaseURL, "postgres") {
		fmt.Fprintln(stderr, "tocsin bench: -store postgres needs -database-url postgres://… (or DATABASE_URL)")
		return 2
	}
	if s.binary == "" {
		self, err := os.Executable()
		if err != nil {
			fmt.Fprintf(stderr, "tocsin bench: %v\n", err)
			return 1
		}
		s.binary = self
	}
	r, err := runBench(context.Background(), *s, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "tocsin bench: %v\n", err)
		return 1
	}
	r.print(stdout, *s)
	return 0
}

// benchResult is what one run measured.
type benchResult struct {
	loadBefore, loadAfter string
	autovacuum            string // PostgreSQL's setting, read at the start
	added, firstRound     time.Duration
	gaps                  benchfarm.Gaps
	window                time.Duration
	tocsinCPU, dbCPU      time.Duration
	dbMeasured            bool
	rss, peakRSS          int64
	logPath               string
}

func runBench(ctx context.Context, s benchSettings, progress io.Writer) (r benchResult, err error) {
	r.loadBefore = loadAverage()
	dir, err := os.MkdirTemp("", "tocsin-bench-")
	if err != nil {
		return r, err
	}
	defer func() {
		if !s.keepLog {
			os.RemoveAll(dir)
		}
	}()
	farm, err := benchfarm.Start(s.sites)
	if err != nil {
		return r, err
	}
	defer farm.Close()

	dbURL, appName := "sqlite:"+filepath.Join(dir, "tocsin.db"), "tocsin-bench-"+randomName()
	var admin *sql.DB
	if s.store == "postgres" && !s.floor {
		var drop func()
		admin, dbURL, drop, err = benchSchema(ctx, s.databaseURL, appName)
		if err != nil {
			return r, err
		}
		defer drop()
		if err := admin.QueryRowContext(ctx, "SHOW autovacuum").Scan(&r.autovacuum); err != nil {
			return r, err
		}
	}

	start := time.Now()
	var child *benchChild
	if s.floor {
		child, err = startFloorChild(s, farm.Base(), dir)
	} else {
		child, err = startBenchChild(s, dbURL, dir)
	}
	if err != nil {
		return r, err
	}
	r.logPath = child.log
	defer child.stop()
	if !s.floor {
		fmt.Fprintf(progress, "tocsin (pid %d) is up; adding %d sites…\n", child.pid(), s.sites)
		start = time.Now()
		if err := addBenchSites(child.url, farm, s); err != nil {
			return r, err
		}
		r.added = time.Since(start)
		fmt.Fprintf(progress, "added in %s; waiting for every site's first check…\n", r.added.Round(time.Millisecond))
	}
	for {
		if at, ok := farm.AllCheckedAt(); ok {
			r.firstRound = at.Sub(start)
			break
		}
		if err := child.alive(); err != nil {
			return r, err
		}
		if time.Since(start) > 10*s.interval+time.Minute {
			return r, fmt.Errorf("some sites were not checked within %s of being added", 10*s.interval+time.Minute)
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Fprintf(progress, "every site checked once %s after the first was added; settling for %s, then measuring for %s…\n",
		r.firstRound.Round(time.Millisecond), s.interval, s.window)
	time.Sleep(s.interval)

	var dbPids []int
	if admin != nil {
		dbPids = backendPids(ctx, admin, appName)
	}
	from := time.Now()
	cpu0, err := processCPU(child.pid())
	if err != nil {
		return r, err
	}
	db0 := cpuOf(dbPids)
	time.Sleep(s.window)
	to := time.Now()
	cpu1, err := processCPU(child.pid())
	if err != nil {
		return r, err
	}
	if admin != nil {
		pids := backendPids(ctx, admin, appName)
		r.dbCPU, r.dbMeasured = cpuSince(db0, cpuOf(pids)), len(pids) > 0 && len(cpuOf(pids)) > 0
	}
	r.tocsinCPU, r.window = cpu1-cpu0, to.Sub(from)
	if r.rss, r.peakRSS, err = processMemory(child.pid()); err != nil {
		return r, err
	}
	r.gaps = farm.Gaps(s.interval, from, to)
	r.loadAfter = loadAverage()
	return r, child.alive()
}

func (r benchResult) print(w io.Writer, s benchSettings) {
	perCheck := func(d time.Duration) string {
		if r.gaps.Requests == 0 {
			return "–"
		}
		return fmt.Sprintf("%.0f µs", float64(d.Microseconds())/float64(r.gaps.Requests))
	}
	cpu := perCheck(r.tocsinCPU) + " (tocsin)"
	switch {
	case s.floor:
		cpu = perCheck(r.tocsinCPU) + " (a bare Go client: the floor)"
	case s.store == "postgres":
		if r.dbMeasured {
			cpu += " + " + perCheck(r.dbCPU) + " (PostgreSQL backends)"
		} else {
			cpu += " + PostgreSQL not measured (its processes are not readable here)"
		}
	}
	on := s.store
	if s.floor {
		on = "no store (-floor)"
	}
	if r.autovacuum != "" {
		on += " (autovacuum " + r.autovacuum + ")"
	}
	fmt.Fprintf(w, "tocsin bench: %d sites @ %s on %s, %s window; %d CPUs, load average %s before, %s after\n",
		s.sites, s.interval, on, r.window.Round(time.Second), runtime.NumCPU(), r.loadBefore, r.loadAfter)
	if !s.floor {
		fmt.Fprintf(w, "  sites added            %s (POST /sites/batch)\n", r.added.Round(time.Millisecond))
	}
	fmt.Fprintf(w, "  every site checked     %s after the first was added\n", r.firstRound.Round(time.Millisecond))
	fmt.Fprintf(w, "  checks/s               %.1f\n", float64(r.gaps.Requests)/r.window.Seconds())
	fmt.Fprintf(w, "  lateness p50/p99/max   %.1f / %.1f / %.1f ms\n",
		benchfarm.Ms(r.gaps.At(0.5)), benchfarm.Ms(r.gaps.At(0.99)), benchfarm.Ms(r.gaps.At(1)))
	fmt.Fprintf(w, "  missed / doubled       %d / %d (of %d intervals)\n", r.gaps.Missed, r.gaps.Doubled, len(r.gaps.Late))
	fmt.Fprintf(w, "  CPU per check          %s\n", cpu)
	fmt.Fprintf(w, "  RSS                    %d MB (peak %d MB)\n", r.rss>>20, r.peakRSS>>20)
	if s.keepLog {
		fmt.Fprintf(w, "  log                    %s\n", r.logPath)
	}
}

// benchChild is the tocsin process under test.
type benchChild struct {
	cmd    *exec.Cmd
	url    string
	log    string
	exited chan error
}

func startBenchChild(s benchSettings, dbURL, dir string) (*benchChild, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	// An empty settings file: a .env in the working directory must not change the run.
	envFile := filepath.Join(dir, "empty.env")
	if err := os.WriteFile(envFile, nil, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(s.binary, "serve", "--addr", addr)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "TOCSIN_AUTH=off", "TOCSIN_LOG_LEVEL=warn",
		"TOCSIN_BLOCK_PRIVATE_TARGETS=false", fmt.Sprintf("TOCSIN_MAX_CONCURRENT_CHECKS=%d", s.maxConcurrent),
		fmt.Sprintf("TOCSIN_MIN_INTERVAL_SECONDS=%d", s.interval/time.Second), "TOCSIN_ENV_FILE="+envFile)
	c, err := startChild(cmd, dir)
	if err != nil {
		return nil, err
	}
	c.url = "http://" + addr
	deadline := time.Now().Add(time.Minute)
	for {
		if err := c.alive(); err != nil {
			return nil, err
		}
		resp, err := http.Get(c.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			return c, nil
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, fmt.Errorf("tocsin did not answer within a minute; see %s", c.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startChild starts cmd with its output in dir's tocsin.log.
func startChild(cmd *exec.Cmd, dir string) (*benchChild, error) {
	logPath := filepath.Join(dir, "tocsin.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	c := &benchChild{cmd: cmd, log: logPath, exited: make(chan error, 1)}
	c.cmd.Stdout, c.cmd.Stderr = logFile, logFile
	if err := c.cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	go func() {
		c.exited <- c.cmd.Wait()
		logFile.Close()
	}()
	return c, nil
}

func (c *benchChild) pid() int { return c.cmd.Process.Pid }

// alive is nil while the process runs.
func (c *benchChild) alive() error {
	select {
	case err := <-c.exited:
		c.exited <- err
		tail, _ := os.ReadFile(c.log)
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return fmt.Errorf("tocsin exited (%v); its log ends:\n%s", err, tail)
	default:
		return nil
	}
}

// stop shuts the process down as a service manager would, and kills it if that takes long.
func (c *benchChild) stop() {
	if c.alive() != nil {
		return
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		<-c.exited
	}
}

// addBenchSites adds the farm's sites through POST /sites/batch, 10,000 (the most it takes) at
// a time; each batch spreads its first checks over the interval.
func addBenchSites(base string, farm *benchfarm.Farm, s benchSettings) error {
	type site struct {
		Name     string `json:"name"`
		URL      string `json:"url"`
		Interval int    `json:"check_interval_seconds"`
		Timeout  int    `json:"timeout_seconds"`
	}
	const perBatch = 10000
	timeout := int(min(s.interval, 5*time.Second) / time.Second)
	for first := 0; first < s.sites; first += perBatch {
		batch := make([]site, 0, min(perBatch, s.sites-first))
		for i := first; i < first+cap(batch); i++ {
			batch = append(batch, site{Name: fmt.Sprintf("bench %d", i), URL: farm.URL(i),
				Interval: int(s.interval / time.Second), Timeout: timeout})
		}
		body, err := json.Marshal(map[string]any{"sites": batch})
		if err != nil {
			return err
		}
		resp, err := http.Post(base+"/sites/batch", "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		answer, _ := io.ReadAll(io.LimitReader(resp.Body, 2000))
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("POST /sites/batch: %s: %s", resp.Status, answer)
		}
	}
	return nil
}

// benchSchema makes a new schema in the database at base for the run and returns a handle on
// the database, the URL that puts the tocsin process in the schema (its connections named
// appName, so their backends can be found), and a func that drops the schema.
func benchSchema(ctx context.Context, base, appName string) (*sql.DB, string, func(), error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, "", nil, fmt.Errorf("-database-url: %w", err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, "", nil, err
	}
	schema := strings.ReplaceAll(appName, "-", "_")
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return nil, "", nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	drop := func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", appName)
	u.RawQuery = q.Encode()
	return admin, u.String(), drop, nil
}

// backendPids are the PostgreSQL backends serving connections named appName.
func backendPids(ctx context.Context, db *sql.DB, appName string) []int {
	rows, err := db.QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1`, appName)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var pids []int
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

func randomName() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// loadAverage is the one-minute load average, to say how busy the machine was.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(raw))[0]
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tocsin/tocsin/internal/notify/discordtest"
)

// These tests run the built tocsin as an operator would: the service with its metrics on, and
// tocsin apply and export against it over HTTP, as against a remote instance.
func TestOperatingTheBuiltBinary(t *testing.T) {
	bin := buildTocsin(t, "v0.0.0-ops-test")
	for name, dbURL := range databaseURLs() {
		t.Run("metrics move as checks run/"+name, func(t *testing.T) {
			t.Parallel()
			testMetricsMove(t, bin, dbURL(t))
		})
		t.Run("apply and export/"+name, func(t *testing.T) {
			t.Parallel()
			testApplyAndExport(t, bin, dbURL(t))
		})
	}
}

// serveBinary runs the built tocsin serve with env on a free port and returns its base URL.
func serveBinary(t testing.TB, bin string, env ...string) (string, *binaryProcess) {
	t.Helper()
	addr := freeAddr(t)
	p := startBinary(t, bin, t.TempDir(), append(cleanEnv(), env...), "serve", "--addr", addr, "--min-interval-seconds", "1")
	base := "http://" + addr
	p.waitForReady(t, base)
	return base, p
}

// scrapeMetrics reads /metrics as Prometheus does.
func scrapeMetrics(t *testing.T, base, token string) map[string]*dto.MetricFamily {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: %d", resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return families
}

// sample is the value of the series of the family whose labels include want (a histogram's
// count), or -1 when there is none.
func sample(families map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	f := families[name]
	if f == nil {
		return -1
	}
	for _, m := range f.Metric {
		matched := 0
		for _, l := range m.Label {
			if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
				matched++
			}
		}
		if matched != len(want) {
			continue
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

func testMetricsMove(t *testing.T, bin, dbURL string) {
	var code atomic.Int32
	code.Store(200)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(int(code.Load())) }))
	defer target.Close()
	fake := discordtest.New(t)
	base, p := serveBinary(t, bin, "DATABASE_URL="+dbURL, "TOCSIN_METRICS=on", "TOCSIN_AUTH=off", "TOCSIN_DISCORD_ALLOWED_HOSTS="+fake.Host())
	if !strings.Contains(p.log.String(), "METRICS ARE PUBLIC") {
		t.Errorf("TOCSIN_METRICS=on without a warning in the log:\n%s", p.log)
	}
	if got := call(t, "POST", base+"/webhook", fmt.Sprintf(`{"webhook_url": %q}`, fake.WebhookURL("5")), nil); got != 200 {
		t.Fatalf("POST /webhook: %d", got)
	}
	if got := call(t, "POST", base+"/sites", fmt.Sprintf(`{"url": %q, "name": "shop", "check_interval_seconds": 1, "timeout_seconds": 1}`, target.URL), nil); got != 201 {
		t.Fatalf("POST /sites: %d", got)
	}
	shop := map[string]string{"name": "shop", "type": "http"}
	up := map[string]string{"type": "http", "result": "up"}

	first := scrapeMetrics(t, base, "")
	if v := sample(first, "tocsin_site_up", shop); v != 1 {
		t.Errorf("tocsin_site_up of shop = %v after its first check, want 1", v)
	}
	if v := sample(first, "tocsin_http_requests_total", map[string]string{"route": "POST /sites", "code": "201"}); v != 1 {
		t.Errorf("POST /sites 201 counted %v times", v)
	}
	checks := sample(first, "tocsin_checks_total", up)
	waitUntil(t, "scheduled checks to be counted", func() bool {
		m := scrapeMetrics(t, base, "")
		return sample(m, "tocsin_checks_total", up) > checks && sample(m, "tocsin_scheduler_lateness_seconds", nil) > 0 &&
			sample(m, "tocsin_scheduler_write_duration_seconds", map[string]string{"result": "ok"}) > 0
	})

	code.Store(503)
	waitUntil(t, "shop's gauge to flip to down and its alert to be delivered", func() bool {
		m := scrapeMetrics(t, base, "")
		return sample(m, "tocsin_site_up", shop) == 0 && sample(m, "tocsin_checks_total", map[string]string{"result": "down"}) >= 1 &&
			sample(m, "tocsin_alert_outbox", map[string]string{"state": "delivered"}) >= 1
	})
	last := scrapeMetrics(t, base, "")
	for name, labels := range map[string]map[string]string{
		"tocsin_sites":                            {"status": "down"},
		"tocsin_channel_responses_total":          {"type": "discord", "code": "200"},
		"tocsin_scheduler_claim_duration_seconds": nil,
		"tocsin_check_duration_seconds":           {"type": "http"},
		"tocsin_build_info":                       {"version": "v0.0.0-ops-test"},
		"tocsin_database_up":                      nil,
		"go_goroutines":                           nil,
		"process_resident_memory_bytes":           nil,
	} {
		if v := sample(last, name, labels); v <= 0 {
			t.Errorf("%s%v = %v, want a positive figure", name, labels, v)
		}
	}
	if v := sample(last, "tocsin_site_response_seconds", shop); v < 0 { // a loopback answer may take 0 ms
		t.Errorf("no tocsin_site_response_seconds for shop")
	}
}

func testApplyAndExport(t *testing.T, bin, dbURL string) {
	fake := discordtest.New(t)
	base, _ := serveBinary(t, bin, "DATABASE_URL="+dbURL, "TOCSIN_METRICS=token", "TOCSIN_DISCORD_ALLOWED_HOSTS="+fake.Host())
	var session struct{ Token string }
	if got := call(t, "POST", base+"/auth/signup", `{"username": "ada", "password": "correct horse"}`, &session); got != 201 {
		t.Fatalf("signup: %d", got)
	}
	var key struct{ Key string }
	req, _ := http.NewRequest("POST", base+"/api-keys", strings.NewReader(`{"name": "apply"}`))
	req.Header.Set("Authorization", "Bearer "+session.Token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 201 {
		t.Fatalf("POST /api-keys: %v %v", resp, err)
	} else {
		jsonDecode(t, resp, &key)
	}
	if resp, _ := http.Get(base + "/metrics"); resp.StatusCode != 401 {
		t.Errorf("TOCSIN_METRICS=token: /metrics without a token answered %d", resp.StatusCode)
	}
	scrapeMetrics(t, base, key.Key) // an admin's API key is let in

	dir := t.TempDir()
	tocsin := func(args ...string) (stdout, stderr string, code int) {
		cmd := exec.Command(bin, append(args, "--server", base)...)
		cmd.Dir, cmd.Env = dir, append(cleanEnv(), "TOCSIN_TOKEN="+key.Key)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		if exit, ok := err.(*exec.ExitError); ok {
			return out.String(), errOut.String(), exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errOut.String(), 0
	}
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	sitesFile := func(interval int, withDB bool) string {
		text := fmt.Sprintf(`webhooks:
  - name: ops
    webhook_url: %s
sites:
  - name: Shop
    url: https://shop.example/health
    check_interval_seconds: %d
    paused: true
    basic_auth: {username: ada, password: s3cret-pw}
    webhooks: [ops]
`, fake.WebhookURL("8"), interval)
		if withDB {
			text += "  - name: DB\n    type: tcp\n    url: db.example:5432\n    paused: true\n"
		}
		return text
	}
	// sites lists the sites' names with their intervals.
	sites := func() map[string]int {
		r, _ := http.NewRequest("GET", base+"/sites", nil)
		r.Header.Set("Authorization", "Bearer "+key.Key)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		var list []struct {
			Name                 string
			CheckIntervalSeconds int `json:"check_interval_seconds"`
		}
		jsonDecode(t, resp, &list)
		out := map[string]int{}
		for _, s := range list {
			out[s.Name] = s.CheckIntervalSeconds
		}
		return out
	}

	path := write("sites.yaml", sitesFile(60, true))
	if out, errOut, code := tocsin("apply", "-f", path); code != 0 || !strings.Contains(out, `+ site "DB"`) || !strings.HasSuffix(out, "applied\n") {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	if out, _, code := tocsin("apply", "-f", path); code != 0 || out != "no changes\n" {
		t.Errorf("apply again: exit %d\n%s", code, out)
	}
	write("sites.yaml", sitesFile(30, true))
	out, _, code := tocsin("apply", "-f", path, "--dry-run")
	if code != 0 || !strings.Contains(out, "~ site \"Shop\"\n    check_interval_seconds: 60 -> 30\n") || !strings.HasSuffix(out, "dry run: nothing was changed\n") {
		t.Errorf("a dry run of a change: exit %d\n%s", code, out)
	}
	if got := sites(); fmt.Sprint(got) != "map[DB:300 Shop:60]" {
		t.Errorf("after the dry run: %v; a dry run changed something", got)
	}
	write("sites.yaml", sitesFile(60, false))
	if out, errOut, code := tocsin("apply", "-f", path, "--prune"); code != 0 || !strings.Contains(out, `- site "DB"`) {
		t.Errorf("apply --prune: exit %d\n%s%s", code, out, errOut)
	}
	if got := sites(); fmt.Sprint(got) != "map[Shop:60]" {
		t.Errorf("after pruning: %v, want Shop alone", got)
	}

	bad := write("bad.yaml", "sites:\n  - name: Shop\n    url: https://shop.example/health\n  - name: Bad\n    url: ftp://nope\n")
	if out, errOut, code := tocsin("apply", "-f", bad, "--prune"); code != 1 || !strings.Contains(errOut, "bad.yaml:5: sites[1].url: must start with http:// or https://") {
		t.Errorf("a bad file: exit %d\n%s%s", code, out, errOut)
	}
	if got := sites(); fmt.Sprint(got) != "map[Shop:60]" {
		t.Errorf("a bad file changed the sites: %v", got)
	}

	for _, secrets := range []bool{false, true} {
		args := []string{"export", "-o", filepath.Join(dir, "exported.yaml")}
		if secrets {
			args = append(args, "--include-secrets")
		}
		if _, errOut, code := tocsin(args...); code != 0 {
			t.Fatalf("export: exit %d %s", code, errOut)
		}
		exported, _ := os.ReadFile(filepath.Join(dir, "exported.yaml"))
		if strings.Contains(string(exported), "s3cret-pw") != secrets || strings.Contains(string(exported), "token-8") != secrets {
			t.Errorf("export (secrets %v):\n%s", secrets, exported)
		}
		if out, errOut, code := tocsin("apply", "-f", filepath.Join(dir, "exported.yaml"), "--prune"); code != 0 || out != "no changes\n" {
			t.Errorf("applying the export (secrets %v): exit %d\n%s%s", secrets, code, out, errOut)
		}
	}

	help, _, _ := tocsin("help", "apply")
	for _, flag := range []string{"-f string", "-prune", "-dry-run", "-server", "-token"} {
		if !strings.Contains(help, flag) {
			t.Errorf("tocsin help apply does not list %s:\n%s", flag, help)
		}
	}
	cmd := exec.Command(bin, "apply", "-f", path, "--server", base)
	cmd.Env = cleanEnv() // no token
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "unauthorized") {
		t.Errorf("apply without a token against a server with auth on: %v\n%s", err, out)
	}
}

func jsonDecode(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

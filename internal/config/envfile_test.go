package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const sampleEnvFile = `# an older setup's settings
DB_NAME=uptime
DB_PASSWORD='pa$$word #1'
export TOCSIN_ADDR=127.0.0.1:9100
TOCSIN_LOG_LEVEL="debug"   # a comment
`

func TestDotEnvInTheWorkingDirectoryIsRead(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".env"), sampleEnvFile)
	t.Chdir(dir)

	c, err := Load(nil, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9100" || c.LogLevel != "debug" || c.DBPassword != "pa$$word #1" || !strings.HasPrefix(c.DatabaseURL, "postgres://") {
		t.Errorf("from .env: addr %q level %q password %q database %q", c.Addr, c.LogLevel, c.DBPassword, c.DatabaseURL)
	}

	c, err = Load([]string{"--log-level", "warn"}, map[string]string{"TOCSIN_ADDR": "127.0.0.1:9200", "DB_PASSWORD": ""})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9200" || c.LogLevel != "warn" || c.DBPassword != "" {
		t.Errorf("variables already set (even empty) and flags must win over .env: addr %q level %q password %q", c.Addr, c.LogLevel, c.DBPassword)
	}
}

func TestEnvFileCanBeNamed(t *testing.T) {
	t.Chdir(t.TempDir()) // no .env here, which is fine
	if c, err := Load(nil, map[string]string{}); err != nil || c.Addr != "127.0.0.1:8080" {
		t.Fatalf("without any .env: %+v %v", c, err)
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "tocsin.env"), "TOCSIN_ADDR=127.0.0.1:9300\n")
	if c, err := Load(nil, map[string]string{"TOCSIN_ENV_FILE": path}); err != nil || c.Addr != "127.0.0.1:9300" {
		t.Errorf("TOCSIN_ENV_FILE: %q %v", c.Addr, err)
	}
	if c, err := Load([]string{"--env-file", path}, map[string]string{}); err != nil || c.Addr != "127.0.0.1:9300" {
		t.Errorf("--env-file: %q %v", c.Addr, err)
	}
}

func TestBadEnvFileStopsTheStartWithoutShowingValues(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.env")
	unterminated := writeFile(t, filepath.Join(dir, "open.env"), "TOCSIN_ADDR=127.0.0.1:1\nDB_PASSWORD=\"hunter2\nTOCSIN_AUTH=on\n")
	badName := writeFile(t, filepath.Join(dir, "name.env"), "# ok\nDB_NAME=t\nDB PASSWORD hunter2\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a named file that is missing", []string{"--env-file", missing}, "missing.env"},
		{"a quote left open", []string{"--env-file", unterminated}, "open.env: line 2 "},
		{"a line that is not NAME=value", []string{"--env-file", badName}, "name.env: line 3 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.args, map[string]string{})
			if err == nil || !strings.Contains(err.Error(), "TOCSIN_ENV_FILE") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want TOCSIN_ENV_FILE and %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows a value from the file: %v", err)
			}
		})
	}
}

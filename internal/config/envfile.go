package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"

	"github.com/joho/godotenv"
)

// defaultEnvFile is read from the working directory when it exists and no other file is named.
const defaultEnvFile = ".env"

// readEnvFile reads the NAME=value lines of the named file, or of .env in the working directory
// when name is empty. Only a file that was named must exist.
func readEnvFile(name string) (map[string]string, error) {
	path := name
	if path == "" {
		path = defaultEnvFile
	}
	text, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && name == "" {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("TOCSIN_ENV_FILE: %w", err)
	}
	vars, err := godotenv.UnmarshalBytes(text)
	if err != nil {
		// godotenv's message quotes the rest of the file, secrets and all: name the line instead.
		return nil, fmt.Errorf("TOCSIN_ENV_FILE: %s: line %d is not NAME=value (a quote left open?)", path, badLine(text))
	}
	return vars, nil
}

// badLine is the line after the longest start of text that still parses.
func badLine(text []byte) int {
	lines := bytes.SplitAfter(text, []byte("\n"))
	for n := len(lines) - 1; n > 0; n-- {
		if _, err := godotenv.UnmarshalBytes(bytes.Join(lines[:n], nil)); err == nil {
			return n + 1
		}
	}
	return 1
}

// underlay adds the file's variables to environ's, which win: a variable set in the real
// environment, even to "", is never replaced by the file.
func underlay(environ, fromFile map[string]string) map[string]string {
	if len(fromFile) == 0 {
		return environ // nil still means the process environment to env.Parse
	}
	merged := maps.Clone(fromFile)
	maps.Copy(merged, environ)
	return merged
}

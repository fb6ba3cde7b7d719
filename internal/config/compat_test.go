package config

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// The URL built from DB_* is read by pgx, the driver the PostgreSQL store uses, exactly as set.
func TestDBVariablesMakeAPostgresURL(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		// what pgx must read from the URL
		host, user, password, database string
		port                           uint16
	}{
		{
			name: "defaults", env: map[string]string{"DB_NAME": "uptime"},
			host: "localhost", port: 5432, user: "postgres", database: "uptime",
		},
		{
			name: "every part, with characters URLs reserve",
			env: map[string]string{"DB_NAME": "up time/db?", "DB_USER": "ada@corp", "DB_PASSWORD": `p@ss:w/o?r#d%20&=+ "'`,
				"DB_HOST": "db.internal", "DB_PORT": "6543"},
			host: "db.internal", port: 6543, user: "ada@corp", password: `p@ss:w/o?r#d%20&=+ "'`, database: "up time/db?",
		},
		{
			name: "IPv6 host", env: map[string]string{"DB_NAME": "t", "DB_HOST": "::1"},
			host: "::1", port: 5432, user: "postgres", database: "t",
		},
		{
			name: "IPv6 host in brackets", env: map[string]string{"DB_NAME": "t", "DB_HOST": "[::1]"},
			host: "::1", port: 5432, user: "postgres", database: "t",
		},
		{
			name: "socket directory", env: map[string]string{"DB_NAME": "t", "DB_HOST": "/var/run/postgresql", "DB_PORT": "5433"},
			host: "/var/run/postgresql", port: 5433, user: "postgres", database: "t",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(nil, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			db, err := ParseDatabase(c.DatabaseURL)
			if err != nil || db.Kind != "postgres" {
				t.Fatalf("DATABASE_URL %q: %+v %v", c.DatabaseURL, db, err)
			}
			pg, err := pgconn.ParseConfig(db.URL)
			if err != nil {
				t.Fatalf("pgx cannot read %q: %v", db.URL, err)
			}
			if pg.Host != tt.host || pg.Port != tt.port || pg.User != tt.user || pg.Password != tt.password || pg.Database != tt.database {
				t.Errorf("pgx reads host %q port %d user %q password %q database %q from %q",
					pg.Host, pg.Port, pg.User, pg.Password, pg.Database, db.URL)
			}
		})
	}
}

func TestDatabaseURLWinsOverDBVariables(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "sqlite:/tmp/t.db", "DB_NAME": "uptime", "DB_HOST": "db"}
	if c, err := Load(nil, env); err != nil || c.DatabaseURL != "sqlite:/tmp/t.db" {
		t.Errorf("DATABASE_URL set: %q %v", c.DatabaseURL, err)
	}
	delete(env, "DATABASE_URL")
	if c, err := Load([]string{"--database-url", "sqlite:/tmp/f.db"}, env); err != nil || c.DatabaseURL != "sqlite:/tmp/f.db" {
		t.Errorf("--database-url given: %q %v", c.DatabaseURL, err)
	}
	if c, err := Load(nil, map[string]string{"DB_HOST": "db", "DB_USER": "u"}); err != nil || c.DatabaseURL != "" {
		t.Errorf("without DB_NAME the DB_* variables must not be used: %q %v", c.DatabaseURL, err)
	}
}

func TestSecretKeyIsTheJWTSecret(t *testing.T) {
	long, other := strings.Repeat("k", 32), strings.Repeat("t", 40)
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    string
		wantErr string
	}{
		{name: "SECRET_KEY alone", env: map[string]string{"SECRET_KEY": long}, want: long},
		{name: "TOCSIN_JWT_SECRET wins", env: map[string]string{"SECRET_KEY": long, "TOCSIN_JWT_SECRET": other}, want: other},
		{name: "the flag wins", env: map[string]string{"SECRET_KEY": long}, args: []string{"--jwt-secret", other}, want: other},
		{name: "a short SECRET_KEY stops the start", env: map[string]string{"SECRET_KEY": "hunter2-hunter2"}, wantErr: "SECRET_KEY: must be at least 32 bytes, got 15"},
		{name: "a short SECRET_KEY is not used when TOCSIN_JWT_SECRET is set", env: map[string]string{"SECRET_KEY": "hunter2", "TOCSIN_JWT_SECRET": other}, want: other},
		{name: "a short TOCSIN_JWT_SECRET is named", env: map[string]string{"SECRET_KEY": long, "TOCSIN_JWT_SECRET": "hunter2"}, wantErr: "TOCSIN_JWT_SECRET: must be at least 32 bytes, got 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.args, tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("the error shows the secret: %v", err)
				}
				return
			}
			if err != nil || c.JWTSecret != tt.want {
				t.Errorf("JWT secret %q %v, want %q", c.JWTSecret, err, tt.want)
			}
		})
	}
}

func TestBadDBVariablesAreNamed(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"DB_NAME": "t", "DB_PORT": "postgres"}, "DB_PORT"},
		{map[string]string{"DB_NAME": "t", "DB_PORT": "70000"}, "DB_PORT"},
		{map[string]string{"DB_NAME": "t", "DB_HOST": "user@db"}, "DB_HOST"},
		{map[string]string{"DB_NAME": "t", "DB_HOST": "db/x"}, "DB_HOST"},
	}
	for _, tt := range tests {
		if _, err := Load(nil, tt.env); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want it to name %s", tt.env, err, tt.want)
		}
	}
}

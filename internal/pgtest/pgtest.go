// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema in the server SUPAUDIT_TEST_POSTGRES names (a postgres:// URL;
// .ci/run starts one with .ci/postgres.sh), dropped when the test ends.
// Without the variable, or when the server does not answer, the test is
// skipped with a message, unless SUPAUDIT_REQUIRE_POSTGRES is set (CI),
// when it fails.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
)

// Env names the server's URL.
const Env = "SUPAUDIT_TEST_POSTGRES"

// DSN returns a URL whose search_path is a new, empty schema.
func DSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(Env)
	missing := func(why string) {
		if os.Getenv("SUPAUDIT_REQUIRE_POSTGRES") != "" {
			t.Fatalf("PostgreSQL required (SUPAUDIT_REQUIRE_POSTGRES): %s", why)
		}
		t.Skipf("skipped: %s (start one with .ci/postgres.sh start DIR and set %s)", why, Env)
	}
	if base == "" {
		missing(Env + " is not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", base)
	if err != nil {
		missing(err.Error())
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		missing("no PostgreSQL server answers at " + Env + ": " + err.Error())
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

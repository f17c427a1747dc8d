package history

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite" (pure Go)
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one versioned schema change (migrations/NNNN_name.sql).
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the schema changes in version order.
func Migrations() ([]Migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", n)
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(b)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i := range out {
		if out[i].Version != i+1 {
			return nil, fmt.Errorf("migration %d_%s: versions must run 1, 2, 3 ... without gaps", out[i].Version, out[i].Name)
		}
	}
	return out, nil
}

// SchemaVersion is the schema version this supaudit writes.
func SchemaVersion() int {
	ms, _ := Migrations()
	return len(ms)
}

// statements splits a migration into its statements (at a ';' that ends a
// line), dropping "--" comment lines.
func statements(src string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line + "\n")
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// migrate brings the database to the newest schema in one transaction per
// migration, serialised against other processes migrating the same
// database. A database newer than this program is refused.
func (s *SQL) migrate(ctx context.Context) error {
	ms, err := Migrations()
	if err != nil {
		return s.wrap(err)
	}
	for {
		done, err := s.migrateOne(ctx, ms)
		if err != nil {
			return s.wrap(err)
		}
		if done {
			return nil
		}
	}
}

// migrateOne applies the next pending migration; done is true when none
// is pending.
func (s *SQL) migrateOne(ctx context.Context, ms []Migration) (done bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if s.d.migrateLock != "" {
		if _, err := tx.ExecContext(ctx, s.d.migrateLock); err != nil {
			return false, fmt.Errorf("migration lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
 version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return false, fmt.Errorf("schema_migrations: %w", err)
	}
	var cur sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&cur); err != nil {
		return false, fmt.Errorf("schema_migrations: %w", err)
	}
	v := int(cur.Int64)
	if v > len(ms) {
		return false, fmt.Errorf("schema version %d is newer than this supaudit knows (%d): upgrade supaudit", v, len(ms))
	}
	if v == len(ms) {
		return true, tx.Commit()
	}
	m := ms[v]
	for _, st := range statements(m.SQL) {
		if _, err := tx.ExecContext(ctx, st); err != nil {
			return false, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, s.d.bind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		m.Version, m.Name, unixMilli(s.now())); err != nil {
		return false, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
	}
	return false, tx.Commit()
}

// OpenSQLite opens (creating it when missing) the SQLite history database
// at path and migrates it. Writers wait for each other (BEGIN IMMEDIATE,
// a 60 s busy timeout, WAL journal), so concurrent runs lose nothing.
func OpenSQLite(ctx context.Context, path string) (*SQL, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("history %s: a SQLite path may not contain ? or #", path)
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(60000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	// One connection: a process writes one run at a time, and SQLite takes
	// one writer anyway.
	db.SetMaxOpenConns(1)
	s := &SQL{db: db, d: dialect{name: KindSQLite, busy: sqliteBusy}, name: path}
	err = s.retry(ctx, func() error {
		if err := db.PingContext(ctx); err != nil {
			return s.wrap(err)
		}
		return s.migrate(ctx)
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// sqliteBusy recognises SQLite's "database is locked" (SQLITE_BUSY),
// which the busy timeout does not cover everywhere (switching a new
// database to WAL while another process does the same).
func sqliteBusy(err error) bool {
	var e interface{ Code() int }
	if errors.As(err, &e) {
		return e.Code()&0xff == 5 || e.Code()&0xff == 6 // SQLITE_BUSY, SQLITE_LOCKED
	}
	return strings.Contains(err.Error(), "SQLITE_BUSY")
}

// retry runs fn again while it fails with a busy error, for up to a minute.
func (s *SQL) retry(ctx context.Context, fn func() error) error {
	wait, waited := 5*time.Millisecond, time.Duration(0)
	for {
		err := fn()
		if err == nil || s.d.busy == nil || !s.d.busy(err) || waited >= time.Minute {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		waited += wait
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// migrateLockKey is the PostgreSQL advisory lock that serialises
// migrations ("supaudit" in ASCII, as a number).
const migrateLockKey = 0x7375706175646974

// OpenPostgres connects to the PostgreSQL history database dsn
// (postgres://user:password@host:port/db?sslmode=...) and migrates it.
func OpenPostgres(ctx context.Context, dsn string) (*SQL, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", redact(dsn), err)
	}
	db.SetMaxOpenConns(4)
	s := &SQL{db: db, d: dialect{name: KindPostgres, numbered: true,
		migrateLock: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", int64(migrateLockKey))}, name: redact(dsn)}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, s.wrap(err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Package history keeps judged runs and answers the history reports'
// queries (supaudit check --history, supaudit report). One Store interface
// has three implementations: a SQLite database file (the default, embedded,
// pure Go), a PostgreSQL database (a team's shared store) and the folder of
// JSON runs that earlier versions wrote. The SQL stores share one schema,
// one set of versioned migrations (migrations/*.sql) and one set of
// queries.
package history

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/supaudit/supaudit/report"
)

// Store keeps runs and reads them back for the history reports.
type Store interface {
	// Record keeps one judged run and the waivers its --waivers file
	// held; it returns the run's id. Concurrent Records (from several
	// processes too) each keep their run.
	Record(ctx context.Context, run *report.Report, ws []report.WaiverRecord) (string, error)
	// Load returns the history q names: a summary per run, the latest and
	// previous runs in full and the latest run's waiver register.
	Load(ctx context.Context, q Query) (*report.History, error)
	// Close releases the store.
	Close() error
}

// Query narrows Load: runs at or after Since, one site, one step, at most
// MaxRuns runs (the newest; 0 means DefaultMaxRuns).
type Query struct {
	report.HistoryQuery
	MaxRuns int
}

// DefaultMaxRuns caps the runs a report reads (the newest are kept).
const DefaultMaxRuns = 1000

func (q Query) maxRuns() int {
	if q.MaxRuns <= 0 {
		return DefaultMaxRuns
	}
	return q.MaxRuns
}

// Kind names a store: "sqlite", "postgres" or "dir".
type Kind string

// The store kinds.
const (
	KindSQLite   Kind = "sqlite"
	KindPostgres Kind = "postgres"
	KindDir      Kind = "dir"
)

// Classify says which store a --history value names:
//   - postgres://… or postgresql://… is a PostgreSQL database;
//   - sqlite:PATH is a SQLite database file;
//   - an existing directory, or a new path that ends in a path separator
//     or has no .db, .sqlite or .sqlite3 extension, is a folder of JSON
//     runs;
//   - anything else (FILE.db, an existing file) is a SQLite database file.
//
// It returns the kind and the location (the path, or the connection
// string).
func Classify(spec string) (Kind, string, error) {
	switch {
	case spec == "":
		return "", "", fmt.Errorf("history: empty --history")
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		return KindPostgres, spec, nil
	case strings.HasPrefix(spec, "sqlite:"):
		p := strings.TrimPrefix(spec, "sqlite:")
		if p == "" {
			return "", "", fmt.Errorf("history %s: no path after sqlite:", spec)
		}
		return KindSQLite, p, nil
	}
	if st, err := os.Stat(spec); err == nil {
		if st.IsDir() {
			return KindDir, spec, nil
		}
		return KindSQLite, spec, nil
	}
	switch strings.ToLower(filepath.Ext(spec)) {
	case ".db", ".sqlite", ".sqlite3":
		return KindSQLite, spec, nil
	}
	return KindDir, spec, nil
}

// Open opens the store spec names (see Classify). A database is created and
// migrated to the current schema when needed.
func Open(ctx context.Context, spec string) (Store, error) {
	kind, loc, err := Classify(spec)
	if err != nil {
		return nil, err
	}
	switch kind {
	case KindPostgres:
		return OpenPostgres(ctx, loc)
	case KindSQLite:
		return OpenSQLite(ctx, loc)
	}
	return &Dir{Path: loc}, nil
}

// Describe names a store for messages without its password: a PostgreSQL
// URL keeps its user, host and database.
func Describe(spec string) string {
	kind, loc, err := Classify(spec)
	if err != nil || kind != KindPostgres {
		return spec
	}
	return redact(loc)
}

// unixMilli and fromMilli are the schema's time encoding.
func unixMilli(t time.Time) int64 { return t.UTC().UnixMilli() }

func fromMilli(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

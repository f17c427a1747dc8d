package history

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/supaudit/supaudit/report"
)

// ParseSince reads a --since value: Nd, Nw or a Go duration back from
// now, or a date or RFC 3339 time; "" is the zero time (every run).
func ParseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	bad := fmt.Errorf("invalid --since %q: want a duration back from now (90d, 12w, 36h) or a date (2026-09-01)", s)
	for unit, days := range map[string]int{"d": 1, "w": 7} {
		if n, ok := strings.CutSuffix(s, unit); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v < 0 || v > 100*366 {
				return time.Time{}, bad
			}
			return now.AddDate(0, 0, -v*days), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return time.Time{}, bad
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, bad
}

// Read opens the store spec (Open), loads the history q names and closes
// the store (supaudit report). Reading never creates a database: a SQLite
// file that does not exist is an error naming it.
func Read(ctx context.Context, spec string, q Query) (*report.History, error) {
	if kind, loc, err := Classify(spec); err == nil && kind == KindSQLite {
		if _, err := os.Stat(loc); err != nil {
			return nil, fmt.Errorf("history %s: %w (keep runs with supaudit check --history %s)", loc, err, spec)
		}
	}
	st, err := Open(ctx, spec)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Load(ctx, q)
}

// ImportDir imports the folder of JSON runs dir into the database store
// to (Import; supaudit history import). A folder store as to, or a dir that
// is not a folder, is refused before anything is opened.
func ImportDir(ctx context.Context, dir, to string) (ImportResult, error) {
	kind, _, err := Classify(to)
	if err != nil {
		return ImportResult{}, err
	}
	if kind == KindDir {
		return ImportResult{}, fmt.Errorf("history import: --history %s is a directory: import into a database (FILE.db, sqlite:PATH or postgres://…)", to)
	}
	if k, _, _ := Classify(dir); k != KindDir {
		return ImportResult{}, fmt.Errorf("history import: %s is not a directory of JSON runs", dir)
	}
	st, err := Open(ctx, to)
	if err != nil {
		return ImportResult{}, err
	}
	defer st.Close()
	return Import(ctx, &Dir{Path: dir}, st.(*SQL))
}

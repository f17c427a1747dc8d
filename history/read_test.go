package history

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"", time.Time{}},
		{"90d", now.AddDate(0, 0, -90)},
		{"12w", now.AddDate(0, 0, -84)},
		{"36h", now.Add(-36 * time.Hour)},
		{"2026-09-01", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)},
		{"2026-09-01T06:00:00Z", time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC)},
	} {
		got, err := ParseSince(tc.in, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%q: %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"soon", "-3d", "-1h", "xd", "99999w"} {
		if _, err := ParseSince(bad, now); err == nil || !strings.Contains(err.Error(), `invalid --since "`+bad+`"`) {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

// TestReadNeverCreates: reading a SQLite store that does not exist is an
// error naming it, and leaves no file behind.
func TestReadNeverCreates(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.db")
	if _, err := Read(context.Background(), missing, Query{}); err == nil || !strings.Contains(err.Error(), "history "+missing) {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("Read created the database")
	}
}

// TestImportDirRefuses: a folder as the destination, or a source that is
// not a folder, is refused before any store is opened.
func TestImportDirRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "history.db")
	if _, err := ImportDir(ctx, filepath.Join("testdata", "runs"), dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("into a folder: err = %v", err)
	}
	if _, err := ImportDir(ctx, db, db); err == nil || !strings.Contains(err.Error(), "is not a directory of JSON runs") {
		t.Errorf("from a database: err = %v", err)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a refused import created the database")
	}
}

package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/supaudit/supaudit/internal/pgtest"
	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/results"
)

func loadRun(t testing.TB, name string) *report.Report {
	t.Helper()
	r, err := readRunFile(context.Background(), filepath.Join("testdata", "runs", name), MaxRunFile)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var testWaivers = []report.WaiverRecord{
	{Step: "SUP-14", Subject: "site LIT sync", Reason: "WSUS 3.0 upgrade scheduled", ApprovedBy: "J. Doe", Expires: "2099-12-31", Used: 1},
	{Step: "SUP-06", Subject: "SMS01.corp.litwareinc.com", Reason: "old", ApprovedBy: "A. B", Expires: "2026-01-31"},
}

// stores opens one empty store per engine: SQLite, PostgreSQL (skipped
// without a server) and the JSON folder.
func stores(t *testing.T) map[string]func(t *testing.T) Store {
	return map[string]func(t *testing.T) Store{
		"sqlite": func(t *testing.T) Store {
			s, err := Open(context.Background(), filepath.Join(t.TempDir(), "history.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": func(t *testing.T) Store {
			s, err := Open(context.Background(), pgtest.DSN(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"dir": func(t *testing.T) Store {
			s, err := Open(context.Background(), filepath.Join(t.TempDir(), "runs"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
}

func TestClassify(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "x.bin")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		spec string
		want Kind
	}{
		{"postgres://u@127.0.0.1/db", KindPostgres}, {"postgresql://u@h/db", KindPostgres},
		{"sqlite:runs", KindSQLite}, {"history.db", KindSQLite}, {"a/h.sqlite3", KindSQLite},
		{dir, KindDir}, {"history/", KindDir}, {"history", KindDir}, {file, KindSQLite},
	} {
		got, _, err := Classify(tc.spec)
		if err != nil || got != tc.want {
			t.Errorf("Classify(%q) = %s, %v; want %s", tc.spec, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "sqlite:"} {
		if _, _, err := Classify(bad); err == nil {
			t.Errorf("Classify(%q): no error", bad)
		}
	}
	if got := Describe("postgres://bob:secret@db.example/h?sslmode=require"); strings.Contains(got, "secret") {
		t.Errorf("Describe kept the password: %s", got)
	}
}

func TestStores(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t)
			// Recorded newest first: the store orders by generated_at.
			for _, run := range []string{"run2.json", "run1.json"} {
				if _, err := s.Record(ctx, loadRun(t, run), testWaivers); err != nil {
					t.Fatal(err)
				}
			}
			h, err := s.Load(ctx, Query{})
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Runs) != 2 || !h.Runs[0].GeneratedAt.Before(h.Runs[1].GeneratedAt) {
				t.Fatalf("runs %+v: want 2, oldest first", h.Runs)
			}
			if h.Previous == nil || h.Latest.GeneratedAt != time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC) {
				t.Fatalf("latest %v, previous %v", h.Latest.GeneratedAt, h.Previous)
			}
			want := report.SummarizeRun(h.Runs[1].ID, loadRun(t, "run2.json"))
			if got := h.Runs[1]; got.Sites != 4 || got.Sites != want.Sites || got.Ready != want.Ready || got.Summary.String() != want.Summary.String() {
				t.Errorf("latest trend entry %+v, want %+v", got, want)
			}
			if len(h.Latest.Snapshots) != 4 || len(h.Latest.Snapshots[3].Results) != 16 {
				t.Fatalf("latest run: %d snapshots", len(h.Latest.Snapshots))
			}
			lit := h.Latest.Snapshots[3]
			if lit.ID != "litware-lit-wsus2" || lit.Results[14].Waiver == nil || lit.Results[14].Waiver.ApprovedBy != "J. Doe (change board)" {
				t.Errorf("litware SUP-14: %+v", lit.Results[14])
			}
			if len(lit.Results[0].Remediation) == 0 && lit.Results[0].Status != results.Pass {
				t.Errorf("remediation lost")
			}
			wantWaivers := 2
			if name == "dir" {
				wantWaivers = 1 // from the results
			}
			if len(h.Waivers) != wantWaivers {
				t.Errorf("register %+v: want %d", h.Waivers, wantWaivers)
			}

			// --site ASH: the site appears in run 2 only.
			h, err = s.Load(ctx, Query{HistoryQuery: report.HistoryQuery{Site: "ash"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Latest.Snapshots) != 1 || h.Runs[0].Sites != 0 || h.Runs[1].Sites != 1 || h.Runs[1].Ready != 0 {
				t.Errorf("--site ash: runs %+v, latest %d snapshots", h.Runs, len(h.Latest.Snapshots))
			}
			// --step SUP-14: one result per site.
			h, err = s.Load(ctx, Query{HistoryQuery: report.HistoryQuery{Step: "sup-14"}})
			if err != nil {
				t.Fatal(err)
			}
			for _, snap := range h.Latest.Snapshots {
				if len(snap.Results) != 1 || snap.Results[0].Step != "SUP-14" {
					t.Errorf("--step SUP-14: %s has %d results", snap.ID, len(snap.Results))
				}
			}
			if r := h.Runs[1]; r.Sites != 4 || r.Ready != 4 {
				t.Errorf("--step SUP-14 trend %+v: want 4 sites, 4 ready (--fail-on fail: unknown does not fail)", r)
			}
			if name != "dir" && len(h.Waivers) != 1 {
				t.Errorf("--step SUP-14 register %+v", h.Waivers)
			}
			// --since after run 1.
			h, err = s.Load(ctx, Query{HistoryQuery: report.HistoryQuery{Since: time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)}})
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Runs) != 1 || h.Previous != nil {
				t.Errorf("--since: %d runs", len(h.Runs))
			}
			if _, err := s.Load(ctx, Query{HistoryQuery: report.HistoryQuery{Site: "nosuch"}}); err == nil || !strings.Contains(err.Error(), "nosuch") {
				t.Errorf("unknown site: err = %v", err)
			}
			h, err = s.Load(ctx, Query{MaxRuns: 1})
			if err != nil || len(h.Runs) != 1 || h.Latest.GeneratedAt.Month() != time.November {
				t.Errorf("MaxRuns 1: %v", err)
			}
		})
	}
}

// TestConcurrentRecord runs 10 runs in parallel, each through its own
// connection (as 10 processes would), and checks every one was kept whole.
func TestConcurrentRecord(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			spec := filepath.Join(t.TempDir(), "history.db")
			if engine == "postgres" {
				spec = pgtest.DSN(t)
			}
			base := loadRun(t, "run2.json")
			const n = 10
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// Each opens the store itself: the first ones race to
					// create the schema.
					s, err := Open(ctx, spec)
					if err != nil {
						errs[i] = fmt.Errorf("open: %w", err)
						return
					}
					defer s.Close()
					r := *base
					r.GeneratedAt = base.GeneratedAt.Add(time.Duration(i) * time.Hour)
					if i%2 == 0 {
						_, errs[i] = s.Record(ctx, &r, testWaivers)
						return
					}
					// The others stream, as check --history FILE.db does.
					_, errs[i] = stream(ctx, s.(*SQL), &r, testWaivers)
				}()
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			s, err := Open(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			db := s.(*SQL).DB()
			per := 0
			for _, snap := range base.Snapshots {
				per += len(snap.Results)
			}
			for _, c := range []struct {
				table string
				want  int
			}{{"runs", n}, {"snapshots", n * len(base.Snapshots)}, {"results", n * per}, {"waivers", n * len(testWaivers)}, {"schema_migrations", SchemaVersion()}} {
				var got int
				if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+c.table).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != c.want {
					t.Errorf("%s: %d rows, want %d", c.table, got, c.want)
				}
			}
			h, err := s.Load(ctx, Query{})
			if err != nil || len(h.Runs) != n {
				t.Fatalf("load: %v, %d runs", err, len(h.Runs))
			}
		})
	}
}

func TestMigrations(t *testing.T) {
	ms, err := Migrations()
	if err != nil || len(ms) == 0 || ms[0].Version != 1 {
		t.Fatalf("migrations %v, %v", ms, err)
	}
	for _, m := range ms {
		for _, st := range statements(m.SQL) {
			if strings.Contains(st, ";") {
				t.Errorf("migration %d: statement split wrongly: %q", m.Version, st)
			}
		}
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "h.db")
	s, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := OpenSQLite(ctx, path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("newer schema: err = %v, want a refusal", err)
	}
	// A file that is not a database is an error naming it.
	bad := filepath.Join(t.TempDir(), "notes.db")
	if err := os.WriteFile(bad, []byte(strings.Repeat("not a database\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenSQLite(ctx, bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("foreign file: err = %v", err)
	}
}

func TestDirSkipsBadFiles(t *testing.T) {
	ctx := context.Background()
	d := &Dir{Path: t.TempDir()}
	for _, run := range []string{"run1.json", "run2.json"} {
		if _, err := d.Record(ctx, loadRun(t, run), nil); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range map[string]string{"zz-foreign.json": `{"schema":"other"}`, "zz-truncated.json": `{"schema":"supaudit/report/v1","snap`} {
		if err := os.WriteFile(filepath.Join(d.Path, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := d.Load(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Runs) != 2 || len(h.Warnings) != 2 {
		t.Fatalf("%d runs, warnings %q: want 2 runs and 2 warnings", len(h.Runs), h.Warnings)
	}
	for i, name := range []string{"zz-foreign.json", "zz-truncated.json"} {
		if !strings.Contains(h.Warnings[i], name) {
			t.Errorf("warning %q does not name %s", h.Warnings[i], name)
		}
	}
}

// TestDirLimitsAgree: what Record writes, Load reads back; a run larger
// than the cap is refused when written, not when read.
func TestDirLimitsAgree(t *testing.T) {
	ctx := context.Background()
	run := loadRun(t, "run2.json")
	d := &Dir{Path: t.TempDir(), MaxFile: 200_000}
	big := *run
	for i := 0; i < 4; i++ {
		big.Snapshots = append(big.Snapshots, run.Snapshots...)
	}
	if _, err := d.Record(ctx, &big, nil); err == nil || !strings.Contains(err.Error(), "history.db") {
		t.Errorf("oversized run: err = %v, want a refusal suggesting a database", err)
	}
	if _, err := d.Record(ctx, run, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Load(ctx, Query{}); err != nil {
		t.Errorf("a run Record wrote cannot be read back: %v", err)
	}
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	d := &Dir{Path: t.TempDir()}
	for _, run := range []string{"run1.json", "run2.json"} {
		if _, err := d.Record(ctx, loadRun(t, run), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(d.Path, "bad.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := Import(ctx, d, db)
	if err != nil || res.Imported != 2 || res.Skipped != 1 || !strings.Contains(fmt.Sprint(res.Warnings), "bad.json") {
		t.Fatalf("import: %+v, %v", res, err)
	}
	res, err = Import(ctx, d, db)
	if err != nil || res.Imported != 0 || res.Present != 2 {
		t.Fatalf("second import: %+v, %v", res, err)
	}
	fromDir, err := d.Load(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	fromDB, err := db.Load(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range fromDir.Runs {
		a, b := fromDir.Runs[i], fromDB.Runs[i]
		if a.ID != b.ID || a.Sites != b.Sites || a.Ready != b.Ready || a.Summary.String() != b.Summary.String() {
			t.Errorf("run %d: dir %+v, db %+v", i, a, b)
		}
	}
}

// stream records r through a Recorder.
func stream(ctx context.Context, s *SQL, r *report.Report, ws []report.WaiverRecord) (string, error) {
	rec, err := s.Begin(ctx, r.GeneratedAt)
	if err != nil {
		return "", err
	}
	for _, snap := range r.Snapshots {
		if err := rec.Snapshot(snap); err != nil {
			return "", err
		}
	}
	var errs []report.InputError
	for _, e := range r.Errors {
		errs = append(errs, report.InputError{Message: e})
	}
	return rec.Finish(ctx, report.Header{Tool: r.Tool, GeneratedAt: r.GeneratedAt, FailOn: r.FailOn},
		report.Trailer{Errors: errs, Failed: r.Failed}, ws)
}

// TestRecorder: a streamed run reads back like one recorded whole, is
// invisible until Finish, and an abandoned one is deleted after StaleAfter.
func TestRecorder(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			spec := filepath.Join(t.TempDir(), "history.db")
			if engine == "postgres" {
				spec = pgtest.DSN(t)
			}
			st, err := Open(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			s := st.(*SQL)
			clock := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
			s.Now = func() time.Time { return clock }
			run := loadRun(t, "run2.json")
			for k, failOn := range []results.Status{results.Fail, results.Unknown} {
				r := *run
				r.FailOn = failOn
				r.GeneratedAt = run.GeneratedAt.AddDate(0, 0, k)
				if _, err := s.Record(ctx, &r, testWaivers); err != nil {
					t.Fatal(err)
				}
				whole, err := s.Load(ctx, Query{})
				if err != nil {
					t.Fatal(err)
				}
				// An abandoned run: begun, one snapshot, never finished.
				rec, err := s.Begin(ctx, r.GeneratedAt.Add(time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				if err := rec.Snapshot(r.Snapshots[0]); err != nil {
					t.Fatal(err)
				}
				r.GeneratedAt = r.GeneratedAt.Add(2 * time.Hour)
				if _, err := stream(ctx, s, &r, testWaivers); err != nil {
					t.Fatal(err)
				}
				h, err := s.Load(ctx, Query{})
				if err != nil {
					t.Fatal(err)
				}
				a, b := whole.Runs[len(whole.Runs)-1], h.Runs[len(h.Runs)-1]
				if b.Sites != a.Sites || b.Ready != a.Ready || b.Summary.String() != a.Summary.String() || b.FailOn != failOn {
					t.Errorf("--fail-on %s: streamed %+v, whole %+v", failOn, b, a)
				}
				if len(h.Runs) != len(whole.Runs)+1 {
					t.Errorf("--fail-on %s: %d runs, want %d (the abandoned run is not shown)", failOn, len(h.Runs), len(whole.Runs)+1)
				}
				if len(h.Waivers) != len(testWaivers) || len(h.Latest.Snapshots) != len(r.Snapshots) {
					t.Errorf("streamed run: %d waivers, %d snapshots", len(h.Waivers), len(h.Latest.Snapshots))
				}
				var snaps int
				if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM runs WHERE complete = 0").Scan(&snaps); err != nil || snaps == 0 {
					t.Fatalf("incomplete runs: %d, %v", snaps, err)
				}
				rec.Finish(ctx, report.Header{}, report.Trailer{}, nil) // let its writer end
				s.DB().ExecContext(ctx, "UPDATE runs SET complete = 0 WHERE id = ?", rec.(*sqlRecorder).id)
			}
			// A day later the next Begin deletes the abandoned runs.
			clock = clock.Add(StaleAfter + time.Minute)
			rec, err := s.Begin(ctx, clock)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM runs WHERE complete = 0").Scan(&n); err != nil || n != 1 {
				t.Errorf("after StaleAfter: %d incomplete runs (%v), want 1 (the new one)", n, err)
			}
			if _, err := rec.Finish(ctx, report.Header{FailOn: results.Fail}, report.Trailer{}, nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}

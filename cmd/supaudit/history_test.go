package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/supaudit/supaudit/internal/pgtest"
)

// historyDoc is the part of report --format json the tests read.
type historyDoc struct {
	Schema string `json:"schema"`
	Ready  int    `json:"ready"`
	Sites  int    `json:"sites"`
	Runs   []struct {
		Sites int `json:"sites"`
	} `json:"runs"`
	Trend   []struct{ Sites, Ready int } `json:"trend"`
	Changes []struct {
		Snapshot, Step, Before, After string
	} `json:"changes"`
	Register []struct {
		Step, State string
	} `json:"register"`
	SiteRows []struct {
		ID    string            `json:"id"`
		Steps map[string]string `json:"steps"`
	} `json:"site_rows"`
}

func reportJSON(t *testing.T, args ...string) historyDoc {
	t.Helper()
	code, out, errs := runCLI(t, append([]string{"report", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("report %v: exit %d: %s", args, code, errs)
	}
	var d historyDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("report %v: %v\n%s", args, err, out)
	}
	return d
}

// TestHistoryDatabase keeps two runs in SQLite and in PostgreSQL, with a
// waivers file, and reads them back through every query.
func TestHistoryDatabase(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			store := filepath.Join(t.TempDir(), "history.db")
			if engine == "postgres" {
				store = pgtest.DSN(t)
			}
			ws := writeFile(t, "waivers.yaml", `waivers:
  - {step: SUP-06, subject: SMS01.corp.litwareinc.com, reason: upgrade planned, approved_by: CAB, expires: 2026-12-10}
  - {step: SUP-14, subject: site LIT, reason: old, approved_by: CAB, expires: 2026-10-01}
`)
			first := time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC)
			if code, _, errs := runCLIAt(t, first, "check", "../../fixtures/snapshots/wsus-2-on-sup.json", compliant, "--format", "json", "--history", store); code != 1 {
				t.Fatalf("first run: exit %d: %s", code, errs)
			}
			code, _, errs := runCLI(t, "check", "../../fixtures/snapshots/**/*.json", "--format", "json", "--history", store, "--waivers", ws)
			if code != 1 || !strings.Contains(errs, "kept this run in") || strings.Contains(errs, "password") {
				t.Fatalf("second run: exit %d: %s", code, errs)
			}
			d := reportJSON(t, "--history", store)
			if d.Schema != "supaudit/history/v1" || len(d.Runs) != 2 || d.Runs[0].Sites != 2 || d.Sites < 10 || len(d.Trend) != 2 {
				t.Fatalf("report: %+v", d)
			}
			states := map[string]string{}
			for _, w := range d.Register {
				states[w.Step] = w.State
			}
			if states["SUP-06"] != "expiring" || states["SUP-14"] != "expired" {
				t.Errorf("register %+v: want SUP-06 expiring (15 days), SUP-14 expired", d.Register)
			}
			var litChange bool
			for _, c := range d.Changes {
				if strings.HasPrefix(c.Snapshot, "litware") && c.Step == "SUP-06" && c.Before == "fail" && c.After == "waived" {
					litChange = true
				}
			}
			if !litChange {
				t.Errorf("changes lack litware SUP-06 fail -> waived: %+v", d.Changes)
			}
			// --since 30d leaves the second run only; --site and --step narrow.
			if d := reportJSON(t, "--history", store, "--since", "30d"); len(d.Runs) != 1 {
				t.Errorf("--since 30d: %d runs", len(d.Runs))
			}
			d = reportJSON(t, "--history", store, "--site", "LIT", "--step", "SUP-06")
			if len(d.SiteRows) != 1 || len(d.SiteRows[0].Steps) != 1 || d.SiteRows[0].Steps["SUP-06"] != "waived" || d.Trend[0].Sites != 1 {
				t.Errorf("--site LIT --step SUP-06: %+v", d)
			}
			code, md, errs := runCLI(t, "report", "--history", store, "--format", "markdown", "--since", "2026-01-01")
			if code != 0 || !strings.Contains(md, "sites ready to deploy software updates") || !strings.Contains(md, "| SUP-14 |") {
				t.Errorf("markdown: exit %d %s", code, errs)
			}
			out := filepath.Join(t.TempDir(), "compliance.html")
			if code, _, errs := runCLI(t, "report", "--history", store, "-o", out); code != 0 {
				t.Fatalf("html: exit %d %s", code, errs)
			}
			if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), `<table id="matrix">`) {
				t.Errorf("html report: %v", err)
			}
		})
	}
}

func TestReportFlags(t *testing.T) {
	store := filepath.Join(t.TempDir(), "history.db")
	if code, _, errs := runCLI(t, "check", compliant, "--history", store); code != 0 {
		t.Fatalf("check: exit %d %s", code, errs)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--since", "soon"}, "invalid --since"},
		{[]string{"--since", "-3d"}, "invalid --since"},
		{[]string{"--site", "NOPE"}, `no site "NOPE"`},
		{[]string{"--since", "2099-01-01"}, "no runs since 2099-01-01"},
		{[]string{"--format", "pdf"}, "unknown format"},
		{[]string{"--max-runs", "0"}, "--max-runs"},
	} {
		code, _, errs := runCLI(t, append([]string{"report", "--history", store}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("report %v: exit %d, %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	if code, _, errs := runCLI(t, "report", "--history", missing); code != 2 || !strings.Contains(errs, "no such file") {
		t.Errorf("report on a missing database: exit %d %s", code, errs)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("report created the database it was to read")
	}
}

// TestHistoryImport moves a folder of JSON runs (with a bad file, skipped
// with a warning naming it) into SQLite; importing again adds nothing.
func TestHistoryImport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "runs")
	for i, at := range []time.Time{time.Date(2026, 10, 1, 6, 0, 0, 0, time.UTC), testNow} {
		if code, _, errs := runCLIAt(t, at, "check", "../../fixtures/snapshots/**/*.json", "--format", "json", "--history", dir); code != 1 {
			t.Fatalf("run %d: exit %d %s", i, code, errs)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "truncated.json"), []byte(`{"schema":"supaudit/report/v1","snap`), 0o644); err != nil {
		t.Fatal(err)
	}
	// The folder still reads, with a warning naming the bad file.
	code, _, errs := runCLI(t, "report", "--history", dir, "--format", "markdown")
	if code != 0 || !strings.Contains(errs, "truncated.json") {
		t.Errorf("report on a folder with a bad file: exit %d %s", code, errs)
	}
	db := filepath.Join(t.TempDir(), "history.db")
	code, _, errs = runCLI(t, "history", "import", dir, "--history", db)
	if code != 0 || !strings.Contains(errs, "imported 2 run(s)") || !strings.Contains(errs, "truncated.json") {
		t.Fatalf("import: exit %d %s", code, errs)
	}
	code, _, errs = runCLI(t, "history", "import", dir, "--history", db)
	if code != 0 || !strings.Contains(errs, "imported 0 run(s)") || !strings.Contains(errs, "2 already there") {
		t.Errorf("second import: exit %d %s", code, errs)
	}
	a, b := reportJSON(t, "--history", dir), reportJSON(t, "--history", db)
	if len(a.Runs) != 2 || len(b.Runs) != 2 || a.Ready != b.Ready || a.Sites != b.Sites {
		t.Errorf("folder and database disagree: %d/%d runs, %d/%d ready", len(a.Runs), len(b.Runs), a.Ready, b.Ready)
	}
	if code, _, errs := runCLI(t, "history", "import", dir, "--history", t.TempDir()); code != 2 || !strings.Contains(errs, "directory") {
		t.Errorf("import into a folder: exit %d %s", code, errs)
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/supaudit/supaudit/report"
)

const wsus2 = "../../fixtures/snapshots/wsus-2-on-sup.json"

func TestCheckFormats(t *testing.T) {
	for _, tc := range []struct {
		format string
		want   []string
	}{
		{"junit", []string{`<testsuite name="litware-lit-wsus2"`, `<failure message="SMS01.corp.litwareinc.com has WSUS 2.0`, `<skipped message="not_applicable:`}},
		{"sarif", []string{`"version": "2.1.0"`, `"ruleId": "SUP-06"`, `"uri": "../../fixtures/snapshots/wsus-2-on-sup.json"`}},
		{"markdown", []string{"## supaudit: FAILED", "| SUP-06 | fail |", "\n\n<details>"}},
		{"html", []string{"<!DOCTYPE html>", `<svg id="trend-chart"`}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			code, out, errs := runCLI(t, "check", wsus2, "--format", tc.format)
			if code != 1 {
				t.Fatalf("exit %d, want 1 (findings): %s", code, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
		})
	}
	code, _, errs := runCLI(t, "check", wsus2, "--format", "xml")
	if code != 2 || !strings.Contains(errs, "junit, sarif, markdown") {
		t.Errorf("unknown format: exit %d %s", code, errs)
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckWaivers(t *testing.T) {
	// The test clock is 2026-11-25.
	all := writeFile(t, "waivers.yaml", `waivers:
  - {step: SUP-06, subject: SMS01.corp.litwareinc.com, reason: upgrade planned, approved_by: CAB, expires: 2026-12-31}
  - {step: SUP-14, subject: site LIT, reason: sync follows the upgrade, approved_by: CAB, expires: 2026-11-25}
`)
	code, out, errs := runCLI(t, "check", wsus2, "--no-color", "--waivers", all)
	if code != 0 {
		t.Fatalf("every failure waived: exit %d, want 0: %s", code, errs)
	}
	if !strings.Contains(out, "2 waived") || !strings.Contains(out, "WAIVED") || !strings.Contains(out, "by CAB: upgrade planned") {
		t.Errorf("waived results not reported with their reason:\n%s", out)
	}
	expired := writeFile(t, "expired.yaml", `waivers:
  - {step: SUP-06, subject: SMS01.corp.litwareinc.com, reason: upgrade planned, approved_by: CAB, expires: 2026-11-24}
  - {step: SUP-99, subject: nowhere, reason: typo, approved_by: CAB, expires: 2027-01-01}
`)
	code, out, errs = runCLI(t, "check", wsus2, "--format", "json", "--waivers", expired)
	if code != 1 {
		t.Fatalf("expired waiver: exit %d, want 1", code)
	}
	if !strings.Contains(out, "expired on 2026-11-24") || !strings.Contains(errs, "waivers[1] (SUP-99 for nowhere) names no result") {
		t.Errorf("expired or unused waiver not reported:\nstderr: %s", errs)
	}
	bad := writeFile(t, "bad.yaml", "waivers:\n- {step: SUP-06}\n")
	if code, _, errs := runCLI(t, "check", wsus2, "--waivers", bad); code != 2 || !strings.Contains(errs, "waivers[0].subject: required") {
		t.Errorf("bad waivers: exit %d %s", code, errs)
	}
}

func TestHistoryAndReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "history")
	if code, _, errs := runCLI(t, "check", "../../fixtures/snapshots/**/*.json", "--format", "json", "--history", dir); code != 1 {
		t.Fatalf("check --history: exit %d: %s", code, errs)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 || !strings.HasPrefix(filepath.Base(files[0]), "20261125T120000.000Z-") {
		t.Fatalf("history files %v, want one named by the run's UTC time", files)
	}
	out := filepath.Join(t.TempDir(), "compliance.html")
	code, _, errs := runCLI(t, "report", "--history", dir, "--format", "html", "--output", out)
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), `<svg id="trend-chart"`) || strings.Contains(string(b), "http://") && strings.Contains(string(b), "<link") {
		t.Fatalf("html report: %v", err)
	}
	code, md, _ := runCLI(t, "report", "--history", dir, "--format", "markdown")
	if code != 0 || !strings.Contains(md, "## Remediation by step") {
		t.Errorf("markdown report: exit %d", code)
	}
	if code, _, errs := runCLI(t, "report", "--history", t.TempDir()); code != 2 || !strings.Contains(errs, "no *.json run files") {
		t.Errorf("empty history: exit %d %s", code, errs)
	}
}

func TestDiff(t *testing.T) {
	worse := mutate(t, func(m map[string]any) {
		for _, s := range m["servers"].([]any) {
			srv := s.(map[string]any)
			if w, ok := srv["wsus"].(map[string]any); ok {
				if v, ok := w["version"].(map[string]any); ok {
					v["value"] = "2.0.0.2620"
				}
			}
		}
	})
	code, out, errs := runCLI(t, "diff", compliant, worse)
	if code != 1 {
		t.Fatalf("diff to a worse snapshot: exit %d, want 1: %s\n%s", code, errs, out)
	}
	if !strings.Contains(out, "wsus.version") || !strings.Contains(out, "(worse)") || !strings.Contains(out, "bundle ") {
		t.Errorf("diff output lacks the fact, its provenance or the worse verdict:\n%s", out)
	}
	code, out, _ = runCLI(t, "diff", worse, compliant, "--format", "json")
	var d report.Diff
	if err := json.Unmarshal([]byte(out), &d); err != nil || code != 0 || d.Worse || d.Kind != "snapshots" || len(d.Facts) == 0 {
		t.Errorf("diff back to compliant: exit %d, %v, %+v", code, err, d)
	}
	r1 := "../../report/testdata/history/run1.json"
	r2 := "../../report/testdata/history/run2.json"
	if code, out, _ := runCLI(t, "diff", r1, r2); code != 1 || !strings.Contains(out, "reports:") {
		t.Errorf("diff of two runs with new failures: exit %d\n%s", code, out)
	}
	if code, _, errs := runCLI(t, "diff", compliant, r1); code != 2 || !strings.Contains(errs, "two snapshots") {
		t.Errorf("mixed inputs: exit %d %s", code, errs)
	}
}

func TestGoldenDiffRuns(t *testing.T) {
	code, out, errs := runCLI(t, "diff", "../../report/testdata/history/run1.json", "../../report/testdata/history/run2.json", "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs)
	}
	golden(t, "diff-runs.json", out)
	code, out, errs = runCLI(t, "diff", "../../fixtures/snapshots/stale-synchronization.json", "../../fixtures/snapshots/never-synchronized.json")
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs)
	}
	golden(t, "diff-snapshots.txt", out)
}

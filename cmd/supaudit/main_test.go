package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/supaudit/supaudit/internal/clock"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const compliant = "../../fixtures/snapshots/native-remote-and-internet-sup.json"

// testNow is the clock of every in-process run: the golden files, the
// waivers and the live collections (WinRM, probe) are judged as of it.
var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// runCLI runs supaudit in-process at testNow and returns exit code,
// stdout, stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLIAt(t, testNow, args...)
}

// runCLIAt runs supaudit in-process with its clock pinned to at.
func runCLIAt(t *testing.T, at time.Time, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb, clock.Fixed(at))
	return code, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/supaudit -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// mutate writes a copy of the compliant fixture changed by fn.
func mutate(t *testing.T, fn func(m map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(compliant)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	out, _ := json.Marshal(m)
	p := filepath.Join(t.TempDir(), "mutated.json")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func server(m map[string]any, i int) map[string]any {
	return m["servers"].([]any)[i].(map[string]any)
}

func TestGoldenTable(t *testing.T) {
	code, out, errs := runCLI(t, "check", "--no-color", compliant)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "check-compliant.txt", out)
}

func TestGoldenJSON(t *testing.T) {
	code, out, errs := runCLI(t, "check", "--format", "json", compliant)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "check-compliant.json", out)
}

func TestGoldenFailingTable(t *testing.T) {
	p := filepath.Join("testdata", "failing.json")
	code, out, _ := runCLI(t, "check", "--no-color", p)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	golden(t, "check-failing.txt", strings.ReplaceAll(out, filepath.ToSlash(p), "FILE"))
}

func TestExitCodes(t *testing.T) {
	stale := mutate(t, func(m map[string]any) {
		s := m["sync"].(map[string]any)
		s["last_success"].(map[string]any)["value"] = "2026-10-01T00:00:00Z"
	})
	wsus2 := mutate(t, func(m map[string]any) {
		w := server(m, 1)["wsus"].(map[string]any)
		w["version"].(map[string]any)["value"] = "2.0.0.2620"
	})
	noAnswers := mutate(t, func(m map[string]any) { delete(m, "answers") })
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"compliant", []string{"check", compliant}, 0},
		{"warn below default threshold", []string{"check", stale}, 0},
		{"warn at --fail-on warn", []string{"check", "--fail-on", "warn", stale}, 1},
		{"fail", []string{"check", wsus2}, 1},
		{"manual passes by default", []string{"check", noAnswers}, 0},
		{"manual at --fail-on manual", []string{"check", "--fail-on", "manual", noAnswers}, 1},
		{"bad --fail-on", []string{"check", "--fail-on", "sometimes", compliant}, 2},
		{"bad --format", []string{"check", "--format", "xml", compliant}, 2},
		{"unknown flag", []string{"check", "--frobnicate", compliant}, 2},
		{"no args", []string{"check"}, 2},
		{"missing file", []string{"check", "nope.json"}, 2},
		{"glob without match", []string{"check", "nothing/**/*.json"}, 2},
		{"glob", []string{"check", "../../fixtures/**/native-remote-and-*.json"}, 0},
		{"directory", []string{"check", "--fail-on", "fail", "testdata/golden"}, 2},
		{"bad as-of", []string{"check", "--as-of", "tomorrow", compliant}, 2},
		{"as-of moves time", []string{"check", "--as-of", "2029-01-01T00:00:00Z", compliant}, 1},
		{"unknown command", []string{"frobnicate"}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runCLI(t, tc.args...)
			if code != tc.want {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.want, errs)
			}
		})
	}
}

func TestBadSnapshots(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "huge.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	tests := []struct{ file, want string }{
		{"testdata/bad/truncated.json", "testdata/bad/truncated.json:3:"},
		{"testdata/bad/v2.json", `unsupported snapshot schema "supaudit/facts/v2"`},
		{"testdata/bad/wrong-type.json", "testdata/bad/wrong-type.json: /servers:"},
		{big, "larger than the 67108864 byte limit"},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			code, _, errs := runCLI(t, "check", tc.file)
			if code != 2 {
				t.Fatalf("exit %d, want 2", code)
			}
			lines := strings.Split(strings.TrimSpace(errs), "\n")
			if len(lines) != 1 {
				t.Fatalf("want one error line, got %q", errs)
			}
			if !strings.Contains(lines[0], tc.want) {
				t.Fatalf("error %q does not contain %q", lines[0], tc.want)
			}
		})
	}
	// The good snapshot is still judged and reported beside a bad one.
	code, out, _ := runCLI(t, "check", "--format", "json", compliant, "testdata/bad/v2.json")
	if code != 2 || !strings.Contains(out, `"id": "contoso-abc-native"`) {
		t.Fatalf("exit %d; good snapshot missing from report", code)
	}
}

func TestOutputAtomic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.json")
	code, _, errs := runCLI(t, "check", "--format", "json", "--output", out, compliant)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep map[string]any
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &rep); err != nil || rep["schema"] != "supaudit/report/v1" {
		t.Fatalf("bad report: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
	code, _, _ = runCLI(t, "check", "--output", filepath.Join(dir, "missing", "r.txt"), compliant)
	if code != 2 {
		t.Fatalf("unwritable output: exit %d, want 2", code)
	}
}

func TestDataOverrides(t *testing.T) {
	dir := t.TempDir()
	stale := mutate(t, func(m map[string]any) {
		m["sync"].(map[string]any)["last_success"].(map[string]any)["value"] = "2026-11-01T00:00:00Z"
	})
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if code, _, _ := runCLI(t, "check", "--fail-on", "warn", stale); code != 1 {
		t.Fatalf("stale sync should warn with default max age")
	}
	ok := write("ok.yaml", "sync:\n  max_age_days: 30\n")
	if code, _, errs := runCLI(t, "check", "--fail-on", "warn", "--data", ok, stale); code != 0 {
		t.Fatalf("--data max_age_days 30: exit %d %s", code, errs)
	}
	for body, want := range map[string]string{
		"sync:\n  max_age_day: 30\n":    "params.sync.max_age_day: unknown parameter",
		"sync:\n  max_age_days: soon\n": "params.sync.max_age_days: expected a number, got a string",
		"- 1\n":                         "expected a mapping",
	} {
		p := write("bad.yaml", body)
		code, _, errs := runCLI(t, "check", "--data", p, compliant)
		if code != 2 || !strings.Contains(errs, want) {
			t.Errorf("%q: exit %d, stderr %q, want %q", body, code, errs, want)
		}
	}
}

func TestUserPolicy(t *testing.T) {
	code, out, errs := runCLI(t, "check", "--format", "json", "--policy", "../../docs/examples/policies", compliant)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"step": "ORG-01"`) {
		t.Fatal("user policy result missing")
	}
	code, out, _ = runCLI(t, "checklist", "--policy", "../../docs/examples/policies")
	if code != 0 || !strings.Contains(out, "ORG-01") {
		t.Fatalf("checklist without ORG-01: %d", code)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broken.rego"), []byte("package supaudit.checks.broken\n\nresults contains r if {\n\tr := \n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, "check", "--policy", dir, compliant)
	if code != 2 || !strings.Contains(errs, "broken.rego:") {
		t.Fatalf("broken policy: exit %d, stderr %q", code, errs)
	}
}

func TestAnswers(t *testing.T) {
	noAnswers := mutate(t, func(m map[string]any) { delete(m, "answers") })
	dir := t.TempDir()
	good := filepath.Join(dir, "answers.yaml")
	os.WriteFile(good, []byte("answers:\n  - {step: SUP-01, by: A. Auditor, at: 2026-11-20}\n  - {step: SUP-02, by: A. Auditor, at: 2026-11-20}\n  - {step: SUP-03, by: A. Auditor, at: 2026-11-20, note: plan v2}\n"), 0o644)
	code, _, errs := runCLI(t, "check", "--fail-on", "manual", "--answers", good, noAnswers)
	if code != 0 {
		t.Fatalf("attested: exit %d %s", code, errs)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("answers:\n  - {step: SUP-06, by: A. Auditor, at: 2026-11-20}\n"), 0o644)
	code, _, errs = runCLI(t, "check", "--answers", bad, noAnswers)
	if code != 2 || !strings.Contains(errs, "SUP-06") || !strings.Contains(errs, "cannot be attested") {
		t.Fatalf("non-manual attestation: exit %d %q", code, errs)
	}
}

func TestVerifyFixtures(t *testing.T) {
	code, out, errs := runCLI(t, "verify", "../../fixtures")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, " 0 failed") {
		t.Fatalf("unexpected output: %s", out)
	}
}

func TestVerifyMismatch(t *testing.T) {
	dir := t.TempDir()
	b, _ := os.ReadFile(compliant)
	os.WriteFile(filepath.Join(dir, "s.json"), b, 0o644)
	os.WriteFile(filepath.Join(dir, "s.expected.yaml"), []byte("results:\n  - {step: SUP-01, status: fail, subject: \"site ABC\"}\n"), 0o644)
	code, out, _ := runCLI(t, "verify", dir)
	if code != 1 || !strings.Contains(out, "- expected SUP-01 fail site ABC") || !strings.Contains(out, "+ got      SUP-01 pass site ABC") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestChecklistAndVersion(t *testing.T) {
	code, out, _ := runCLI(t, "checklist", "--format", "json")
	if code != 0 {
		t.Fatal(code)
	}
	var steps []map[string]any
	if err := json.Unmarshal([]byte(out), &steps); err != nil {
		t.Fatal(err)
	}
	if len(steps) != 14 {
		t.Fatalf("%d steps, want 14", len(steps))
	}
	for i, s := range steps {
		if s["id"] != "SUP-"+twoDigits(i+1) || s["title"] == "" || s["more_information"] == "" {
			t.Errorf("step %d: %v", i, s)
		}
	}
	code, out, _ = runCLI(t, "version")
	if code != 0 || !strings.Contains(out, "supaudit/facts/v1") {
		t.Fatalf("version: %d %q", code, out)
	}
}

func twoDigits(n int) string {
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

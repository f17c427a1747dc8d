package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/supaudit/supaudit/facts"
)

const (
	compliantBundle = "../../fixtures/bundles/compliant"
	failingBundle   = "../../fixtures/bundles/failing"
)

// stepStatuses runs scan --format json and returns the exit code and the
// sorted, de-duplicated "STEP status" pairs.
func stepStatuses(t *testing.T, bundle string, extra ...string) (int, []string) {
	t.Helper()
	code, steps := statusesAt(t, testNow, append([]string{"scan", "--bundle", bundle}, extra...)...)
	var pairs []string
	for step, statuses := range steps {
		for _, st := range strings.Split(statuses, ",") {
			pairs = append(pairs, step+" "+st)
		}
	}
	sort.Strings(pairs)
	return code, pairs
}

// TestScanCompliantBundle: every automatable step (SUP-04 ... SUP-14)
// passes; the manual steps are reported manual.
func TestScanCompliantBundle(t *testing.T) {
	code, got := stepStatuses(t, compliantBundle)
	want := []string{
		"SUP-01 manual", "SUP-02 manual", "SUP-03 manual",
		"SUP-04 pass", "SUP-05 pass", "SUP-06 pass", "SUP-07 pass", "SUP-08 pass", "SUP-09 pass",
		"SUP-10 pass", "SUP-11 pass", "SUP-12 pass", "SUP-13 pass", "SUP-14 pass",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(step, status) mismatch (-want +got):\n%s", diff)
	}
	if code != exitOK {
		t.Errorf("exit code = %d, want 0", code)
	}
}

// TestScanFailingBundle: the failing bundle fails exactly its intended
// steps: WSUS 3.0 RTM on an SP1 site (SUP-06), the SUP role's ports do not
// match the WSUS web site (SUP-08), never synchronized (SUP-14).
func TestScanFailingBundle(t *testing.T) {
	code, got := stepStatuses(t, failingBundle)
	want := []string{
		"SUP-01 manual", "SUP-02 manual", "SUP-03 manual",
		"SUP-04 pass", "SUP-05 not_applicable", "SUP-06 fail", "SUP-07 pass", "SUP-08 fail",
		"SUP-09 not_applicable", "SUP-10 not_applicable", "SUP-11 not_applicable", "SUP-12 not_applicable",
		"SUP-13 not_applicable", "SUP-14 fail",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(step, status) mismatch (-want +got):\n%s", diff)
	}
	if code != exitFindings {
		t.Errorf("exit code = %d, want 1", code)
	}
}

func TestCollectCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "site.json")
	code, _, errOut := runCLI(t, "collect", "--bundle", compliantBundle, "--output", out)
	if code != exitOK {
		t.Fatalf("collect exit %d: %s", code, errOut)
	}
	doc, err := facts.LoadFile(out, facts.Options{})
	if err != nil {
		t.Fatalf("written snapshot does not load: %v", err)
	}
	if doc.Snapshot.ID != "abc-bundle" || len(doc.Snapshot.Servers) != 3 {
		t.Errorf("snapshot id %q with %d servers", doc.Snapshot.ID, len(doc.Snapshot.Servers))
	}
	// The written snapshot judges like scan does.
	code, _, _ = runCLI(t, "check", out)
	if code != exitOK {
		t.Errorf("check of the collected snapshot exit %d, want 0", code)
	}
	// To standard output.
	code, stdout, _ := runCLI(t, "collect", "--bundle", compliantBundle)
	if code != exitOK || !strings.Contains(stdout, `"schema": "supaudit/facts/v1"`) {
		t.Errorf("collect to stdout: exit %d, %.200s", code, stdout)
	}
}

func TestCollectScanErrors(t *testing.T) {
	for _, args := range [][]string{
		{"collect"},
		{"collect", "--bundle", filepath.Join(t.TempDir(), "missing")},
		{"collect", "--bundle", t.TempDir()},
		{"scan", "--bundle", compliantBundle, "--format", "nope"},
		{"scan", "--bundle", compliantBundle, "--fail-on", "nope"},
		{"scan"},
	} {
		if code, _, _ := runCLI(t, args...); code != exitError {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// TestScanPartialBundle: a server whose evidence is unusable is reported on
// standard error and the other servers are still judged.
func TestScanPartialBundle(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "b"), os.DirFS(failingBundle)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b", "BROKEN.zip"), []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "site.json")
	code, _, errOut := runCLI(t, "scan", "--bundle", filepath.Join(dir, "b"), "--snapshot", snap, "--format", "json")
	if code != exitFindings || !strings.Contains(errOut, "BROKEN.zip") {
		t.Errorf("exit %d, stderr %q; want 1 and an error naming BROKEN.zip", code, errOut)
	}
	doc, err := facts.LoadFile(snap, facts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := doc.Snapshot.Collectors; len(c) != 1 || c[0].Complete || len(c[0].Errors) != 1 {
		t.Errorf("collectors = %+v, want one incomplete run with one error", c)
	}
}

// TestSitectrlNames: --sitectrl-names overrides where the SUP-03 settings
// are read; a misspelt key is a usage error naming the file.
func TestSitectrlNames(t *testing.T) {
	dir := t.TempDir()
	names := filepath.Join(dir, "names.yaml")
	if err := os.WriteFile(names, []byte("sup_settings:\n  languages_property: DefaultWSUS\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "site.json")
	code, _, errOut := runCLI(t, "collect", "--bundle", "../../fixtures/bundles/cases/sup-settings-empty", "--sitectrl-names", names, "--output", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// DefaultWSUS names the SUP, read here as the language list.
	if !strings.Contains(string(data), `"languages": {
      "value": [
        "SCCM01.corp.contoso.com"
      ]`) {
		t.Errorf("the override was not applied:\n%s", data)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("sup_setings: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "collect", "--bundle", "../../fixtures/bundles/cases/sup-settings-empty", "--sitectrl-names", bad)
	if code != 2 || !strings.Contains(errOut, bad) || !strings.Contains(errOut, `unknown field "sup_setings"`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

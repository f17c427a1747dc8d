package main

import (
	"encoding/json"
	"encoding/xml"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportFlag: one run writes several reports, the files all at once.
func TestReportFlag(t *testing.T) {
	dir := t.TempDir()
	js, sarif, junit := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.sarif"), filepath.Join(dir, "r.xml")
	code, out, errs := runCLI(t, "check", wsus2, "--report", "table", "--report", "json="+js,
		"--report", "SARIF="+sarif, "--report", "junit="+junit, "--no-color")
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs)
	}
	if !strings.Contains(out, "Snapshot litware-lit-wsus2") {
		t.Errorf("no table on stdout:\n%s", out)
	}
	var rep struct {
		Failed bool `json:"failed"`
	}
	b, err := os.ReadFile(js)
	if err != nil || json.Unmarshal(b, &rep) != nil || !rep.Failed {
		t.Errorf("JSON report: %v %s", err, b)
	}
	if b, err := os.ReadFile(sarif); err != nil || !strings.Contains(string(b), `"version": "2.1.0"`) {
		t.Errorf("SARIF report: %v", err)
	}
	if b, err := os.ReadFile(junit); err != nil || xml.Unmarshal(b, new(struct{})) != nil {
		t.Errorf("JUnit report: %v", err)
	}
	for _, p := range []string{js, sarif, junit} {
		if !strings.Contains(errs, "wrote "+p) {
			t.Errorf("stderr does not say it wrote %s:\n%s", p, errs)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 3 {
		t.Errorf("%d files in the output folder, want 3 (no temporary files)", len(ents))
	}
	// The shorthand still works, any case.
	code, out, _ = runCLI(t, "check", wsus2, "--format", "JSON", "--fail-on", "FAIL")
	if code != 1 || !json.Valid([]byte(out)) {
		t.Errorf("--format JSON: exit %d, valid JSON %v", code, json.Valid([]byte(out)))
	}
}

// TestReportDestinationsRefused: bad destinations are refused before any
// judging, naming the path given, and nothing is written.
func TestReportDestinationsRefused(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "site.json")
	data, err := os.ReadFile(wsus2)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(input, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ok := filepath.Join(dir, "ok.sarif")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--output", dir}, dir + ": is a directory"},
		{[]string{"--report", "json=" + filepath.Join(dir, "nope", "r.json")}, "does not exist"},
		{[]string{"--output", input, "--format", "json"}, "over an input"},
		{[]string{"--report", "sarif=" + ok, "--report", "json=" + input}, "over an input"},
		{[]string{"--report", "json", "--report", "table"}, "at most one report can go to standard output"},
		{[]string{"--report", "sarif=" + ok, "--report", "junit=" + ok}, "write the same file"},
		{[]string{"--report", "xml=" + ok}, "unknown format"},
	} {
		code, out, errs := runCLI(t, append([]string{"check", input}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
		if out != "" || strings.Contains(errs, "wrote") {
			t.Errorf("%v: something was judged or written: %q %q", tc.args, out, errs)
		}
	}
	if b, _ := os.ReadFile(input); string(b) != string(data) {
		t.Error("the input snapshot was changed")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("%d entries in the folder, want only the input", len(ents))
	}
}

// TestStderrEscaped: a file name with control characters reaches standard
// error escaped.
func TestStderrEscaped(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "x\x1b[2Jy\r.json")
	if err := os.WriteFile(bad, []byte(`{"schema":`), 0o644); err != nil {
		t.Skip("the file system refuses the name:", err)
	}
	code, out, errs := runCLI(t, "check", bad)
	if code != 2 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, s := range []string{out, errs} {
		if strings.ContainsAny(s, "\x1b\r") {
			t.Errorf("raw control character in the output: %q", s)
		}
	}
	if !strings.Contains(errs, `x\x1b[2Jy\r.json`) {
		t.Errorf("stderr does not name the file escaped: %q", errs)
	}
}

// TestTableWidthAndQuiet: the table fits $COLUMNS when the output is not
// a terminal, and --quiet keeps only the rows that do not pass.
func TestTableWidthAndQuiet(t *testing.T) {
	t.Setenv("COLUMNS", "80")
	_, out, _ := runCLI(t, "check", "../../fixtures/snapshots/", "--no-color")
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "│") || strings.HasPrefix(line, "┌") {
			if n := len([]rune(line)); n > 80 {
				t.Fatalf("a %d-column table line at COLUMNS=80: %s", n, line)
			}
		}
	}
	_, quiet, _ := runCLI(t, "check", "../../fixtures/snapshots/", "--no-color", "--quiet")
	if strings.Contains(quiet, "│ PASS ") || !strings.Contains(quiet, "│ FAIL ") || !strings.Contains(quiet, "snapshot(s):") {
		t.Error("--quiet: passing rows shown, or failing rows or the summary missing")
	}
	if len(quiet) >= len(out) {
		t.Errorf("--quiet output (%d bytes) is not shorter than the full table (%d)", len(quiet), len(out))
	}
}

// TestScanSARIFPointsAtEvidence: scan results point at existing evidence
// files (a line in them), for a bundle read and for the bundle a WinRM
// collection saved; never at a folder.
func TestScanSARIFPointsAtEvidence(t *testing.T) {
	t.Setenv(envWinRMUser, winrmUser)
	t.Setenv(envWinRMPassword, winrmPassword)
	dir := t.TempDir()
	saved := filepath.Join(dir, "saved")
	for name, args := range map[string][]string{
		"bundle": {"scan", "--bundle", failingBundle},
		"winrm":  append([]string{"scan", "--save-bundle", saved}, winrmHosts(t, failingBundle)...),
	} {
		out := filepath.Join(dir, name+".sarif")
		code, _, errs := runCLI(t, append(args, "--report", "sarif="+out, "--quiet")...)
		if code != 1 {
			t.Fatalf("%s: exit %d, want 1: %s", name, code, errs)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					RuleID    string `json:"ruleId"`
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct {
								URI string `json:"uri"`
							} `json:"artifactLocation"`
							Region struct {
								StartLine int `json:"startLine"`
							} `json:"region"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(b, &log); err != nil {
			t.Fatal(err)
		}
		if len(log.Runs[0].Results) == 0 {
			t.Fatalf("%s: no results", name)
		}
		for _, r := range log.Runs[0].Results {
			loc := r.Locations[0].PhysicalLocation
			u, err := url.Parse(loc.ArtifactLocation.URI)
			if err != nil {
				t.Fatal(err)
			}
			p := u.Path // a relative reference, or file:///abs (file:///C:/abs on Windows)
			if len(p) > 2 && p[0] == '/' && p[2] == ':' {
				p = p[1:]
			}
			st, err := os.Stat(filepath.FromSlash(p))
			if err != nil || !st.Mode().IsRegular() || loc.Region.StartLine < 1 {
				t.Errorf("%s: %s points at %s line %d (%v): want an evidence file", name, r.RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine, err)
			}
		}
	}
}

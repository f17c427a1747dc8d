package report

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/results"
)

func renderWith(t *testing.T, w Writer, r *Report, steps []Step) {
	t.Helper()
	if err := Render(context.Background(), w, r, steps); err != nil {
		t.Fatal(err)
	}
}

func sarifOf(t *testing.T, r *Report, steps []Step, root string) sarifLog {
	t.Helper()
	var buf bytes.Buffer
	renderWith(t, Buffered(&SARIF{W: &buf, SourceRoot: root}), r, steps)
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	return log
}

// TestSARIFRulesFromChecklist: every step is a rule, in checklist order,
// whatever the run found, described by the checklist.
func TestSARIFRulesFromChecklist(t *testing.T) {
	steps := checklist(t)
	if len(steps) != 14 {
		t.Fatalf("%d steps in the checklist, want 14", len(steps))
	}
	one := &Report{FailOn: results.Fail, Snapshots: []SnapshotResults{{ID: "s", File: "s.json", Results: []results.Result{
		{Step: "SUP-06", Title: "x", Status: results.Fail, Subject: "h1", Message: "from one host"},
	}}}}
	run := sarifOf(t, one, steps, "").Runs[0]
	var ids []string
	for i, r := range run.Tool.Driver.Rules {
		ids = append(ids, r.ID)
		if r.ID != steps[i].ID || r.ShortDescription.Text != steps[i].Title || strings.Contains(r.Help.Text, "h1") {
			t.Errorf("rule %d = %s %q (help %q), want %s %q from the checklist", i, r.ID, r.ShortDescription.Text, r.Help.Text, steps[i].ID, steps[i].Title)
		}
		if steps[i].MoreInformation != "" && !strings.Contains(r.Help.Text, steps[i].MoreInformation) {
			t.Errorf("%s: help lacks the More Information topic", r.ID)
		}
	}
	if want := "SUP-01 SUP-02 SUP-03 SUP-04 SUP-05 SUP-06 SUP-07 SUP-08 SUP-09 SUP-10 SUP-11 SUP-12 SUP-13 SUP-14"; strings.Join(ids, " ") != want {
		t.Errorf("rules %v, want %s", ids, want)
	}
	if got := run.Results[0].RuleIndex; got != 5 {
		t.Errorf("SUP-06 ruleIndex %d, want 5", got)
	}
}

func TestSARIFResults(t *testing.T) {
	r := fixtureRun(t)
	// Lines of the facts, as audit.Judge fills them.
	for i := range r.Snapshots {
		r.Snapshots[i].FactLines = fileLines(t, r.Snapshots[i].File)
	}
	// A waived result, and a file name that needs encoding.
	r.Snapshots[0].File = "dir with space/a#b.json"
	res := &r.Snapshots[0].Results[0]
	res.Waiver = &results.Waiver{Status: res.Status, Reason: "planned", ApprovedBy: "CAB", Expires: "2099-01-01"}
	if res.Status == results.Pass {
		res.Waiver.Status = results.Fail
	}
	res.Status = results.Waived
	run := sarifOf(t, r, checklist(t), "").Runs[0]
	seen := map[string]bool{}
	lines := 0
	for _, out := range run.Results {
		fp := out.PartialFingerprints["supaudit/v1"]
		if seen[fp] {
			t.Errorf("fingerprint %q is not unique", fp)
		}
		seen[fp] = true
		if out.Kind != "fail" && out.Level != "none" {
			t.Errorf("%s: kind %s with level %s (SARIF 3.27.10: none)", fp, out.Kind, out.Level)
		}
		if out.Properties["status"] == "manual" && (out.Kind != "review" || out.Level != "none") {
			t.Errorf("%s: manual is %s/%s, want review/none", fp, out.Kind, out.Level)
		}
		reg := out.Locations[0].PhysicalLocation.Region
		if reg == nil || reg.StartLine < 1 {
			t.Fatalf("%s: no region.startLine", fp)
		}
		if reg.StartLine > 1 {
			lines++
		}
	}
	if lines < len(run.Results)/2 {
		t.Errorf("only %d of %d results point past line 1", lines, len(run.Results))
	}
	first := run.Results[0]
	if first.Locations[0].PhysicalLocation.ArtifactLocation.URI != "dir%20with%20space/a%23b.json" {
		t.Errorf("uri %q, want percent-encoded", first.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	}
	if len(first.Suppressions) != 1 || first.Suppressions[0].Status != "accepted" || first.Suppressions[0].Kind != "external" ||
		first.Suppressions[0].Justification != "planned" || first.Suppressions[0].Properties["approved_by"] != "CAB" {
		t.Errorf("waived result suppressions %+v", first.Suppressions)
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful || inv.ExitCode != ExitError || len(inv.Notifications) != 1 ||
		!strings.Contains(inv.Notifications[0].Message.Text, "missing.json") {
		t.Errorf("invocation %+v: want unsuccessful, exit 2, a notification naming missing.json", inv)
	}
	// --source-root makes the URIs relative to it.
	rooted := sarifOf(t, fixtureRun(t), checklist(t), "..").Runs[0]
	loc := rooted.Results[0].Locations[0].PhysicalLocation.ArtifactLocation
	if loc.URIBaseID != "SRCROOT" || !strings.HasPrefix(loc.URI, "fixtures/snapshots/") || !strings.HasPrefix(rooted.OriginalURIBaseIDs["SRCROOT"].URI, "file:///") {
		t.Errorf("source root: %+v, bases %+v", loc, rooted.OriginalURIBaseIDs)
	}
}

// TestScanPointsAtEvidence: with an evidence root, a result points at the
// evidence file and line that decided it.
func TestScanPointsAtEvidence(t *testing.T) {
	snap := SnapshotResults{ID: "s", File: "fixtures/bundles/failing", EvidenceRoot: "fixtures/bundles/failing", Results: []results.Result{{
		Step: "SUP-06", Status: results.Fail, Subject: "h", Message: "m",
		Evidence: []results.Evidence{
			{Fact: "servers[h].resolves", Provenance: &facts.Provenance{Collector: "probe", Source: "dns"}},
			{Fact: "servers[h].wsus.version", Provenance: &facts.Provenance{Collector: "bundle", Source: "SUP01/registry/wsus-setup.reg", Line: 5}},
		},
	}}}
	file, line := location(snap, snap.Results[0])
	if file != filepath.Join("fixtures/bundles/failing", "SUP01/registry/wsus-setup.reg") || line != 5 {
		t.Errorf("location %s:%d, want the evidence file at line 5", file, line)
	}
	// A manual step has no evidence file: the site's identity evidence.
	snap.Anchor = facts.Provenance{Collector: "bundle", Source: "SITE/registry/sms.reg", Line: 4}
	manual := results.Result{Step: "SUP-01", Status: results.Manual, Evidence: []results.Evidence{{Fact: "answers", Provenance: &facts.Provenance{Collector: "manual", Source: "answers"}}}}
	if file, line := location(snap, manual); file != filepath.Join("fixtures/bundles/failing", "SITE/registry/sms.reg") || line != 4 {
		t.Errorf("manual result at %s:%d, want the anchor", file, line)
	}
}

func fileLines(t *testing.T, path string) map[string]int {
	t.Helper()
	data, err := readFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := facts.FactLines(data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestJUnitAgreesWithExitCode: every result at or above --fail-on is a
// failure or error, nothing below is, and case identities are unique.
func TestJUnitAgreesWithExitCode(t *testing.T) {
	for _, failOn := range results.FailOnLevels {
		r := fixtureRun(t)
		r.FailOn = failOn
		var ts xTestsuites
		if err := xml.Unmarshal(render(t, "junit", r), &ts); err != nil {
			t.Fatal(err)
		}
		failing, bad := 0, 0
		for _, snap := range r.Snapshots {
			for _, res := range snap.Results {
				if res.Status.Rank() > 0 && res.Status.Rank() >= failOn.Rank() {
					failing++
				}
			}
		}
		ids := map[string]bool{}
		for _, s := range ts.Suites {
			for _, c := range s.Cases {
				id := c.Classname + "\x00" + c.Name
				if ids[id] {
					t.Errorf("fail-on %s: case (%s, %s) is not unique", failOn, c.Classname, c.Name)
				}
				ids[id] = true
				if s.Name == "input errors" {
					continue
				}
				bad += len(c.Failure) + len(c.Error)
			}
		}
		if bad != failing {
			t.Errorf("fail-on %s: %d failure/error cases, %d results at or above the threshold", failOn, bad, failing)
		}
	}
}

// TestMarkdownCapAndOrder: 1,000 and 3,000 snapshots stay under the cap,
// worst sites first, ending with how many were left out.
func TestMarkdownCapAndOrder(t *testing.T) {
	base := fixtureRun(t)
	for _, n := range []int{1000, 3000} {
		r := &Report{FailOn: results.Fail, Tool: base.Tool, GeneratedAt: base.GeneratedAt}
		for i := 0; i < n; i++ {
			s := base.Snapshots[i%len(base.Snapshots)]
			s.ID = fmt.Sprintf("site-%04d-%s", i, s.ID)
			r.Snapshots = append(r.Snapshots, s)
		}
		out := render(t, "markdown", r)
		if len(out) > DefaultMaxMarkdown {
			t.Errorf("%d snapshots: %d bytes, over the %d cap", n, len(out), DefaultMaxMarkdown)
		}
		s := string(out)
		if strings.Contains(s, ":x:") || strings.Contains(s, ":warning:") {
			t.Error("emoji shortcodes in the Markdown")
		}
		if strings.Contains(s, "</summary>") && !strings.Contains(s, "\n\n<details>") {
			t.Error("no blank line before <details>")
		}
		if n == 3000 && !strings.Contains(s, "more sites: see the HTML report") {
			t.Errorf("%d snapshots: no 'more sites' line", n)
		}
	}
	out := string(render(t, "markdown", base))
	worst := worstFirst(base.Snapshots)[0].ID
	if i := strings.Index(out, "### "); i < 0 || !strings.HasPrefix(out[i+4:], worst) {
		t.Errorf("the first site section is not the worst site %s", worst)
	}
}

// TestControlCharactersEscaped: an input's ESC, CR and NUL never reach a
// human-readable output raw.
func TestControlCharactersEscaped(t *testing.T) {
	evil := "\x1b[2J\x1b[HALL CHECKS PASSED\r\x00"
	r := &Report{FailOn: results.Fail, Errors: []string{"bad" + evil + ".json: broken"}, Snapshots: []SnapshotResults{{
		ID: "id" + evil, File: "f" + evil + ".json", Results: []results.Result{
			{Step: "SUP-10", Title: "t" + evil, Status: results.Fail, Subject: "host" + evil, Message: "cert CN=" + evil,
				Remediation: []string{"fix " + evil}, MoreInformation: "m" + evil},
		}}}}
	for _, format := range []string{"table", "markdown", "html", "github", "junit"} {
		out := render(t, format, r)
		for _, c := range []string{"\x1b[2J", "\r", "\x00"} {
			if bytes.Contains(out, []byte(c)) {
				t.Errorf("%s: raw %q in the output", format, c)
			}
		}
	}
	var buf bytes.Buffer
	renderWith(t, &Table{W: &buf, Color: true}, r, nil)
	if !strings.Contains(buf.String(), "\x1b[1;31mFAIL\x1b[0m") {
		t.Error("the table's own colours are gone")
	}
}

func TestGitHubCommands(t *testing.T) {
	r := &Report{FailOn: results.Warn, Snapshots: []SnapshotResults{{ID: "s", File: "a,b:c.json", FactLines: map[string]int{"x.y": 7},
		Results: []results.Result{
			{Step: "SUP-08", Title: "Ports", Status: results.Warn, Subject: "h", Message: "100% odd\nsecond line",
				Evidence: []results.Evidence{{Fact: "x.y"}}},
			{Step: "SUP-01", Title: "Plan", Status: results.Manual, Subject: "site", Message: "attest"},
			{Step: "SUP-06", Title: "WSUS", Status: results.Pass, Subject: "h", Message: "fine"},
		}}}}
	out := string(render(t, "github", r))
	want := "::error file=a%2Cb%3Ac.json,line=7,title=SUP-08 Ports::[s] h warn: 100%25 odd%0Asecond line\n"
	if !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	if !strings.Contains(out, "::notice file=a%2Cb%3Ac.json,line=1,title=SUP-01 Plan::") || strings.Contains(out, "SUP-06") {
		t.Errorf("manual below the threshold is not a notice, or a pass is annotated:\n%s", out)
	}
	if !strings.HasSuffix(out, "::error title=supaudit FAILED::1 snapshot(s): 1 warn, 1 manual, 1 pass (--fail-on warn)\n") {
		t.Errorf("summary line:\n%s", out)
	}
}

func TestTableQuiet(t *testing.T) {
	var buf bytes.Buffer
	renderWith(t, &Table{W: &buf, Quiet: true}, fixtureRun(t), nil)
	out := buf.String()
	if strings.Contains(out, "│ PASS ") || strings.Contains(out, "│ N/A ") {
		t.Error("--quiet table shows passing rows")
	}
	if !strings.Contains(out, "│ FAIL ") || !strings.Contains(out, "snapshot(s):") {
		t.Error("--quiet table lacks the failing rows or the summary")
	}
}

// TestJSONFailedOnErrorsAndInterruption: a run with input errors, or an
// interrupted one, never says failed: false.
func TestJSONFailedOnErrorsAndInterruption(t *testing.T) {
	r := New(Tool{Name: "supaudit"}, testNow, results.Fail, nil, []string{"a.json: broken"})
	var got Report
	if err := json.Unmarshal(render(t, "json", r), &got); err != nil {
		t.Fatal(err)
	}
	if !got.Failed || len(got.Errors) != 1 {
		t.Errorf("errors: failed %v, errors %v", got.Failed, got.Errors)
	}
	r = New(Tool{Name: "supaudit"}, testNow, results.Fail, nil, nil)
	r.Interrupted = true
	got = Report{}
	if err := json.Unmarshal(render(t, "json", r), &got); err != nil {
		t.Fatal(err)
	}
	if !got.Failed || !got.Interrupted {
		t.Errorf("interrupted: failed %v, interrupted %v", got.Failed, got.Interrupted)
	}
	var buf bytes.Buffer
	renderWith(t, &Table{W: &buf}, r, nil)
	if !strings.Contains(buf.String(), "INTERRUPTED") || strings.Contains(buf.String(), "PASSED") {
		t.Errorf("interrupted table:\n%s", buf.String())
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"JSON", "Sarif", "github", "TABLE"} {
		if _, err := ParseFormat(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("xml accepted")
	}
}

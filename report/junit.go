package report

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jstemmer/go-junit-report/v2/junit"

	"github.com/supaudit/supaudit/internal/safetext"
	"github.com/supaudit/supaudit/results"
)

// JUnit writes the report as JUnit XML for CI servers, valid against both
// the Jenkins xUnit plugin's schema (junit-10.xsd) and the Apache Ant
// schema (JUnit.xsd): a test suite per snapshot, a test case per result.
//
// A case's identity is unique and stable: the snapshot id as classname,
// step and subject as name (with " #n" for the n-th result of the same
// step and subject). The CI test view agrees with the exit code:
//
//   - a result at or above --fail-on is a <failure> (its text is the
//     remediation), or an <error> when it is unknown (not judged, which is
//     not the same as judged and failed);
//   - below --fail-on, warn is a passing case (its message in the suite's
//     system-out), unknown and manual are <skipped> with the reason;
//   - not_applicable and waived are <skipped> with the reason; pass passes.
//
// Inputs that could not be judged are a suite "input errors" with one
// <error> each, and an interrupted run ends with a suite "interrupted"
// whose one case is an <error>. The Ant schema shapes the rest: no
// attributes on <testsuites> (each suite has its counts), timestamps
// without a zone (UTC; the property generated_at has the full time), a
// hostname ("localhost": the judged site is the suite name), and no
// system-out inside a case. Text goes through safetext: XML 1.0 cannot
// carry most control characters at all.
//
// The XML types come from github.com/jstemmer/go-junit-report/v2/junit.
type JUnit struct {
	W io.Writer
}

// Render implements Renderer.
func (j *JUnit) Render(_ context.Context, r *Run) error {
	var suites junit.Testsuites
	stamp := r.GeneratedAt.UTC().Format("2006-01-02T15:04:05")
	suite := func(id int, name string) junit.Testsuite {
		ts := junit.Testsuite{ID: id, Name: xmlLine(name), Package: xmlLine(r.Tool.Name), Hostname: "localhost", Time: "0", Timestamp: stamp}
		ts.AddProperty("tool.version", xmlLine(r.Tool.Version))
		ts.AddProperty("fail_on", string(r.FailOn))
		ts.AddProperty("generated_at", r.GeneratedAt.UTC().Format(time.RFC3339))
		return ts
	}
	for i, snap := range r.Snapshots {
		ts := suite(i, snap.ID)
		ts.AddProperty("snapshot.file", xmlLine(snap.File))
		var out strings.Builder
		ids := caseIDs(snap.Results)
		for k, res := range snap.Results {
			tc, note := junitCase(snap.ID, ids[k], res, r.FailOn)
			ts.AddTestcase(tc)
			if note != "" {
				out.WriteString(note)
			}
		}
		ts.SystemOut = &junit.Output{Data: xmlText(out.String())}
		ts.SystemErr = &junit.Output{}
		suites.Suites = append(suites.Suites, ts)
	}
	if len(r.Errors) > 0 {
		ts := suite(len(suites.Suites), "input errors")
		for i, e := range r.Errors {
			name := e.File
			if name == "" {
				name = fmt.Sprintf("input %d", i+1)
			}
			ts.AddTestcase(junit.Testcase{Name: xmlLine(name), Classname: "input", Time: "0",
				Error: &junit.Result{Message: xmlLine(e.Message), Type: "input"}})
		}
		ts.SystemOut, ts.SystemErr = &junit.Output{}, &junit.Output{}
		suites.Suites = append(suites.Suites, ts)
	}
	if r.Interrupted {
		ts := suite(len(suites.Suites), "interrupted")
		ts.AddTestcase(junit.Testcase{Name: "every input judged", Classname: "run", Time: "0",
			Error: &junit.Result{Message: "interrupted: the run stopped before every input was judged; this report is incomplete", Type: "interrupted"}})
		ts.SystemOut, ts.SystemErr = &junit.Output{}, &junit.Output{}
		suites.Suites = append(suites.Suites, ts)
	}
	if _, err := io.WriteString(j.W, xml.Header); err != nil {
		return err
	}
	return suites.WriteXML(j.W)
}

// junitCase is the case of one result, and a line for the suite's
// system-out (a warning below the threshold).
func junitCase(snapshot, id string, res results.Result, failOn results.Status) (junit.Testcase, string) {
	tc := junit.Testcase{Name: xmlLine(id), Classname: xmlLine(snapshot), Time: "0"}
	msg := xmlLine(res.Message)
	detail := xmlText(caseDetail(res))
	failing := res.Status.Rank() > 0 && res.Status.Rank() >= failOn.Rank()
	switch {
	case failing && res.Status == results.Unknown:
		tc.Error = &junit.Result{Message: msg, Type: "unknown", Data: detail}
	case failing:
		tc.Failure = &junit.Result{Message: msg, Type: string(res.Status), Data: detail}
	case res.Status == results.Warn:
		return tc, xmlText(fmt.Sprintf("%s: warn (below --fail-on %s): %s\n%s", id, failOn, res.Message, caseDetail(res)))
	case res.Status == results.Unknown, res.Status == results.Manual:
		tc.Skipped = &junit.Result{Message: xmlLine(fmt.Sprintf("%s (below --fail-on %s): %s", res.Status, failOn, res.Message))}
	case res.Status == results.NotApplicable:
		tc.Skipped = &junit.Result{Message: "not_applicable: " + msg}
	case res.Status == results.Waived:
		tc.Skipped = &junit.Result{Message: xmlLine(waivedText(res))}
	}
	return tc, ""
}

// xmlLine and xmlText make text safe for XML 1.0, which cannot carry most
// control characters: they are written as visible escapes.
func xmlLine(s string) string { return safetext.Line(s) }
func xmlText(s string) string { return safetext.Text(s) }

// caseDetail is the remediation (numbered) and the More Information topic.
func caseDetail(res results.Result) string {
	var b strings.Builder
	for i, step := range res.Remediation {
		fmt.Fprintf(&b, "%d. %s\n", i+1, step)
	}
	if res.MoreInformation != "" {
		fmt.Fprintf(&b, "More information: %s\n", res.MoreInformation)
	}
	return b.String()
}

// waivedText says who waived a result, why and until when.
func waivedText(res results.Result) string {
	if res.Waiver == nil {
		return "waived: " + res.Message
	}
	wv := res.Waiver
	return fmt.Sprintf("waived (%s) until %s by %s: %s", wv.Status, wv.Expires, wv.ApprovedBy, wv.Reason)
}

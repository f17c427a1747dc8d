package report

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/jstemmer/go-junit-report/v2/junit"

	"github.com/supaudit/supaudit/results"
)

// JUnit writes the report as JUnit XML for CI servers: a test suite per
// snapshot (site, with the snapshot file as the property snapshot.file), a
// test case per (step, subject).
//
//   - fail is a <failure> whose text is the remediation;
//   - unknown is an <error> (the step could not be judged, which is not the
//     same as judged and failed);
//   - warn is a <failure> when --fail-on is warn or manual, else a passing
//     case with the message in <system-out>;
//   - manual, not_applicable and waived are <skipped> with the reason;
//   - pass is a passing case.
//
// The XML types come from github.com/jstemmer/go-junit-report/v2/junit, the
// maintained JUnit model also used by Regal.
type JUnit struct {
	W io.Writer
}

// Report implements Reporter.
func (j *JUnit) Report(_ context.Context, r *Report) error {
	suites := junit.Testsuites{Name: r.Tool.Name}
	for i, snap := range r.Snapshots {
		ts := junit.Testsuite{ID: i, Name: snap.ID, Time: "0", Package: r.Tool.Name}
		ts.SetTimestamp(r.GeneratedAt)
		ts.AddProperty("snapshot.file", snap.File)
		ts.AddProperty("tool.version", r.Tool.Version)
		ts.AddProperty("fail_on", string(r.FailOn))
		for _, res := range snap.Results {
			ts.AddTestcase(junitCase(snap.ID, res, r.FailOn))
		}
		suites.AddSuite(ts)
	}
	for i, e := range r.Errors {
		ts := junit.Testsuite{ID: len(r.Snapshots) + i, Name: "input error", Time: "0", Package: r.Tool.Name}
		ts.AddTestcase(junit.Testcase{Name: "load and judge", Classname: "input", Time: "0",
			Error: &junit.Result{Message: e, Type: "input"}})
		suites.AddSuite(ts)
	}
	if _, err := io.WriteString(j.W, xml.Header); err != nil {
		return err
	}
	return suites.WriteXML(j.W)
}

func junitCase(snapshot string, res results.Result, failOn results.Status) junit.Testcase {
	tc := junit.Testcase{
		Name:      fmt.Sprintf("%s %s [%s]", res.Step, res.Title, res.Subject),
		Classname: snapshot + "." + res.Step,
		Time:      "0",
		Status:    string(res.Status),
	}
	detail := caseDetail(res)
	switch res.Status {
	case results.Fail:
		tc.Failure = &junit.Result{Message: res.Message, Type: res.Severity, Data: detail}
	case results.Unknown:
		tc.Error = &junit.Result{Message: res.Message, Type: "unknown", Data: detail}
	case results.Warn:
		if res.Status.Rank() >= failOn.Rank() {
			tc.Failure = &junit.Result{Message: res.Message, Type: "warn", Data: detail}
		} else {
			tc.SystemOut = &junit.Output{Data: "warn: " + res.Message + "\n" + detail}
		}
	case results.Manual, results.NotApplicable:
		tc.Skipped = &junit.Result{Message: string(res.Status) + ": " + res.Message}
	case results.Waived:
		tc.Skipped = &junit.Result{Message: waivedText(res)}
	}
	return tc
}

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

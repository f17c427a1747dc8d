package policies

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/supaudit/supaudit/facts"
)

func TestEmbeddedPoliciesCompileStrict(t *testing.T) {
	e, err := New(context.Background(), Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Steps()) == 0 {
		t.Fatal("no annotated steps")
	}
}

// TestResultsCarryStepMetadata: a result's title, severity and More
// Information topic come from its step's METADATA, read once at compile
// time, not from the rule that produced it.
func TestResultsCarryStepMetadata(t *testing.T) {
	ctx := context.Background()
	e, err := New(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := facts.LoadFile("../fixtures/snapshots/native-remote-and-internet-sup.json", facts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := e.Evaluate(ctx, doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) == 0 {
		t.Fatal("no results")
	}
	for _, r := range rs {
		st, ok := e.Step(r.Step)
		if !ok {
			t.Fatalf("result for unknown step %s", r.Step)
		}
		if r.Title != st.Title || r.Severity != st.Severity || r.MoreInformation != st.MoreInformation {
			t.Errorf("%s: result has title %q, severity %q, more_information %q; METADATA says %q, %q, %q",
				r.Step, r.Title, r.Severity, r.MoreInformation, st.Title, st.Severity, st.MoreInformation)
		}
	}
	for _, st := range e.Steps() {
		if len(st.Remediation) == 0 || strings.TrimSpace(st.Remediation[0]) == "" {
			t.Errorf("%s (%s): no static remediation in its METADATA (custom.remediation)", st.ID, st.Location)
		}
	}
	st, _ := e.Step("SUP-01")
	if st.Title != "Review the software update point concepts" || st.MoreInformation != "About the Software Update Point" || st.Severity != "low" {
		t.Errorf("SUP-01 step: %+v", st)
	}
}

// TestStepLiteralMustBeAnnotated: a result object that names a step its
// module does not annotate is a compile error naming the file and line.
func TestStepLiteralMustBeAnnotated(t *testing.T) {
	dir := t.TempDir()
	src := `package supaudit.checks.org

# METADATA
# scope: document
# title: Org step
# custom:
#   id: ORG-01
org_01 contains {"step": "ORG-02", "status": "pass", "subject": "x", "message": "y"}

results contains r if some r in org_01
`
	if err := os.WriteFile(filepath.Join(dir, "org.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := New(context.Background(), Options{PolicyDirs: []string{dir}})
	if err == nil || !strings.Contains(err.Error(), "org.rego:8: a result for step ORG-02, which this module does not annotate") {
		t.Fatalf("err = %v", err)
	}
}

package report

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/policies"
	"github.com/supaudit/supaudit/results"
)

var (
	engineOnce sync.Once
	engine     *policies.Engine
	engineErr  error
)

func testEngine(t testing.TB) *policies.Engine {
	t.Helper()
	engineOnce.Do(func() { engine, engineErr = policies.New(context.Background(), policies.Options{}) })
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return engine
}

// checklist is the embedded policies' checklist, as the CLI passes it.
func checklist(t testing.TB) []Step {
	t.Helper()
	var steps []Step
	for _, s := range testEngine(t).Steps() {
		steps = append(steps, Step{ID: s.ID, Title: s.Title, Description: s.Description, Severity: s.Severity,
			Manual: s.Manual, MoreInformation: s.MoreInformation})
	}
	return steps
}

// goldenChecklist is a fixed copy of the checklist (testdata/checklist.json,
// written from the policies once), so that the golden files change with
// the report formats, not with the policies' wording.
func goldenChecklist(t testing.TB) []Step {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "checklist.json"))
	if err != nil {
		t.Fatal(err)
	}
	var steps []Step
	if err := json.Unmarshal(b, &steps); err != nil {
		t.Fatal(err)
	}
	return steps
}

// fixtureRun judges every snapshot fixture (with the lines of their facts)
// as supaudit check does, plus one unreadable input.
func fixtureRun(t testing.TB) *Report {
	t.Helper()
	files, err := filepath.Glob("../fixtures/snapshots/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("fixtures: %v", err)
	}
	var snaps []SnapshotResults
	for _, f := range files {
		doc, err := facts.LoadFile(f, facts.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rs, err := testEngine(t).Evaluate(context.Background(), doc, nil)
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, SnapshotResults{ID: doc.Snapshot.ID, File: f, Results: rs})
	}
	return New(Tool{Name: "supaudit", Version: "test"}, testNow, results.Fail, snaps, []string{"../fixtures/missing.json: no such file"})
}

func readFile(p string) ([]byte, error) { return os.ReadFile(p) }

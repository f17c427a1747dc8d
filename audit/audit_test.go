package audit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/supaudit/supaudit/collectors"
	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/policies"
	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/results"
)

const snapshots = "../fixtures/snapshots"

func TestInputs(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"b.json", "a.json", "sub/c.json", "sub/notes.txt"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	j := func(parts ...string) string { return filepath.Join(append([]string{dir}, parts...)...) }
	tests := []struct {
		name    string
		args    []string
		want    []string
		wantErr string
	}{
		{"a directory: every json below it, sorted", []string{dir}, []string{j("a.json"), j("b.json"), j("sub", "c.json")}, ""},
		{"files and a glob, de-duplicated", []string{j("b.json"), j("*.json")}, []string{j("a.json"), j("b.json")}, ""},
		{"doublestar glob", []string{j("**", "c.json")}, []string{j("sub", "c.json")}, ""},
		{"missing file", []string{j("nope.json")}, nil, "no such file or directory"},
		{"glob without a match", []string{j("*.yaml")}, nil, "no file matches"},
		{"invalid glob", []string{j("[.json")}, nil, "invalid glob pattern"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Inputs(tc.args, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func engine(t *testing.T) *policies.Engine {
	t.Helper()
	e, err := policies.New(context.Background(), policies.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestJudgeFilesInOrder: on any number of workers the snapshots come out
// in input order, an unreadable file is an error naming it and the others
// are still judged.
func TestJudgeFilesInOrder(t *testing.T) {
	files, err := Inputs([]string{filepath.Join(snapshots, "*.json")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"schema":`), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files[:3:3], append([]string{bad}, files[3:]...)...)
	for _, workers := range []int{1, 2, 7} {
		j := &Judge{Engine: engine(t), Workers: workers}
		var got []string
		errs := j.Files(context.Background(), files, func(s report.SnapshotResults) error {
			got = append(got, s.File)
			if len(s.Results) == 0 {
				t.Errorf("%s: no results", s.File)
			}
			return nil
		})
		want := append(append([]string{}, files[:3]...), files[4:]...)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("workers %d: order (-want +got):\n%s", workers, diff)
		}
		if len(errs) != 1 || !strings.Contains(errs[0].Message, bad) || errs[0].File != bad {
			t.Errorf("workers %d: errors %q, want one naming %s", workers, errs, bad)
		}
	}
}

// TestJudgeFilesStopsWhenEmitFails: a failing report writer stops judging.
func TestJudgeFilesStopsWhenEmitFails(t *testing.T) {
	files, err := Inputs([]string{snapshots}, nil)
	if err != nil {
		t.Fatal(err)
	}
	j := &Judge{Engine: engine(t), Workers: 2}
	n := 0
	j.Files(context.Background(), files, func(report.SnapshotResults) error {
		n++
		return errors.New("disk full")
	})
	if n != 1 {
		t.Errorf("emit called %d times after failing, want 1", n)
	}
}

type fakeCollector struct {
	name string
	snap *facts.Snapshot
	err  error
}

func (f *fakeCollector) Name() string   { return f.name }
func (f *fakeCollector) Source() string { return f.name + ":source" }
func (f *fakeCollector) Collect(context.Context) (*facts.Snapshot, error) {
	return f.snap, f.err
}

func snap(t *testing.T, id, collector string, errs ...string) *facts.Snapshot {
	t.Helper()
	doc, err := facts.LoadFile(filepath.Join(snapshots, "native-remote-and-internet-sup.json"), facts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Snapshot
	s.ID = id
	s.Collectors = []facts.CollectorRun{{Name: collector, Version: "1", Complete: len(errs) == 0, Errors: errs}}
	return s
}

func TestCollect(t *testing.T) {
	ctx := context.Background()
	a := &fakeCollector{name: "bundle", snap: snap(t, "abc-bundle", "bundle", "SMS01: wsyncmgr.log: unreadable")}
	b := &fakeCollector{name: "probe", snap: snap(t, "abc-probe", "probe")}
	col, err := Collect(ctx, []collectors.Collector{a, b}, CollectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if col.Doc.Snapshot.ID != "abc-bundle" || col.Source != "bundle:source" || col.Interrupted {
		t.Errorf("id %q, source %q, interrupted %v", col.Doc.Snapshot.ID, col.Source, col.Interrupted)
	}
	if diff := cmp.Diff([]string{"bundle: SMS01: wsyncmgr.log: unreadable"}, col.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if len(col.Doc.Snapshot.Collectors) != 2 {
		t.Errorf("collectors %+v, want both runs", col.Doc.Snapshot.Collectors)
	}
	if !strings.HasSuffix(string(col.Data), "}\n") {
		t.Error("snapshot JSON does not end in a newline")
	}

	col, err = Collect(ctx, []collectors.Collector{a}, CollectOptions{ID: "mine"})
	if err != nil || col.Doc.Snapshot.ID != "mine" {
		t.Errorf("ID option: %v, %v", col, err)
	}

	failing := &fakeCollector{name: "winrm", err: errors.New("winrm: no host could be collected")}
	if _, err := Collect(ctx, []collectors.Collector{failing, b}, CollectOptions{}); err == nil || !strings.Contains(err.Error(), "no host") {
		t.Errorf("a failing collector: err = %v", err)
	}
	invalid := &fakeCollector{name: "bundle", snap: &facts.Snapshot{Schema: "nope"}}
	if _, err := Collect(ctx, []collectors.Collector{invalid}, CollectOptions{}); err == nil || !strings.Contains(err.Error(), "collector bug") {
		t.Errorf("an invalid snapshot: err = %v", err)
	}
	if _, err := Collect(ctx, nil, CollectOptions{}); err == nil {
		t.Error("no collector: no error")
	}
}

// TestStreamAndPost: Stream fills each snapshot's summary and the trailer;
// Post waives, notes an unused waiver and keeps the run for history.
func TestStreamAndPost(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	wf := filepath.Join(dir, "waivers.yaml")
	if err := os.WriteFile(wf, []byte(`waivers:
  - {step: SUP-06, subject: SMS01.corp.litwareinc.com, reason: upgrade planned, approved_by: CAB, expires: 2027-01-31}
  - {step: SUP-99, subject: nowhere, reason: typo, approved_by: CAB, expires: 2027-01-31}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	post, err := NewPost(ctx, wf, filepath.Join(dir, "history"), at)
	if err != nil {
		t.Fatal(err)
	}
	j := &Judge{Engine: engine(t)}
	files := []string{filepath.Join(snapshots, "wsus-2-on-sup.json"), filepath.Join(dir, "missing.json")}
	h := report.Header{Tool: report.Tool{Name: "supaudit", Version: "test"}, GeneratedAt: at, FailOn: results.Fail}
	var js strings.Builder
	tr, err := Stream(ctx, &report.JSON{W: &js}, h, func(emit Emit) []report.InputError {
		return j.Files(ctx, files, post.Wrap(emit))
	})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Snapshots != 1 || len(tr.Errors) != 1 || !tr.Failed || tr.Summary[results.Waived] != 1 {
		t.Errorf("trailer %+v", tr)
	}
	if !strings.Contains(js.String(), `"waived"`) {
		t.Error("the JSON report has no waived result")
	}
	if notes := post.Notes(); len(notes) != 1 || !strings.Contains(notes[0], "SUP-99") {
		t.Errorf("notes %q", notes)
	}
	path, err := post.Record(ctx, h, tr)
	if err != nil || path == "" {
		t.Fatalf("record: %q, %v", path, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
}

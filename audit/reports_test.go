package audit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/supaudit/supaudit/output"
	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/results"
)

func TestParseReportSpec(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ReportSpec
		err  string
	}{
		{"JUnit=out/results.xml", ReportSpec{Format: "junit", Path: "out/results.xml", Flag: "--report JUnit=out/results.xml"}, ""},
		{"table", ReportSpec{Format: "table", Flag: "--report table"}, ""},
		{"json=-", ReportSpec{Format: "json", Flag: "--report json=-"}, ""},
		{"json=", ReportSpec{}, "--report json=: empty path (write --report json for standard output)"},
		{"yaml=x.yaml", ReportSpec{}, "--report yaml=x.yaml: "},
	} {
		got, err := ParseReportSpec(tc.in)
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestReportRequestSpecs(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    ReportRequest
		want []ReportSpec
		err  string
	}{
		{"the shorthand alone", ReportRequest{Format: "json", Output: "r.json"},
			[]ReportSpec{{Format: "json", Path: "r.json", Flag: "--output r.json"}}, ""},
		{"--report replaces the default shorthand", ReportRequest{Format: "table", Reports: []string{"sarif=r.sarif"}},
			[]ReportSpec{{Format: "sarif", Path: "r.sarif", Flag: "--report sarif=r.sarif"}}, ""},
		{"an explicit shorthand comes first", ReportRequest{Format: "table", Shorthand: true, Reports: []string{"junit=r.xml"}},
			[]ReportSpec{{Format: "table", Flag: "--format table"}, {Format: "junit", Path: "r.xml", Flag: "--report junit=r.xml"}}, ""},
		{"two on standard output", ReportRequest{Format: "table", Shorthand: true, Reports: []string{"json"}},
			nil, "at most one report can go to standard output: --format table and --report json both do"},
		{"one file twice", ReportRequest{Reports: []string{"json=r", "junit=r"}},
			nil, "--report json=r and --report junit=r write the same file"},
	} {
		got, err := tc.r.Specs()
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestPrepareReportsRefuses: a report over one of the run's inputs is
// refused before judging, naming the flag.
func TestPrepareReportsRefuses(t *testing.T) {
	in := filepath.Join(snapshots, "wsus-2-on-sup.json")
	_, err := PrepareReports(ReportRequest{Reports: []string{"json=" + in}}, output.NewInputs(in))
	if err == nil || !strings.HasPrefix(err.Error(), "--report: ") {
		t.Errorf("err = %v, want one naming --report", err)
	}
}

// TestRunReport: a run writes every report (all files or none), notes
// what it wrote and the inputs it could not judge; an interrupted one
// writes no file and is an error.
func TestRunReport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var notes []string
	run, err := NewRun(ctx, RunOptions{FailOn: results.Fail, Tool: report.Tool{Name: "supaudit", Version: "test"},
		Notify: func(m string) { notes = append(notes, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if !run.Header.GeneratedAt.IsZero() || len(run.Header.Steps) == 0 {
		t.Errorf("header %+v", run.Header)
	}
	js, sarif := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.sarif")
	outs, err := PrepareReports(ReportRequest{Reports: []string{"json=" + js, "sarif=" + sarif}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !outs.NeedsLines() {
		t.Error("SARIF needs lines")
	}
	files := []string{filepath.Join(snapshots, "wsus-2-on-sup.json"), filepath.Join(dir, "missing.json")}
	var stdout strings.Builder
	tr, err := run.Report(ctx, outs, WriteOptions{Stdout: &stdout}, run.Files(ctx, files, 0, true))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Snapshots != 1 || len(tr.Errors) != 1 || tr.ExitCode != report.ExitError || stdout.Len() != 0 {
		t.Errorf("trailer %+v, stdout %q", tr, stdout.String())
	}
	for _, p := range []string{js, sarif} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	if len(notes) != 3 || !strings.HasPrefix(notes[0], "wrote "+js+" (json): 1 snapshot(s), ") || !strings.Contains(notes[2], "missing.json") {
		t.Errorf("notes %q", notes)
	}

	notes = nil
	late := filepath.Join(dir, "late.json")
	outs, err = PrepareReports(ReportRequest{Format: "json", Output: late}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ictx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := run.Report(ictx, outs, WriteOptions{}, run.Files(ictx, files[:1], 0, false)); err == nil || !strings.HasPrefix(err.Error(), "interrupted: 0 snapshot(s) judged") {
		t.Errorf("interrupted: err = %v", err)
	}
	if _, err := os.Stat(late); !os.IsNotExist(err) {
		t.Errorf("interrupted run wrote %s: %v", late, err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], late+" not written") {
		t.Errorf("interrupted notes %q", notes)
	}
}

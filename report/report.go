// Package report renders judged results. It never re-judges them: every
// format is a view of the same Report.
package report

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/supaudit/supaudit/results"
)

// SchemaV1 identifies the JSON report format.
const SchemaV1 = "supaudit/report/v1"

// Report is the outcome of one run over one or more snapshots.
type Report struct {
	Schema      string    `json:"schema"`
	Tool        Tool      `json:"tool"`
	GeneratedAt time.Time `json:"generated_at"`
	// FailOn is the --fail-on threshold the run was judged against.
	FailOn results.Status `json:"fail_on"`
	// Failed is whether any result is at or above FailOn.
	Failed    bool              `json:"failed"`
	Summary   results.Summary   `json:"summary"`
	Snapshots []SnapshotResults `json:"snapshots"`
	// Errors are inputs that could not be judged (one line each).
	Errors []string `json:"errors,omitempty"`
}

// Tool names the program that made the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// SnapshotResults are the results of one snapshot.
type SnapshotResults struct {
	ID      string           `json:"id"`
	File    string           `json:"file"`
	Summary results.Summary  `json:"summary"`
	Results []results.Result `json:"results"`
}

// New assembles a report from results grouped by snapshot, in the order
// given (supaudit judges files in sorted path order).
func New(tool Tool, now time.Time, failOn results.Status, snaps []SnapshotResults, errs []string) *Report {
	total := results.Summarize(nil)
	for i := range snaps {
		snaps[i].Summary = results.Summarize(snaps[i].Results)
		total.Add(snaps[i].Summary)
	}
	return &Report{
		Schema: SchemaV1, Tool: tool, GeneratedAt: now.UTC(), FailOn: failOn,
		Failed: total.Failing(failOn), Summary: total, Snapshots: snaps, Errors: errs,
	}
}

// Stream writes r through a Streamer, the same way a live run does.
func Stream(s Streamer, r *Report) error {
	if err := s.Begin(Header{Tool: r.Tool, GeneratedAt: r.GeneratedAt, FailOn: r.FailOn}); err != nil {
		return err
	}
	for _, snap := range r.Snapshots {
		if err := s.WriteSnapshot(snap); err != nil {
			return err
		}
	}
	return s.End(Trailer{Summary: r.Summary, Failed: r.Failed, Snapshots: len(r.Snapshots), Errors: r.Errors})
}

// Reporter writes a report in one format.
type Reporter interface {
	Report(ctx context.Context, r *Report) error
}

// Options are shared by the formats.
type Options struct {
	// Color enables ANSI colours (table only).
	Color bool
	// Width is the terminal width for the table; 0 means 120.
	Width int
}

// Formats lists the --format values.
func Formats() []string { return []string{"table", "json", "junit", "sarif", "markdown", "html"} }

// Get returns the reporter for a format, writing to w.
func Get(format string, w io.Writer, opts Options) (Reporter, error) {
	switch format {
	case "table":
		return &Table{W: w, Color: opts.Color, Width: opts.Width}, nil
	case "json":
		return &JSON{W: w}, nil
	case "junit":
		return &JUnit{W: w}, nil
	case "sarif":
		return &SARIF{W: w}, nil
	case "markdown":
		return &Markdown{W: w}, nil
	case "html":
		return &HTML{W: w}, nil
	}
	return nil, fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(Formats(), ", "))
}

// WriteFileAtomic writes the output of fn to path through a temporary file
// in the same directory, renamed into place only when fn succeeds, so that
// a failed run never leaves a partial report.
func WriteFileAtomic(path string, fn func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = fn(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// HistoryReporter renders a history of runs (supaudit report --history).
type HistoryReporter interface {
	History(ctx context.Context, v *HistoryView) error
}

// HistoryFormats lists the supaudit report --format values.
func HistoryFormats() []string { return []string{"html", "markdown", "json"} }

// GetHistory returns the history reporter for a format, writing to w.
func GetHistory(format string, w io.Writer) (HistoryReporter, error) {
	switch format {
	case "html":
		return &HTML{W: w}, nil
	case "markdown":
		return &Markdown{W: w}, nil
	case "json":
		return &HistoryJSON{W: w}, nil
	}
	return nil, fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(HistoryFormats(), ", "))
}

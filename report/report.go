// Package report renders judged results. It never re-judges them: every
// format is a view of the same run.
//
// A run is written through one streaming interface, Writer: Begin with a
// Header that holds the checklist (every step, in order), Snapshot once per
// judged snapshot in input order, End with a Trailer (summary, errors,
// interruption, exit code). The table, JSON and GitHub formats write as
// they go; the formats that need the whole run (SARIF, JUnit, Markdown,
// HTML) are wrapped by Buffered, which keeps the snapshots until End.
package report

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/results"
)

// SchemaV1 identifies the JSON report format.
const SchemaV1 = "supaudit/report/v1"

// Report is the outcome of one run over one or more snapshots, as the JSON
// format writes it and the history reads it back.
type Report struct {
	Schema      string    `json:"schema"`
	Tool        Tool      `json:"tool"`
	GeneratedAt time.Time `json:"generated_at"`
	// FailOn is the --fail-on threshold the run was judged against.
	FailOn results.Status `json:"fail_on"`
	// Failed is whether the run fails: a result at or above FailOn, an
	// input that could not be judged, or an interruption.
	Failed    bool              `json:"failed"`
	Summary   results.Summary   `json:"summary"`
	Snapshots []SnapshotResults `json:"snapshots"`
	// Errors are inputs that could not be judged (one line each).
	Errors []string `json:"errors,omitempty"`
	// Interrupted says the run was stopped before every input was judged:
	// the report is incomplete.
	Interrupted bool `json:"interrupted,omitempty"`
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
	// FactLines maps a fact (as named in evidence, e.g.
	// "servers[SUP01].wsus.version") to its line in File, for the formats
	// that point at a line (SARIF, GitHub). Not part of the JSON report.
	FactLines map[string]int `json:"-"`
	// EvidenceRoot, when set, is the evidence bundle (folder or zip) the
	// snapshot was collected from (supaudit scan): results then point at
	// the evidence file that decided them, a provenance source relative to
	// this root, rather than at File.
	EvidenceRoot string `json:"-"`
	// Anchor is where, below EvidenceRoot, a result that no evidence file
	// decided points (a manual step, a probed fact): the evidence of the
	// site's identity, such as the site server's registry export.
	Anchor facts.Provenance `json:"-"`
}

// Step is one checklist step as the policies describe it (their METADATA):
// what a report says about a step whatever the run found.
type Step struct {
	ID          string
	Title       string
	Description string
	Severity    string
	Manual      bool
	// MoreInformation is the checklist's More Information topic.
	MoreInformation string
	// Remediation is the step's static remediation, when the policy gives
	// one (results carry the remediation for their subject).
	Remediation []string
	// HelpURI is a page about the step, where one exists.
	HelpURI string
}

// Header is what a report knows before the first snapshot.
type Header struct {
	Tool        Tool
	GeneratedAt time.Time
	FailOn      results.Status
	// Steps is the checklist: every step the policies judge, in checklist
	// order.
	Steps []Step
}

// InputError is an input that could not be loaded or judged.
type InputError struct {
	// File is the input, when the error concerns one.
	File string
	// Message is the whole one-line error, naming the file.
	Message string
}

// Trailer is what a report knows after the last snapshot.
type Trailer struct {
	Summary   results.Summary
	Snapshots int
	Errors    []InputError
	// Interrupted says the run stopped before every input was judged.
	Interrupted bool
	// Failed is whether the run fails (see Report.Failed).
	Failed bool
	// ExitCode is the process's exit code for this run.
	ExitCode int
}

// Exit codes of a run (the command layer maps them to the process exit).
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitError    = 2
)

// Finish sets Failed and ExitCode from the summary, the errors and the
// interruption, against the threshold failOn: errors and interruptions
// exit 2, results at or above failOn exit 1.
func (t *Trailer) Finish(failOn results.Status) {
	findings := t.Summary.Failing(failOn)
	t.Failed = findings || len(t.Errors) > 0 || t.Interrupted
	switch {
	case len(t.Errors) > 0 || t.Interrupted:
		t.ExitCode = ExitError
	case findings:
		t.ExitCode = ExitFindings
	default:
		t.ExitCode = ExitOK
	}
}

// Verdict is the run's one-word outcome: PASSED, FAILED, ERROR or
// INTERRUPTED.
func (t *Trailer) Verdict() string {
	switch {
	case t.Interrupted:
		return "INTERRUPTED"
	case len(t.Errors) > 0:
		return "ERROR"
	case t.Failed:
		return "FAILED"
	}
	return "PASSED"
}

// ErrorStrings are the errors' messages.
func (t *Trailer) ErrorStrings() []string {
	if len(t.Errors) == 0 {
		return nil
	}
	out := make([]string, len(t.Errors))
	for i, e := range t.Errors {
		out[i] = e.Message
	}
	return out
}

// Writer writes one run in one format: Begin, then Snapshot once per
// judged snapshot in input order, then End. A Writer is used for one run.
type Writer interface {
	Begin(ctx context.Context, h Header) error
	Snapshot(ctx context.Context, s SnapshotResults) error
	End(ctx context.Context, t Trailer) error
}

// Options are shared by the formats.
type Options struct {
	// Color enables ANSI colours (table only).
	Color bool
	// Width is the terminal width for the table; 0 means 120.
	Width int
	// Quiet writes only the summary and the results that do not pass
	// (table).
	Quiet bool
	// SourceRoot, when set, makes SARIF artifact URIs relative to it (with
	// the base id SRCROOT).
	SourceRoot string
	// MaxBytes caps the Markdown summary; 0 means DefaultMaxMarkdown.
	MaxBytes int
}

// Formats lists the --format values.
func Formats() []string {
	return []string{"table", "json", "junit", "sarif", "markdown", "html", "github"}
}

// ParseFormat returns the format named s, case-insensitively.
func ParseFormat(s string) (string, error) {
	for _, f := range Formats() {
		if strings.EqualFold(s, f) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q: want one of %s", s, strings.Join(Formats(), ", "))
}

// Get returns the writer for a format (any case), writing to w.
func Get(format string, w io.Writer, opts Options) (Writer, error) {
	f, err := ParseFormat(format)
	if err != nil {
		return nil, err
	}
	switch f {
	case "table":
		return &Table{W: w, Color: opts.Color, Width: opts.Width, Quiet: opts.Quiet}, nil
	case "json":
		return &JSON{W: w}, nil
	case "github":
		return &GitHub{W: w}, nil
	case "junit":
		return Buffered(&JUnit{W: w}), nil
	case "sarif":
		return Buffered(&SARIF{W: w, SourceRoot: opts.SourceRoot}), nil
	case "markdown":
		return Buffered(&Markdown{W: w, MaxBytes: opts.MaxBytes}), nil
	}
	return Buffered(&HTML{W: w}), nil
}

// New assembles a report from results grouped by snapshot, in the order
// given (supaudit judges files in sorted path order).
func New(tool Tool, now time.Time, failOn results.Status, snaps []SnapshotResults, errs []string) *Report {
	total := results.Summarize(nil)
	for i := range snaps {
		snaps[i].Summary = results.Summarize(snaps[i].Results)
		total.Add(snaps[i].Summary)
	}
	t := Trailer{Summary: total, Snapshots: len(snaps)}
	for _, e := range errs {
		t.Errors = append(t.Errors, InputError{Message: e})
	}
	t.Finish(failOn)
	return &Report{
		Schema: SchemaV1, Tool: tool, GeneratedAt: now.UTC(), FailOn: failOn,
		Failed: t.Failed, Summary: total, Snapshots: snaps, Errors: errs,
	}
}

// Header returns the report's header, with the checklist steps.
func (r *Report) Header(steps []Step) Header {
	return Header{Tool: r.Tool, GeneratedAt: r.GeneratedAt, FailOn: r.FailOn, Steps: steps}
}

// Trailer returns the report's trailer.
func (r *Report) Trailer() Trailer {
	t := Trailer{Summary: r.Summary, Snapshots: len(r.Snapshots), Interrupted: r.Interrupted}
	if t.Summary == nil {
		t.Summary = results.Summarize(nil)
		for _, s := range r.Snapshots {
			t.Summary.Add(results.Summarize(s.Results))
		}
	}
	for _, e := range r.Errors {
		t.Errors = append(t.Errors, InputError{Message: e})
	}
	t.Finish(r.FailOn)
	return t
}

// Render writes a whole report through w, as a live run would: the
// checklist is steps (nil: only the steps the results name).
func Render(ctx context.Context, w Writer, r *Report, steps []Step) error {
	if err := w.Begin(ctx, r.Header(steps)); err != nil {
		return err
	}
	for _, s := range r.Snapshots {
		if s.Summary == nil {
			s.Summary = results.Summarize(s.Results)
		}
		if err := w.Snapshot(ctx, s); err != nil {
			return err
		}
	}
	return w.End(ctx, r.Trailer())
}

// Multi writes one run through several writers, in order; the first error
// stops the run.
func Multi(ws ...Writer) Writer { return multi(ws) }

type multi []Writer

func (m multi) Begin(ctx context.Context, h Header) error {
	for _, w := range m {
		if err := w.Begin(ctx, h); err != nil {
			return err
		}
	}
	return nil
}

func (m multi) Snapshot(ctx context.Context, s SnapshotResults) error {
	for _, w := range m {
		if err := w.Snapshot(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

func (m multi) End(ctx context.Context, t Trailer) error {
	for _, w := range m {
		if err := w.End(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// HistoryReporter renders a history of runs (supaudit report --history).
type HistoryReporter interface {
	History(ctx context.Context, v *HistoryView) error
}

// HistoryFormats lists the supaudit report --format values.
func HistoryFormats() []string { return []string{"html", "markdown", "json"} }

// WriteHistory renders the history view v in a history format to w.
func WriteHistory(ctx context.Context, format string, w io.Writer, v *HistoryView) error {
	r, err := GetHistory(format, w)
	if err != nil {
		return err
	}
	return r.History(ctx, v)
}

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

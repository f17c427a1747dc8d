package report

import (
	"bufio"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"

	"github.com/supaudit/supaudit/internal/safetext"
	"github.com/supaudit/supaudit/results"
)

//go:embed templates/history.html.tmpl
var templates embed.FS

// cellStatuses are the legend's statuses, worst first.
var cellStatuses = []results.Status{results.Fail, results.Unknown, results.Warn, results.Manual,
	results.Waived, results.Pass, results.NotApplicable}

// historyTemplate is parsed once; html/template escapes every value.
var historyTemplate = template.Must(template.New("history.html.tmpl").Funcs(template.FuncMap{
	"add":      func(a, b int) int { return a + b },
	"sub":      func(a, b int) int { return a - b },
	"f1":       func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"symbol":   func(s results.Status) string { return Symbols[s] },
	"statuses": func() []results.Status { return cellStatuses },
}).ParseFS(templates, "templates/history.html.tmpl"))

// HTML writes a self-contained HTML page (inline CSS and SVG, no scripts,
// no external assets; it works offline) a manager reads in a minute: the
// readiness headline with its definition, a site × step matrix (worst
// sites first; a symbol in every cell besides its colour; each cell links
// to its findings), the trend of sites judged and sites ready on a time
// axis, every status change since the previous run, the waiver register,
// one remediation block per step and the findings by site. A print
// stylesheet puts the headline, the matrix and the trend on the first
// page. As a Renderer it shows one run (a history of one).
type HTML struct {
	W io.Writer
}

// Render implements Renderer: the page of one run (a history of one). The
// run's text passes through safetext first: html/template escapes markup
// but not control characters.
func (h *HTML) Render(ctx context.Context, run *Run) error {
	r := &Report{Schema: SchemaV1, Tool: run.Tool, GeneratedAt: run.GeneratedAt, FailOn: run.FailOn,
		Failed: run.Failed, Summary: run.Summary, Errors: run.ErrorStrings(), Interrupted: run.Interrupted}
	for _, s := range run.Snapshots {
		r.Snapshots = append(r.Snapshots, safeSnapshot(s))
	}
	for i, e := range r.Errors {
		r.Errors[i] = safetext.Line(e)
	}
	v, err := NewHistoryView(HistoryOf(r), r.Tool, r.GeneratedAt)
	if err != nil {
		return err
	}
	return h.History(ctx, v)
}

// History implements HistoryReporter.
func (h *HTML) History(_ context.Context, v *HistoryView) error {
	bw := bufio.NewWriterSize(h.W, 64<<10)
	if err := historyTemplate.Execute(bw, v); err != nil {
		return err
	}
	return bw.Flush()
}

// safeSnapshot is a copy of s whose text fields are escaped by safetext.
func safeSnapshot(s SnapshotResults) SnapshotResults {
	s.ID, s.File = safetext.Line(s.ID), safetext.Line(s.File)
	rs := make([]results.Result, len(s.Results))
	for i, r := range s.Results {
		r.Snapshot, r.File, r.Step, r.Title = safetext.Line(r.Snapshot), safetext.Line(r.File), safetext.Line(r.Step), safetext.Line(r.Title)
		r.Subject, r.Message, r.MoreInformation = safetext.Line(r.Subject), safetext.Text(r.Message), safetext.Line(r.MoreInformation)
		r.Remediation = append([]string(nil), r.Remediation...)
		for k := range r.Remediation {
			r.Remediation[k] = safetext.Text(r.Remediation[k])
		}
		if r.Waiver != nil {
			w := *r.Waiver
			w.Reason, w.ApprovedBy, w.Expires = safetext.Text(w.Reason), safetext.Line(w.ApprovedBy), safetext.Line(w.Expires)
			r.Waiver = &w
		}
		rs[i] = r
	}
	s.Results = rs
	return s
}

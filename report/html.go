package report

import (
	"bufio"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"

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
// page. As a Reporter it shows one run (a history of one).
type HTML struct {
	W io.Writer
}

// Report implements Reporter.
func (h *HTML) Report(ctx context.Context, r *Report) error {
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

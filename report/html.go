package report

import (
	"bufio"
	"context"
	"embed"
	"html/template"
	"io"

	"github.com/supaudit/supaudit/results"
)

//go:embed templates/history.html.tmpl
var templates embed.FS

// historyTemplate is parsed once; html/template escapes every value.
var historyTemplate = template.Must(template.New("history.html.tmpl").Funcs(template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"sub": func(a, b int) int { return a - b },
	"cnt": func(s results.Summary, k string) int { return s[results.Status(k)] },
}).ParseFS(templates, "templates/history.html.tmpl"))

// HTML writes a self-contained HTML page (inline CSS and SVG, no scripts,
// no external assets; it works offline): a summary per site and per step,
// the compliance trend as an inline SVG chart, the changes since the
// previous run and the remediation of every open failure grouped by step.
// As a Reporter it shows one run (a history of one).
type HTML struct {
	W io.Writer
}

// Report implements Reporter.
func (h *HTML) Report(ctx context.Context, r *Report) error {
	v, err := NewHistoryView([]*Report{r}, r.Tool, r.GeneratedAt)
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

package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/supaudit/supaudit/internal/safetext"
	"github.com/supaudit/supaudit/results"
)

// Table writes one table per snapshot (columns step, status, subject,
// message), the remediation under each non-passing row, and a summary line
// per snapshot and for the run, fitted to Width columns. Every value from
// the inputs goes through safetext, so a snapshot cannot send control
// characters to the terminal. With Quiet, only the rows that do not pass
// (and the snapshots that have some) and the run's summary are written.
type Table struct {
	W     io.Writer
	Color bool
	// Width is the terminal width; 0 means 120.
	Width int
	Quiet bool

	count  int
	failOn results.Status
}

var colors = map[results.Status]string{
	results.Pass:          "\x1b[32m",
	results.Fail:          "\x1b[1;31m",
	results.Warn:          "\x1b[33m",
	results.Unknown:       "\x1b[35m",
	results.Manual:        "\x1b[36m",
	results.NotApplicable: "\x1b[2m",
	results.Waived:        "\x1b[34m",
}

func (t *Table) status(s results.Status) string {
	label := strings.ToUpper(safetext.Line(string(s)))
	if s == results.NotApplicable {
		label = "N/A"
	}
	if !t.Color || colors[s] == "" {
		return label
	}
	return colors[s] + label + "\x1b[0m"
}

// Begin implements Writer.
func (t *Table) Begin(_ context.Context, h Header) error {
	t.count = 0
	t.failOn = h.FailOn
	return nil
}

// tableBorders is the width the borders and padding of a four-column table
// take ("│ " per column and a closing "│").
const tableBorders = 4*3 + 1

// columns fits the subject and message columns to the width (column
// widths include one space of padding on each side).
func (t *Table) columns(rows []results.Result) (subject, message int) {
	width := t.Width
	if width <= 0 {
		width = 120
	}
	avail := width - tableBorders - len("SUP-00") - len("UNKNOWN")
	longest := 7
	for _, r := range rows {
		if n := len(safetext.Line(r.Subject)); n > longest {
			longest = n
		}
	}
	subject = min(longest+2, max(avail*2/5, 14))
	message = max(avail-subject, 20)
	return subject, message
}

// Snapshot implements Writer: one table per snapshot.
func (t *Table) Snapshot(_ context.Context, s SnapshotResults) error {
	rows := s.Results
	if t.Quiet {
		rows = nil
		for _, r := range s.Results {
			if !passing(r.Status) {
				rows = append(rows, r)
			}
		}
		if len(rows) == 0 {
			return nil
		}
	}
	subjectW, msgW := t.columns(rows)
	if t.count > 0 {
		fmt.Fprintln(t.W)
	}
	t.count++
	head := fmt.Sprintf("Snapshot %s (%s)", safetext.Line(s.ID), safetext.Line(s.File))
	if width := t.Width; width > 0 && len(head) > width {
		head = fmt.Sprintf("Snapshot %s\n  (%s)", safetext.Line(s.ID), safetext.Line(s.File))
	}
	fmt.Fprintln(t.W, head)
	tbl := tablewriter.NewTable(t.W,
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
		tablewriter.WithColumnWidths(tw.NewMapper[int, int]().Set(2, subjectW).Set(3, msgW)),
		tablewriter.WithHeaderAutoFormat(tw.On),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	tbl.Header("Step", "Status", "Subject", "Message")
	for _, res := range rows {
		if err := tbl.Append(safetext.Line(res.Step), t.status(res.Status), wrapText(safetext.Line(res.Subject), subjectW-2), wrapText(safetext.Text(res.Message), msgW-2)); err != nil {
			return err
		}
		if rem := remediationText(res); rem != "" {
			if err := tbl.Append("", "", "", wrapText(safetext.Text(rem), msgW-2)); err != nil {
				return err
			}
		}
	}
	if err := tbl.Render(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(t.W, "%s: %s\n", safetext.Line(s.ID), results.Summarize(s.Results))
	return err
}

// End implements Writer: errors and the run's summary line.
func (t *Table) End(_ context.Context, tr Trailer) error {
	for _, e := range tr.Errors {
		fmt.Fprintf(t.W, "error: %s\n", safetext.Line(e.Message))
	}
	if tr.Interrupted {
		fmt.Fprintln(t.W, "interrupted: the run stopped before every input was judged; this report is incomplete")
	}
	_, err := fmt.Fprintf(t.W, "\n%d snapshot(s): %s — %s (--fail-on %s)\n", tr.Snapshots, tr.Summary, tr.Verdict(), t.failOn)
	return err
}

// passing reports the statuses that need no attention.
func passing(s results.Status) bool { return s == results.Pass || s == results.NotApplicable }

// remediationText is the text printed under a non-passing row.
func remediationText(res results.Result) string {
	switch res.Status {
	case results.Pass, results.NotApplicable:
		return ""
	case results.Waived:
		return waivedText(res)
	}
	var b strings.Builder
	if len(res.Remediation) > 0 {
		b.WriteString("Remediation:")
		for i, step := range res.Remediation {
			fmt.Fprintf(&b, "\n%d. %s", i+1, step)
		}
	}
	if res.MoreInformation != "" {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("More information: " + res.MoreInformation)
	}
	return b.String()
}

// wrapText wraps text to lines of at most width bytes, at spaces, and
// breaks a word longer than width after a dot or a hyphen where it can
// (host names, distinguished names), else inside it: the table then never
// cuts a value. Existing line breaks are kept.
func wrapText(s string, width int) string {
	if width <= 0 {
		return s
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			for len(word) > width {
				if line != "" {
					out = append(out, line)
					line = ""
				}
				cut := strings.LastIndexAny(word[:width], ".-,/")
				if cut <= 0 {
					cut = width - 1
				}
				out = append(out, word[:cut+1])
				word = word[cut+1:]
			}
			switch {
			case line == "":
				line = word
			case len(line)+1+len(word) <= width:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

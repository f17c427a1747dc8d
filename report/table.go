package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/supaudit/supaudit/results"
)

// Table writes one table per snapshot (columns step, status, subject,
// message), the remediation under each non-passing row, and a summary line
// per snapshot and for the run.
type Table struct {
	W     io.Writer
	Color bool
	Width int

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
	label := strings.ToUpper(string(s))
	if s == results.NotApplicable {
		label = "N/A"
	}
	if !t.Color {
		return label
	}
	return colors[s] + label + "\x1b[0m"
}

// Report implements Reporter.
func (t *Table) Report(_ context.Context, r *Report) error { return Stream(t, r) }

// Begin implements Streamer.
func (t *Table) Begin(h Header) error {
	t.count = 0
	t.failOn = h.FailOn
	return nil
}

// WriteSnapshot implements Streamer: one table per snapshot.
func (t *Table) WriteSnapshot(s SnapshotResults) error {
	width := t.Width
	if width <= 0 {
		width = 120
	}
	msgWidth := width - 50
	if msgWidth < 30 {
		msgWidth = 30
	}
	if t.count > 0 {
		fmt.Fprintln(t.W)
	}
	t.count++
	fmt.Fprintf(t.W, "Snapshot %s (%s)\n", s.ID, s.File)
	tbl := tablewriter.NewTable(t.W,
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
		tablewriter.WithColumnWidths(tw.NewMapper[int, int]().Set(3, msgWidth)),
		tablewriter.WithHeaderAutoFormat(tw.On),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	tbl.Header("Step", "Status", "Subject", "Message")
	for _, res := range s.Results {
		if err := tbl.Append(res.Step, t.status(res.Status), res.Subject, res.Message); err != nil {
			return err
		}
		if rem := remediationText(res); rem != "" {
			if err := tbl.Append("", "", "", rem); err != nil {
				return err
			}
		}
	}
	if err := tbl.Render(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(t.W, "%s: %s\n", s.ID, results.Summarize(s.Results))
	return err
}

// End implements Streamer: errors and the run's summary line.
func (t *Table) End(tr Trailer) error {
	for _, e := range tr.Errors {
		fmt.Fprintf(t.W, "error: %s\n", e)
	}
	verdict := "PASSED"
	if tr.Failed {
		verdict = "FAILED"
	}
	if len(tr.Errors) > 0 {
		verdict = "ERROR"
	}
	_, err := fmt.Fprintf(t.W, "\n%d snapshot(s): %s — %s (--fail-on %s)\n", tr.Snapshots, tr.Summary, verdict, t.failOn)
	return err
}

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

package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/supaudit/supaudit/internal/safetext"
	"github.com/supaudit/supaudit/snapdiff"
)

// Diff is what changed between two snapshots or two runs (supaudit diff;
// its JSON form).
type Diff struct {
	// Kind is "snapshots" or "reports".
	Kind     string            `json:"kind"`
	Before   string            `json:"before"`
	After    string            `json:"after"`
	Facts    []snapdiff.Change `json:"facts,omitempty"`
	Verdicts []VerdictChange   `json:"verdicts"`
	// Worse is whether some verdict got worse (exit code 1).
	Worse bool `json:"worse"`
}

// WriteDiff writes d in a diff format: "table" (WriteDiffTable, with the
// values and hosts of the inputs' control characters escaped, as they may
// reach a terminal) or "json" (indented).
func WriteDiff(w io.Writer, format string, d *Diff) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	case "table":
		return WriteDiffTable(safetext.NewWriter(w), d)
	}
	return fmt.Errorf("unknown format %q: want table or json", format)
}

// WriteDiffTable writes d as the terminal tables of supaudit diff: the
// facts that changed (two snapshots), the verdicts that changed, and
// whether something got worse.
func WriteDiffTable(w io.Writer, out *Diff) error {
	fmt.Fprintf(w, "%s: %s -> %s\n", out.Kind, out.Before, out.After)
	if out.Kind == "snapshots" {
		fmt.Fprintf(w, "\nFacts: %d changed\n", len(out.Facts))
		if len(out.Facts) > 0 {
			t := tablewriter.NewTable(w,
				tablewriter.WithRowAutoWrap(tw.WrapNormal),
				tablewriter.WithColumnWidths(tw.NewMapper[int, int]().Set(2, 24).Set(3, 24).Set(4, 40)),
				tablewriter.WithRowAlignment(tw.AlignLeft),
			)
			t.Header("Change", "Fact", "Before", "After", "Provenance")
			for _, c := range out.Facts {
				var before, after, prov string
				if c.Before != nil {
					before, prov = c.Before.Value, snapdiff.ProvenanceString(c.Before.Provenance)
				}
				if c.After != nil {
					after = c.After.Value
					if p := snapdiff.ProvenanceString(c.After.Provenance); p != "" {
						prov = p
					}
				}
				if err := t.Append(c.Kind, c.Path, before, after, prov); err != nil {
					return err
				}
			}
			if err := t.Render(); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(w, "\nVerdicts: %d changed\n", len(out.Verdicts))
	if len(out.Verdicts) > 0 {
		msgCol := 5
		if out.Kind == "snapshots" {
			msgCol = 4
		}
		t := tablewriter.NewTable(w,
			tablewriter.WithRowAutoWrap(tw.WrapNormal),
			tablewriter.WithColumnWidths(tw.NewMapper[int, int]().Set(msgCol, 50)),
			tablewriter.WithRowAlignment(tw.AlignLeft),
		)
		header := []any{"Snapshot", "Step", "Subject", "Before", "After", "Message"}
		if out.Kind == "snapshots" {
			header = header[1:]
		}
		t.Header(header...)
		for _, v := range out.Verdicts {
			before, after := string(v.Before), string(v.After)
			if before == "" {
				before = "-"
			}
			if after == "" {
				after = "-"
			}
			if v.Worse {
				after += " (worse)"
			}
			row := []any{v.Snapshot, v.Step, v.Subject, before, after, v.Message}
			if out.Kind == "snapshots" {
				row = row[1:]
			}
			if err := t.Append(row...); err != nil {
				return err
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	verdict := "nothing got worse"
	if out.Worse {
		verdict = "WORSE: some verdict got worse"
	}
	_, err := fmt.Fprintf(w, "\n%s\n", verdict)
	return err
}

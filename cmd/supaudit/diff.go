package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/internal/capread"
	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/snapdiff"
)

func init() { registerCommand(newDiffCmd) }

type diffFlags struct {
	policyFlags
	format  string
	maxSize int64
}

// diffOutput is the JSON form of supaudit diff.
type diffOutput struct {
	// Kind is "snapshots" or "reports".
	Kind     string                 `json:"kind"`
	Before   string                 `json:"before"`
	After    string                 `json:"after"`
	Facts    []snapdiff.Change      `json:"facts,omitempty"`
	Verdicts []report.VerdictChange `json:"verdicts"`
	// Worse is whether some verdict got worse (exit code 1).
	Worse bool `json:"worse"`
}

func newDiffCmd(e *env) *cobra.Command {
	var f diffFlags
	cmd := &cobra.Command{
		Use:   "diff BEFORE AFTER",
		Short: "Show what changed between two snapshots or two runs; exit 1 when a verdict got worse",
		Long: `Compare two facts snapshots (supaudit/facts/v1) or two JSON reports
(supaudit/report/v1, e.g. two runs kept with check --history).

Two snapshots: the facts added, removed and changed, with their provenance
on both sides, and the verdicts that changed when both are judged (with the
same --data, --policy and --as-of). Two reports: the verdicts that changed,
per (snapshot, step, subject).

A verdict got worse when its status ranks higher after than before (pass <
manual < warn < unknown < fail; a result that did not exist ranks as pass).

Exit codes:
  0  no verdict got worse
  1  some verdict got worse (a drift gate)
  2  usage error, or an input could not be read`,
		Example: `  supaudit diff last-month.json today.json
  supaudit diff history/20261001T060000.000Z-1a2b3c4d.json history/20261101T060000.000Z-5e6f7a8b.json --format json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(cmd.Context(), e, &f, args[0], args[1])
		},
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "table", "output format: table or json")
	fl.Int64Var(&f.maxSize, "max-size", facts.DefaultMaxSize, "largest input file to read, in bytes")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"table", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// inputSchema reads the "schema" of a JSON file, at most max bytes.
func inputSchema(path string, max int64) (string, []byte, error) {
	data, err := capread.File(path, max)
	if errors.Is(err, capread.ErrTooLarge) {
		return "", nil, fmt.Errorf("%s: %w (see --max-size)", path, err)
	}
	if err != nil {
		return "", nil, err
	}
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return "", nil, fmt.Errorf("%s: not JSON: %w", path, err)
	}
	return head.Schema, data, nil
}

func runDiff(ctx context.Context, e *env, f *diffFlags, a, b string) error {
	if f.format != "table" && f.format != "json" {
		return usageError(fmt.Errorf("unknown format %q: want table or json", f.format))
	}
	sa, da, err := inputSchema(a, f.maxSize)
	if err != nil {
		return usageError(err)
	}
	sb, db, err := inputSchema(b, f.maxSize)
	if err != nil {
		return usageError(err)
	}
	out := diffOutput{Before: a, After: b}
	switch {
	case sa == report.SchemaV1 && sb == report.SchemaV1:
		out.Kind = "reports"
		ra, err := report.ParseReport(a, da)
		if err != nil {
			return usageError(err)
		}
		rb, err := report.ParseReport(b, db)
		if err != nil {
			return usageError(err)
		}
		out.Verdicts = report.DiffResults(ra.Snapshots, rb.Snapshots)
	case sa == facts.SchemaV1 && sb == facts.SchemaV1:
		out.Kind = "snapshots"
		engine, err := f.engine(ctx)
		if err != nil {
			return err
		}
		var sides [2][]report.SnapshotResults
		var raws [2]map[string]any
		for i, p := range []string{a, b} {
			doc, err := facts.LoadFile(p, facts.Options{MaxSize: f.maxSize})
			if err != nil {
				return usageError(err)
			}
			rs, err := engine.Evaluate(ctx, doc, nil)
			if err != nil {
				return usageError(fmt.Errorf("%s: %w", p, err))
			}
			raws[i] = doc.Raw
			// Compare the two as the same site, whatever their ids.
			sides[i] = []report.SnapshotResults{{ID: "site", File: p, Results: rs}}
		}
		out.Facts = snapdiff.Diff(raws[0], raws[1])
		out.Verdicts = report.DiffResults(sides[0], sides[1])
		for i := range out.Verdicts {
			out.Verdicts[i].Snapshot = ""
		}
	default:
		return usageError(fmt.Errorf("diff needs two snapshots (%s) or two JSON reports (%s): %s is %q, %s is %q",
			facts.SchemaV1, report.SchemaV1, a, sa, b, sb))
	}
	if out.Verdicts == nil {
		out.Verdicts = []report.VerdictChange{}
	}
	for _, v := range out.Verdicts {
		if v.Worse {
			out.Worse = true
		}
	}
	var buf bytes.Buffer
	if f.format == "json" {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return usageError(err)
		}
	} else if err := writeDiffTable(&buf, out); err != nil {
		return usageError(err)
	}
	if _, err := e.stdout.Write(buf.Bytes()); err != nil {
		return usageError(err)
	}
	if out.Worse {
		return errFindings
	}
	return nil
}

func writeDiffTable(w io.Writer, out diffOutput) error {
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

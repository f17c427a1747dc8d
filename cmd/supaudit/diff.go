package main

import (
	"bytes"
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/audit"
	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/report"
)

type diffFlags struct {
	policyFlags
	format  string
	maxSize int64
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

func runDiff(ctx context.Context, e *env, f *diffFlags, a, b string) error {
	if f.format != "table" && f.format != "json" {
		return usageError(fmt.Errorf("unknown format %q: want table or json", f.format))
	}
	if err := positive("--max-size", f.maxSize); err != nil {
		return err
	}
	out, err := audit.Diff(ctx, f.Engine, a, b, f.maxSize)
	if err != nil {
		return usageError(err)
	}
	var buf bytes.Buffer
	if err := report.WriteDiff(&buf, f.format, out); err != nil {
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

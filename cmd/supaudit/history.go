package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/report"
)

type reportFlags struct {
	history string
	format  string
	output  string
	maxRuns int
}

func newReportCmd(e *env) *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report --history DIR",
		Short: "Render the kept runs (check --history) as a compliance report with trend and changes",
		Long: `Read every run kept with supaudit check --history DIR (JSON reports,
**/*.json below DIR, sorted by generated_at) and render one report: a
summary per site and per step of the latest run, the compliance trend over
the runs (an inline SVG chart in HTML), what changed since the previous run
(new failures, fixed steps, new hosts) and the remediation of every open
failure, grouped by checklist step.

The HTML page is self-contained: inline CSS and SVG, no scripts, no external
assets; it works offline.

Exit codes:
  0  the report was written
  2  usage error, or the history could not be read`,
		Example: `  supaudit report --history history/ --format html --output compliance.html
  supaudit report --history history/ --format markdown >> "$GITHUB_STEP_SUMMARY"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd.Context(), e, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.history, "history", "", "directory of kept runs (written by supaudit check --history)")
	fl.StringVarP(&f.format, "format", "f", "html", "output format: "+strings.Join(report.HistoryFormats(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file (atomically) instead of standard output")
	fl.IntVar(&f.maxRuns, "max-runs", report.DefaultMaxHistoryRuns, "read at most this many runs (the newest)")
	_ = cmd.MarkFlagRequired("history")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.HistoryFormats(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runReport(ctx context.Context, e *env, f *reportFlags) error {
	if _, err := report.GetHistory(f.format, io.Discard); err != nil {
		return usageError(err)
	}
	runs, err := report.LoadHistory(ctx, f.history, report.HistoryOptions{MaxRuns: f.maxRuns})
	if err != nil {
		return usageError(err)
	}
	v, err := report.NewHistoryView(runs, report.Tool{Name: "supaudit", Version: toolVersion()}, e.now())
	if err != nil {
		return usageError(fmt.Errorf("history %s: %w", f.history, err))
	}
	write := func(w io.Writer) error {
		r, err := report.GetHistory(f.format, w)
		if err != nil {
			return err
		}
		return r.History(ctx, v)
	}
	if f.output == "" {
		if err := write(e.stdout); err != nil {
			return usageError(err)
		}
		return nil
	}
	if err := report.WriteFileAtomic(f.output, write); err != nil {
		return usageError(err)
	}
	fmt.Fprintf(e.stderr, "supaudit: wrote %s: %d run(s), latest %s\n", f.output, len(runs), v.Latest.Summary)
	return nil
}

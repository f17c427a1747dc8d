package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/history"
	"github.com/supaudit/supaudit/output"
	"github.com/supaudit/supaudit/report"
)

type reportFlags struct {
	history string
	format  string
	output  string
	maxRuns int
	since   string
	site    string
	step    string
}

// historyFlagHelp describes a --history value, for check, report and
// history import.
const historyFlagHelp = "history store: FILE.db or sqlite:PATH (SQLite), postgres://… (PostgreSQL), or a directory of JSON runs"

func newReportCmd(e *env) *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report --history STORE",
		Short: "Render the kept runs (check --history) as a compliance report: readiness, site x step matrix, trend, changes, waivers",
		Long: `Read the runs kept with supaudit check --history STORE and render one
report for a manager: the readiness headline ("3 of 25 sites ready", with
the definition: the latest run's --fail-on), a matrix of sites (worst
first) by checklist step, the trend of sites judged and sites ready on a
time axis, every status change since the previous run, the waiver register
(expired and expiring within 30 days first), and one remediation block per
step listing the hosts it applies to.

STORE is a SQLite database file (FILE.db, or sqlite:PATH), a PostgreSQL
database (postgres://user@host/db) or a directory of JSON runs (written by
earlier versions; a bad file in it is skipped with a warning naming it).
See docs/reports.md.

--since, --site and --step narrow the report: runs at or after a time
(90d, 12w, 36h, or a date 2026-09-01), one site (its site code or snapshot
id), one checklist step.

The HTML page is self-contained: inline CSS and SVG, no scripts, no external
assets; it works offline, and prints with the headline, the matrix and the
trend on the first page.

Exit codes:
  0  the report was written
  2  usage error, or the history could not be read`,
		Example: `  supaudit report --history history.db --format html --output compliance.html
  supaudit report --history history.db --since 90d --site ABC --step SUP-10 --format markdown
  supaudit report --history history.db --format json --output history.json
  supaudit report --history postgres://supaudit@db.example.com/supaudit --format html -o compliance.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd.Context(), e, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.history, "history", "", historyFlagHelp)
	fl.StringVarP(&f.format, "format", "f", "html", "output format: "+strings.Join(report.HistoryFormats(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file (atomically) instead of standard output")
	fl.IntVar(&f.maxRuns, "max-runs", history.DefaultMaxRuns, "read at most this many runs (the newest)")
	fl.StringVar(&f.since, "since", "", "only runs at or after this time: a duration back from now (90d, 12w, 36h) or a date (2026-09-01)")
	fl.StringVar(&f.site, "site", "", "only this site: its site code (ABC) or snapshot id")
	fl.StringVar(&f.step, "step", "", "only this checklist step (SUP-10)")
	_ = cmd.MarkFlagRequired("history")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.HistoryFormats(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runReport(ctx context.Context, e *env, f *reportFlags) error {
	if _, err := report.GetHistory(f.format, io.Discard); err != nil {
		return usageError(err)
	}
	since, err := history.ParseSince(f.since, e.now())
	if err != nil {
		return usageError(err)
	}
	if f.maxRuns <= 0 {
		return usageError(fmt.Errorf("invalid --max-runs %d: want at least 1", f.maxRuns))
	}
	h, err := history.Read(ctx, f.history, history.Query{HistoryQuery: report.HistoryQuery{Since: since, Site: f.site, Step: f.step}, MaxRuns: f.maxRuns})
	if err != nil {
		return usageError(err)
	}
	for _, w := range h.Warnings {
		fmt.Fprintf(e.stderr, "supaudit: warning: %s\n", w)
	}
	v, err := report.NewHistoryView(h, report.Tool{Name: "supaudit", Version: toolVersion()}, e.now())
	if err != nil {
		return usageError(fmt.Errorf("history %s: %w", history.Describe(f.history), err))
	}
	if err := output.WriteTo(ctx, f.output, e.stdout, output.NewInputs(f.history), func(w io.Writer) error {
		return report.WriteHistory(ctx, f.format, w, v)
	}); err != nil {
		return usageError(err)
	}
	if f.output != "" {
		fmt.Fprintf(e.stderr, "supaudit: wrote %s: %d run(s); %d of %d sites ready\n", f.output, v.Runs, v.Ready, v.Sites)
	}
	return nil
}

func newHistoryCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "history",
		Short: "Manage the history store (import a folder of JSON runs into a database)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError(fmt.Errorf("history: name a subcommand (import)"))
		},
	}
	var to string
	imp := &cobra.Command{
		Use:   "import DIR --history STORE",
		Short: "Copy the JSON runs of DIR (check --history DIR) into a SQLite or PostgreSQL history store",
		Long: `Read every run file (**/*.json) below DIR and record it in the database
STORE (FILE.db, sqlite:PATH or postgres://…), one transaction per run, under
the file's name as the run id: importing the same folder again adds
nothing. A file that is not a supaudit/report/v1 report is skipped with a
warning naming it. The waiver register of an imported run is the waivers
its results record.

Exit codes:
  0  every readable run is in the store
  2  usage error, or the store could not be written`,
		Example: `  supaudit history import history/ --history history.db`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(cmd.Context(), e, args[0], to)
		},
	}
	imp.Flags().StringVar(&to, "history", "", "the database to import into: FILE.db, sqlite:PATH or postgres://…")
	_ = imp.MarkFlagRequired("history")
	cmd.AddCommand(imp)
	return cmd
}

func runImport(ctx context.Context, e *env, dir, to string) error {
	res, err := history.ImportDir(ctx, dir, to)
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stderr, "supaudit: warning: %s\n", w)
	}
	if err != nil {
		return usageError(err)
	}
	fmt.Fprintf(e.stderr, "supaudit: imported %d run(s) from %s into %s (%d already there, %d skipped)\n",
		res.Imported, dir, history.Describe(to), res.Present, res.Skipped)
	return nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/supaudit/supaudit/audit"
	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/internal/safetext"
	"github.com/supaudit/supaudit/output"
	"github.com/supaudit/supaudit/policies"
	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/results"
)

// policyFlags are the flags that shape judging, shared by check and verify.
type policyFlags struct{ audit.Policy }

func (p *policyFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&p.DataFile, "data", "", "YAML or JSON file overriding policy parameters (versions, ports, max sync age); see docs/policies.md")
	f.StringArrayVar(&p.PolicyDirs, "policy", nil, "directory of additional Rego v1 policies (repeatable); see docs/policies.md")
	f.StringVar(&p.AsOf, "as-of", "", "judge time-dependent facts (sync age, certificate validity) as of this RFC 3339 time instead of each snapshot's collected_at")
	f.DurationVar(&p.EvalTimeout, "eval-timeout", policies.DefaultEvalTimeout, "time limit for judging one snapshot; a snapshot that takes longer becomes an error naming the limit, and the others are judged (0: no limit)")
	f.BoolVar(&p.AllowNetwork, "allow-network", false, "let --policy modules call the built-ins that reach outside the evaluation ("+strings.Join(policies.RestrictedBuiltins, ", ")+"); refused by default")
}

// engine compiles the policies the flags ask for (audit.Policy.Engine).
func (p *policyFlags) engine(ctx context.Context) (*policies.Engine, error) {
	e, err := p.Engine(ctx)
	if err != nil {
		return nil, usageError(err)
	}
	return e, nil
}

type checkFlags struct {
	policyFlags
	// reports: --format, --output and every --report (reports.go).
	reports audit.ReportRequest
	failOn  string
	answers string
	noColor bool
	maxSize int64
	// waivers and history: see waivers.go.
	waivers    string
	history    string
	sourceRoot string
	quiet      *pflag.Flag
	changed    func(name string) bool
}

func newCheckCmd(e *env) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check SNAPSHOT|DIR|GLOB...",
		Short: "Judge facts snapshots against the checklist and report",
		Long: `Judge one or more facts snapshots (supaudit/facts/v1 JSON) against the
checklist and print, for every step, a verdict, the subject, a message and the
remediation of every step that does not pass.

Arguments are snapshot files, directories (every **/*.json below them) or
doublestar glob patterns such as 'fixtures/**/*.json' (quote them so the
shell does not expand them; an expanded list works too).

` + exitCodesHelp,
		Example: `  supaudit check fixtures/snapshots/*.json
  supaudit check 'fixtures/**/*.json' --format json
  supaudit check site.json --fail-on warn --output report.json --format json
  supaudit check site.json --report table --report json=report.json --report sarif=results.sarif --report junit=results.xml
  supaudit check site.json --data params.yaml --policy ./our-policies --answers answers.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd.Context(), e, &f, args)
		},
	}
	f.register(cmd)
	fl := cmd.Flags()
	f.registerReportFlags(cmd)
	fl.Int64Var(&f.maxSize, "max-size", facts.DefaultMaxSize, "largest snapshot file to read, in bytes")
	registerWaiverFlag(cmd, &f)
	fl.StringVar(&f.history, "history", "", "keep this run for supaudit report in this "+historyFlagHelp)
	return cmd
}

func runCheck(ctx context.Context, e *env, f *checkFlags, args []string) error {
	failOn, err := f.threshold()
	if err != nil {
		return err
	}
	if err := positive("--max-size", f.maxSize); err != nil {
		return err
	}
	files, err := audit.Inputs(args, func(msg string) { fmt.Fprintf(e.stderr, "supaudit: warning: %s\n", msg) })
	if err != nil {
		return usageError(err)
	}
	inputs := output.NewInputs(args...)
	inputs.Add(files...)
	inputs.Add(f.inputFiles()...)
	outs, err := f.prepareReports(inputs)
	if err != nil {
		return err
	}
	defer outs.Abort()
	run, err := audit.NewRun(ctx, f.runOptions(e, failOn))
	if err != nil {
		return usageError(err)
	}
	return f.report(ctx, e, run, outs, run.Files(ctx, files, f.maxSize, outs.NeedsLines()))
}

// inputFiles are the files and directories the judging flags read.
func (f *checkFlags) inputFiles() []string {
	return append([]string{f.DataFile, f.answers, f.waivers}, f.PolicyDirs...)
}

// runOptions set up a run started now, its messages on standard error.
func (f *checkFlags) runOptions(e *env, failOn results.Status) audit.RunOptions {
	return audit.RunOptions{Policy: f.Policy, AnswersFile: f.answers, FailOn: failOn, WaiversFile: f.waivers, History: f.history,
		Tool: report.Tool{Name: "supaudit", Version: toolVersion()}, At: e.now(),
		Notify: func(msg string) { fmt.Fprintf(e.stderr, "supaudit: %s\n", msg) }}
}

// report writes the reports of the snapshots src judges (audit.Run.Report:
// every --report, or --format to --output or standard output; all files or
// none) and maps the outcome to the exit code. check and scan share it.
func (f *checkFlags) report(ctx context.Context, e *env, run *audit.Run, outs *audit.Outputs, src audit.Source) error {
	trailer, err := run.Report(ctx, outs, f.writeOptions(e), src)
	if err != nil {
		return usageError(err)
	}
	switch trailer.ExitCode {
	case report.ExitOK:
		return nil
	case report.ExitFindings:
		return errFindings
	}
	return &codeError{code: exitError}
}

// registerReportFlags adds the flags check and scan share for judging and
// reporting: --format, --output, --report, --source-root, --quiet,
// --fail-on, --answers, --no-color.
func (f *checkFlags) registerReportFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	f.changed = fl.Changed
	fl.StringVarP(&f.reports.Format, "format", "f", "table", "output format (any case): "+strings.Join(report.Formats(), ", "))
	fl.StringVarP(&f.reports.Output, "output", "o", "", "write the report to this file (atomically) instead of standard output")
	fl.StringArrayVar(&f.reports.Reports, "report", nil, "write a report FORMAT[=PATH] (repeatable; no path: standard output, at most one); all files are written or none; see docs/reports.md")
	fl.StringVar(&f.sourceRoot, "source-root", "", "make SARIF file URIs relative to this directory (the repository root; base id SRCROOT)")
	if fl.Lookup("quiet") == nil {
		fl.BoolP("quiet", "q", false, "table: only the results that do not pass and the summary")
	}
	f.quiet = fl.Lookup("quiet")
	fl.StringVar(&f.failOn, "fail-on", "fail", "exit 1 when a result is at or above this status (any case): fail, unknown, warn or manual")
	fl.StringVar(&f.answers, "answers", "", "YAML file attesting manual steps (who, when, note); see docs/answers.md")
	fl.BoolVar(&f.noColor, "no-color", false, "never colour the table (colour is used only on a terminal; NO_COLOR is honoured)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("report", cobra.FixedCompletions(report.Formats(), cobra.ShellCompDirectiveNoSpace))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"fail", "unknown", "warn", "manual"}, cobra.ShellCompDirectiveNoFileComp))
}

// threshold validates --fail-on and --format and returns the threshold.
func (f *checkFlags) threshold() (results.Status, error) {
	failOn, err := results.ParseFailOn(f.failOn)
	if err != nil {
		return "", usageError(err)
	}
	if _, err := report.ParseFormat(f.reports.Format); err != nil {
		return "", usageError(err)
	}
	return failOn, nil
}

// quietTable reports --quiet.
func (f *checkFlags) quietTable() bool { return f.quiet != nil && f.quiet.Value.String() == "true" }

func isTerminal(w io.Writer) bool {
	if sw, ok := w.(*safetext.Writer); ok {
		w = sw.W
	}
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

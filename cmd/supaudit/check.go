package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/audit"
	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/policies"
	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/results"
)

// policyFlags are the flags that shape judging, shared by check and verify.
type policyFlags struct {
	dataFile   string
	policyDirs []string
	asOf       string
}

func (p *policyFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&p.dataFile, "data", "", "YAML or JSON file overriding policy parameters (versions, ports, max sync age); see docs/policies.md")
	f.StringArrayVar(&p.policyDirs, "policy", nil, "directory of additional Rego v1 policies (repeatable); see docs/policies.md")
	f.StringVar(&p.asOf, "as-of", "", "judge time-dependent facts (sync age, certificate validity) as of this RFC 3339 time instead of each snapshot's collected_at")
}

func (p *policyFlags) engine(ctx context.Context) (*policies.Engine, error) {
	opts := policies.Options{PolicyDirs: p.policyDirs}
	if p.dataFile != "" {
		m, err := policies.LoadParamsFile(p.dataFile)
		if err != nil {
			return nil, usageError(err)
		}
		opts.Params = m
	}
	if p.asOf != "" {
		if _, err := time.Parse(time.RFC3339, p.asOf); err != nil {
			return nil, usageError(fmt.Errorf("--as-of %q: want an RFC 3339 time such as 2026-11-25T12:00:00Z", p.asOf))
		}
		if opts.Params == nil {
			opts.Params = map[string]any{}
		}
		opts.Params["as_of"] = p.asOf
	}
	e, err := policies.New(ctx, opts)
	if err != nil {
		return nil, usageError(err)
	}
	return e, nil
}

type checkFlags struct {
	policyFlags
	format  string
	output  string
	failOn  string
	answers string
	noColor bool
	maxSize int64
	// waivers and history: see waivers.go.
	waivers string
	history string
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
	files, err := audit.Inputs(args)
	if err != nil {
		return usageError(err)
	}
	engine, answers, err := f.policiesAndAnswers(ctx)
	if err != nil {
		return err
	}
	header := f.header(e, failOn)
	post, err := audit.NewPost(ctx, f.waivers, f.history, header.GeneratedAt)
	if err != nil {
		return usageError(err)
	}
	judge := &audit.Judge{Engine: engine, Answers: answers, MaxSize: f.maxSize}
	return f.report(ctx, e, header, post, func(emit audit.Emit) []string {
		return judge.Files(ctx, files, post.Wrap(emit))
	})
}

// header is the report header of a run started now.
func (f *checkFlags) header(e *env, failOn results.Status) report.Header {
	return report.Header{Tool: report.Tool{Name: "supaudit", Version: toolVersion()}, GeneratedAt: e.now().UTC(), FailOn: failOn}
}

// report writes the report of the snapshots src judges, to --output
// (atomically) or standard output, then notes unused waivers, keeps the
// run for --history, and maps the outcome to the exit code. check and
// scan share it.
func (f *checkFlags) report(ctx context.Context, e *env, h report.Header, post *audit.Post, src audit.Source) error {
	opts := f.reportOptions(e)
	var trailer report.Trailer
	write := func(w io.Writer) error {
		r, err := report.Get(f.format, w, opts)
		if err != nil {
			return err
		}
		trailer, err = audit.Stream(ctx, r, h, src)
		return err
	}
	if f.output != "" {
		if err := report.WriteFileAtomic(f.output, write); err != nil {
			return usageError(err)
		}
		if ctx.Err() == nil {
			fmt.Fprintf(e.stderr, "supaudit: wrote %s: %d snapshot(s), %s\n", f.output, trailer.Snapshots, trailer.Summary)
		}
	} else if err := write(e.stdout); err != nil {
		return usageError(err)
	}
	if ctx.Err() != nil {
		return usageError(fmt.Errorf("interrupted"))
	}
	for _, n := range post.Notes() {
		fmt.Fprintf(e.stderr, "supaudit: %s\n", n)
	}
	path, err := post.Record(ctx, h, trailer)
	if err != nil {
		return usageError(err)
	}
	if path != "" {
		fmt.Fprintf(e.stderr, "supaudit: kept this run in %s\n", path)
	}
	if len(trailer.Errors) > 0 {
		for _, m := range trailer.Errors {
			fmt.Fprintf(e.stderr, "supaudit: %s\n", m)
		}
		return &codeError{code: exitError}
	}
	if trailer.Failed {
		return errFindings
	}
	return nil
}

// registerReportFlags adds the flags check and scan share for judging and
// reporting: --format, --output, --fail-on, --answers, --no-color.
func (f *checkFlags) registerReportFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "table", "output format: "+strings.Join(report.Formats(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file (atomically) instead of standard output")
	fl.StringVar(&f.failOn, "fail-on", "fail", "exit 1 when a result is at or above this status: fail, unknown, warn or manual")
	fl.StringVar(&f.answers, "answers", "", "YAML file attesting manual steps (who, when, note); see docs/answers.md")
	fl.BoolVar(&f.noColor, "no-color", false, "never colour the table (colour is used only on a terminal; NO_COLOR is honoured)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"fail", "unknown", "warn", "manual"}, cobra.ShellCompDirectiveNoFileComp))
}

// threshold validates --fail-on and --format and returns the threshold.
func (f *checkFlags) threshold() (results.Status, error) {
	failOn, err := results.ParseFailOn(f.failOn)
	if err != nil {
		return "", usageError(err)
	}
	if _, err := report.Get(f.format, io.Discard, report.Options{}); err != nil {
		return "", usageError(err)
	}
	return failOn, nil
}

// policiesAndAnswers compiles the policies (with --data and --policy) and
// loads the --answers attestations, rejecting those of fact-judged steps.
func (f *checkFlags) policiesAndAnswers(ctx context.Context) (*policies.Engine, []facts.Answer, error) {
	engine, err := f.engine(ctx)
	if err != nil {
		return nil, nil, err
	}
	if f.answers == "" {
		return engine, nil, nil
	}
	answers, err := facts.LoadAnswers(f.answers)
	if err != nil {
		return nil, nil, usageError(err)
	}
	if err := checkAnswers(engine, answers, f.answers); err != nil {
		return nil, nil, usageError(err)
	}
	return engine, answers, nil
}

// reportOptions colours the table only on a terminal, without --no-color
// and NO_COLOR.
func (f *checkFlags) reportOptions(e *env) report.Options {
	toTerminal := f.output == "" && isTerminal(e.stdout)
	return report.Options{Color: toTerminal && !f.noColor && os.Getenv("NO_COLOR") == "", Width: terminalWidth()}
}

// checkAnswers rejects attestations of steps that are not manual: facts
// decide those, not a signature.
func checkAnswers(engine *policies.Engine, answers []facts.Answer, file string) error {
	for i, a := range answers {
		st, ok := engine.Step(a.Step)
		if !ok {
			return fmt.Errorf("answers %s: answers[%d].step: unknown step %q", file, i, a.Step)
		}
		if !st.Manual {
			return fmt.Errorf("answers %s: answers[%d].step: %s (%s) is judged from facts and cannot be attested", file, i, a.Step, st.Title)
		}
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

func terminalWidth() int {
	if c := os.Getenv("COLUMNS"); c != "" {
		var n int
		if _, err := fmt.Sscanf(c, "%d", &n); err == nil && n >= 60 {
			return n
		}
	}
	return 120
}

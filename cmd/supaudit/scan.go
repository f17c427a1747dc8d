package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/audit"
	"github.com/supaudit/supaudit/report"
)

type scanFlags struct {
	checkFlags
	bundleFlags
	snapshot string
}

func newScanCmd(e *env) *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "scan --bundle DIR",
		Short: "Collect an evidence bundle, judge it against the checklist and report",
		Long: `Collect the facts of an evidence bundle (as supaudit collect), judge them
against the checklist and report (as supaudit check). Problems with one
server's evidence are reported on standard error; the steps that needed those
facts are reported unknown.

` + exitCodesHelp,
		Example: `  supaudit scan --bundle fixtures/bundles/compliant
  supaudit scan --bundle evidence/ --format json --output report.json --snapshot site.json
  supaudit scan --inventory sites.yaml --bundle evidence/    # network probe merged with evidence (docs/probe.md)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScan(cmd.Context(), e, &f)
		},
	}
	f.bundleFlags.register(cmd)
	f.policyFlags.register(cmd)
	fl := cmd.Flags()
	f.registerReportFlags(cmd)
	fl.StringVar(&f.snapshot, "snapshot", "", "also write the collected snapshot to this file (atomically)")
	registerWaiverFlag(cmd, &f.checkFlags)
	return cmd
}

func runScan(ctx context.Context, e *env, f *scanFlags) error {
	failOn, err := f.threshold()
	if err != nil {
		return err
	}
	engine, answers, err := f.policiesAndAnswers(ctx)
	if err != nil {
		return err
	}
	header := f.header(e, failOn)
	post, err := audit.NewPost(ctx, f.waivers, "", header.GeneratedAt)
	if err != nil {
		return usageError(err)
	}
	col, err := f.collect(ctx, e)
	if err != nil {
		return err
	}
	if col.Interrupted {
		// Interrupted probe: judge and report what was collected.
		ctx = context.WithoutCancel(ctx)
	}
	if f.snapshot != "" {
		if err := report.WriteFileAtomic(f.snapshot, func(w io.Writer) error {
			_, err := w.Write(col.Data)
			return err
		}); err != nil {
			return usageError(err)
		}
	}
	judge := &audit.Judge{Engine: engine, Answers: answers}
	return f.report(ctx, e, header, post, func(emit audit.Emit) []string {
		snap, err := judge.Document(ctx, col.Doc, col.Source)
		if err != nil {
			return []string{err.Error()}
		}
		_ = post.Wrap(emit)(snap)
		return nil
	})
}

package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

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
	post, err := newPostJudge(ctx, &f.checkFlags, e.now().UTC())
	if err != nil {
		return err
	}
	data, doc, err := f.collect(ctx, e)
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		// Interrupted probe (probe.go): judge and report what was collected.
		ctx = context.WithoutCancel(ctx)
	}
	if f.snapshot != "" {
		if err := report.WriteFileAtomic(f.snapshot, func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		}); err != nil {
			return usageError(err)
		}
	}
	rs, err := engine.Evaluate(ctx, doc, answers)
	if err != nil {
		return usageError(fmt.Errorf("%s: %w", f.label(), err))
	}
	snaps := []report.SnapshotResults{post.apply(report.SnapshotResults{ID: doc.Snapshot.ID, File: f.label(), Results: rs})}
	post.notes(e)
	rep := report.New(report.Tool{Name: "supaudit", Version: toolVersion()}, e.now(), failOn, snaps, nil)
	opts := f.reportOptions(e)
	write := func(w io.Writer) error {
		r, err := report.Get(f.format, w, opts)
		if err != nil {
			return err
		}
		return r.Report(ctx, rep)
	}
	if f.output != "" {
		if err := report.WriteFileAtomic(f.output, write); err != nil {
			return usageError(err)
		}
		fmt.Fprintf(e.stderr, "supaudit: wrote %s: %s\n", f.output, rep.Summary)
	} else if err := write(e.stdout); err != nil {
		return usageError(err)
	}
	if rep.Failed {
		return errFindings
	}
	return nil
}

package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/audit"
	"github.com/supaudit/supaudit/output"
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
  supaudit scan --bundle evidence/ --report table --report sarif=results.sarif --report junit=results.xml
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
	inputs := output.NewInputs(f.inputPaths()...)
	inputs.Add(f.inputFiles()...)
	outs, err := f.prepareReports(inputs)
	if err != nil {
		return err
	}
	defer outs.Abort()
	var snapDest *output.Dest
	if f.snapshot != "" {
		if snapDest, err = output.Prepare(f.snapshot, inputs); err != nil {
			return usageError(fmt.Errorf("--snapshot: %w", err))
		}
		defer snapDest.Abort()
	}
	run, err := audit.NewRun(ctx, f.runOptions(e, failOn))
	if err != nil {
		return usageError(err)
	}
	col, err := f.collect(ctx, e)
	if err != nil {
		return err
	}
	if col.Interrupted {
		// Interrupted collection: judge what was collected, and report
		// it as interrupted (it never passes; no file is replaced).
		ctx = audit.MarkInterrupted(context.WithoutCancel(ctx))
	}
	if snapDest != nil && !col.Interrupted {
		if err := snapDest.WriteBytes(ctx, col.Data); err != nil {
			return usageError(err)
		}
	}
	// Results point at the evidence file that decided them: in the
	// bundle read, or in the one --save-bundle wrote (the same
	// server-relative layout, from the same extractor).
	return f.report(ctx, e, run, outs, run.Collected(ctx, col, f.EvidenceRoot()))
}

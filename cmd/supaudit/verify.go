package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/audit"
	"github.com/supaudit/supaudit/internal/safetext"
)

func newVerifyCmd(e *env) *cobra.Command {
	var pf policyFlags
	var update bool
	cmd := &cobra.Command{
		Use:   "verify [DIR]",
		Short: "Judge every fixture snapshot and compare with its expected results",
		Long: `Judge every snapshot under DIR (default fixtures/) that has an expected-results
file beside it (NAME.json and NAME.expected.yaml) and compare the (step, status,
subject) triples. An evidence bundle folder with an expected-results file beside it
(NAME/ and NAME.expected.yaml, no NAME.json) is collected with the bundle collector
first. On a mismatch the differences are printed and the exit code is 1.

--update rewrites the expected files from the current results; review the diff
before committing it.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "fixtures"
			if len(args) == 1 {
				dir = args[0]
			}
			return runVerify(cmd.Context(), e, &pf, dir, update)
		},
	}
	pf.register(cmd)
	cmd.Flags().BoolVar(&update, "update", false, "rewrite the expected files from the current results")
	return cmd
}

func runVerify(ctx context.Context, e *env, pf *policyFlags, dir string, update bool) error {
	expected, snaps, err := audit.Fixtures(dir)
	if err != nil {
		return usageError(err)
	}
	engine, err := pf.engine(ctx)
	if err != nil {
		return err
	}
	failed := 0
	for i, expPath := range expected {
		snapPath := snaps[i]
		got, err := audit.JudgeFixture(ctx, engine, snapPath)
		if err != nil {
			return usageError(err)
		}
		if update {
			if err := audit.WriteExpected(expPath, got); err != nil {
				return usageError(err)
			}
			fmt.Fprintf(safetext.NewWriter(e.stdout), "updated %s (%d results)\n", expPath, len(got))
			continue
		}
		want, err := audit.ReadExpected(expPath)
		if err != nil {
			return usageError(err)
		}
		missing, extra := audit.DiffExpectations(want.Results, got)
		if len(missing) == 0 && len(extra) == 0 {
			fmt.Fprintf(safetext.NewWriter(e.stdout), "ok   %s (%d results)\n", snapPath, len(got))
			continue
		}
		failed++
		fmt.Fprintf(safetext.NewWriter(e.stdout), "FAIL %s\n", snapPath)
		for _, x := range missing {
			fmt.Fprintf(safetext.NewWriter(e.stdout), "  - expected %s %s %s\n", x.Step, x.Status, x.Subject)
		}
		for _, x := range extra {
			fmt.Fprintf(safetext.NewWriter(e.stdout), "  + got      %s %s %s\n", x.Step, x.Status, x.Subject)
		}
	}
	if update {
		return nil
	}
	fmt.Fprintf(safetext.NewWriter(e.stdout), "%d passed, %d failed\n", len(expected)-failed, failed)
	if failed > 0 {
		return errFindings
	}
	return nil
}

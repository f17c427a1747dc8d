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
	out := safetext.NewWriter(e.stdout)
	passed, failed := 0, 0
	err := audit.Verify(ctx, pf.engine, dir, update, func(r audit.FixtureResult) {
		switch {
		case r.Updated:
			fmt.Fprintf(out, "updated %s (%d results)\n", r.Expected, len(r.Got))
		case r.OK():
			passed++
			fmt.Fprintf(out, "ok   %s (%d results)\n", r.Path, len(r.Got))
		default:
			failed++
			fmt.Fprintf(out, "FAIL %s\n", r.Path)
			for _, x := range r.Missing {
				fmt.Fprintf(out, "  - expected %s %s %s\n", x.Step, x.Status, x.Subject)
			}
			for _, x := range r.Extra {
				fmt.Fprintf(out, "  + got      %s %s %s\n", x.Step, x.Status, x.Subject)
			}
		}
	})
	if err != nil {
		return usageError(err)
	}
	if update {
		return nil
	}
	fmt.Fprintf(out, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return errFindings
	}
	return nil
}

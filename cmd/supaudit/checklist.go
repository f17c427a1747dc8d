package main

import (
	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/audit"
)

func newChecklistCmd(e *env) *cobra.Command {
	var pf policyFlags
	var format string
	cmd := &cobra.Command{
		Use:   "checklist",
		Short: "List every checklist step: id, title, what is judged, More Information topic",
		Long: `List the checklist steps the policies judge, read from the policies' METADATA
annotations (the embedded ones and any added with --policy).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			engine, err := pf.engine(cmd.Context())
			if err != nil {
				return err
			}
			if err := audit.WriteChecklist(e.stdout, engine.Steps(), format); err != nil {
				return usageError(err)
			}
			return nil
		},
	}
	pf.register(cmd)
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table or json")
	return cmd
}

package main

import (
	"encoding/json"
	"fmt"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/internal/safetext"
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
			steps := engine.Steps()
			switch format {
			case "json":
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(steps)
			case "table":
				t := tablewriter.NewTable(safetext.NewWriter(e.stdout), // user policies name steps too
					tablewriter.WithRowAutoWrap(tw.WrapNormal),
					tablewriter.WithColumnWidths(tw.NewMapper[int, int]().Set(1, 40).Set(2, 50).Set(3, 30)),
					tablewriter.WithRowAlignment(tw.AlignLeft),
				)
				t.Header("Step", "Title", "What is judged", "More information")
				for _, s := range steps {
					judged := s.Description
					if s.Manual {
						judged = "(manual) " + judged
					}
					if err := t.Append(s.ID, s.Title, judged, s.MoreInformation); err != nil {
						return err
					}
				}
				return t.Render()
			}
			return usageError(fmt.Errorf("unknown format %q: want table or json", format))
		},
	}
	pf.register(cmd)
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table or json")
	return cmd
}

package audit

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/supaudit/supaudit/internal/safetext"
	"github.com/supaudit/supaudit/policies"
)

// WriteChecklist lists the checklist steps (supaudit checklist) to w as a
// table (id, title, what is judged, More Information topic) or as JSON
// (adding each step's rule location and static remediation).
func WriteChecklist(w io.Writer, steps []policies.Step, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(steps)
	case "table":
		t := tablewriter.NewTable(safetext.NewWriter(w), // user policies name steps too
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
	return fmt.Errorf("unknown format %q: want table or json", format)
}

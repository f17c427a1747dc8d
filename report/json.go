package report

import (
	"context"
	"encoding/json"
	"io"
)

// JSON writes the report as indented JSON (schema supaudit/report/v1,
// documented in docs/report-json.md).
type JSON struct {
	W io.Writer
}

// Report implements Reporter.
func (j *JSON) Report(_ context.Context, r *Report) error {
	enc := json.NewEncoder(j.W)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

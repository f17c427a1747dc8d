package report

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// JSON writes the report as JSON (schema supaudit/report/v1, documented in
// docs/report-json.md). It streams: each snapshot is written as soon as it
// is judged, and the summary follows the snapshots. Strings are escaped by
// JSON's rules (control characters as \u00XX).
type JSON struct {
	W io.Writer

	bw    *bufio.Writer
	count int
}

// Begin implements Writer.
func (j *JSON) Begin(_ context.Context, h Header) error {
	j.bw = bufio.NewWriterSize(j.W, 64<<10)
	j.count = 0
	tool, err := json.MarshalIndent(h.Tool, "  ", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(j.bw, "{\n  \"schema\": %q,\n  \"tool\": %s,\n  \"generated_at\": %q,\n  \"fail_on\": %q,\n  \"snapshots\": [",
		SchemaV1, tool, h.GeneratedAt.UTC().Format(time.RFC3339Nano), h.FailOn)
	return err
}

// Snapshot implements Writer.
func (j *JSON) Snapshot(_ context.Context, s SnapshotResults) error {
	if j.count > 0 {
		j.bw.WriteString(",")
	}
	j.count++
	j.bw.WriteString("\n    ")
	return writeIndented(j.bw, s, "    ")
}

// End implements Writer.
func (j *JSON) End(_ context.Context, t Trailer) error {
	if j.count > 0 {
		j.bw.WriteString("\n  ")
	}
	j.bw.WriteString("],\n  \"summary\": ")
	if err := writeIndented(j.bw, t.Summary, "  "); err != nil {
		return err
	}
	fmt.Fprintf(j.bw, ",\n  \"failed\": %t", t.Failed)
	if t.Interrupted {
		j.bw.WriteString(",\n  \"interrupted\": true")
	}
	if len(t.Errors) > 0 {
		j.bw.WriteString(",\n  \"errors\": ")
		if err := writeIndented(j.bw, t.ErrorStrings(), "  "); err != nil {
			return err
		}
	}
	j.bw.WriteString("\n}\n")
	return j.bw.Flush()
}

func writeIndented(w io.Writer, v any, prefix string) error {
	b, err := json.MarshalIndent(v, prefix, "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

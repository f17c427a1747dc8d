package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/internal/capread"
	"github.com/supaudit/supaudit/policies"
	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/snapdiff"
)

// inputSchema reads the "schema" of a JSON file, at most max bytes.
func inputSchema(path string, max int64) (string, []byte, error) {
	data, err := capread.File(path, max)
	if errors.Is(err, capread.ErrTooLarge) {
		return "", nil, fmt.Errorf("%s: %w (see --max-size)", path, err)
	}
	if err != nil {
		return "", nil, err
	}
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return "", nil, fmt.Errorf("%s: not JSON: %w", path, err)
	}
	return head.Schema, data, nil
}

// Diff compares two facts snapshots (their facts, and their verdicts when
// both are judged by the engine, which is compiled only then) or two JSON
// reports (their verdicts). Files are read up to maxSize bytes (0 means
// facts.DefaultMaxSize).
func Diff(ctx context.Context, engine func(context.Context) (*policies.Engine, error), a, b string, maxSize int64) (*report.Diff, error) {
	if maxSize <= 0 {
		maxSize = facts.DefaultMaxSize
	}
	sa, da, err := inputSchema(a, maxSize)
	if err != nil {
		return nil, err
	}
	sb, db, err := inputSchema(b, maxSize)
	if err != nil {
		return nil, err
	}
	out := &report.Diff{Before: a, After: b}
	switch {
	case sa == report.SchemaV1 && sb == report.SchemaV1:
		out.Kind = "reports"
		ra, err := report.ParseReport(a, da)
		if err != nil {
			return nil, err
		}
		rb, err := report.ParseReport(b, db)
		if err != nil {
			return nil, err
		}
		out.Verdicts = report.DiffResults(ra.Snapshots, rb.Snapshots)
	case sa == facts.SchemaV1 && sb == facts.SchemaV1:
		out.Kind = "snapshots"
		engine, err := engine(ctx)
		if err != nil {
			return nil, err
		}
		var sides [2][]report.SnapshotResults
		var raws [2]map[string]any
		data := [2][]byte{da, db} // read once, by inputSchema
		for i, p := range []string{a, b} {
			doc, err := facts.Parse(p, data[i])
			if err != nil {
				return nil, err
			}
			rs, err := engine.Evaluate(ctx, doc, nil)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			raws[i] = doc.Raw
			// Compare the two as the same site, whatever their ids.
			sides[i] = []report.SnapshotResults{{ID: "site", File: p, Results: rs}}
		}
		out.Facts = snapdiff.Diff(raws[0], raws[1])
		out.Verdicts = report.DiffResults(sides[0], sides[1])
		for i := range out.Verdicts {
			out.Verdicts[i].Snapshot = ""
		}
	default:
		return nil, fmt.Errorf("diff needs two snapshots (%s) or two JSON reports (%s): %s is %q, %s is %q",
			facts.SchemaV1, report.SchemaV1, a, sa, b, sb)
	}
	if out.Verdicts == nil {
		out.Verdicts = []report.VerdictChange{}
	}
	for _, v := range out.Verdicts {
		if v.Worse {
			out.Worse = true
		}
	}
	return out, nil
}

package audit

import (
	"context"

	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/results"
)

// Emit hands one judged snapshot on; Source calls it once per snapshot,
// in input order.
type Emit func(report.SnapshotResults) error

// Source judges a run's snapshots, calling emit for each, and returns the
// inputs that could not be judged (one line each).
type Source func(emit Emit) []string

// Stream runs judge and writes the snapshots it emits through r: streamed
// when the format supports it, else collected and written at the end.
// Each snapshot's summary is filled in before it is written. It returns
// the run's trailer (summary, failed, snapshots, errors).
func Stream(ctx context.Context, r report.Reporter, h report.Header, judge Source) (report.Trailer, error) {
	s, streaming := r.(report.Streamer)
	var col *report.Collector
	if !streaming {
		col = &report.Collector{}
		s = col
	}
	tr := report.Trailer{Summary: results.Summarize(nil)}
	if err := s.Begin(h); err != nil {
		return tr, err
	}
	var writeErr error
	errs := judge(func(snap report.SnapshotResults) error {
		snap.Summary = results.Summarize(snap.Results)
		tr.Summary.Add(snap.Summary)
		tr.Snapshots++
		if writeErr == nil {
			writeErr = s.WriteSnapshot(snap)
		}
		return writeErr
	})
	if writeErr != nil {
		return tr, writeErr
	}
	tr.Errors = errs
	tr.Failed = tr.Summary.Failing(h.FailOn)
	if err := s.End(tr); err != nil {
		return tr, err
	}
	if col != nil {
		return tr, r.Report(ctx, col.Report(errs))
	}
	return tr, nil
}

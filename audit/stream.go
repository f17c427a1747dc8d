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
// inputs that could not be judged.
type Source func(emit Emit) []report.InputError

// Stream runs judge and writes the snapshots it emits through w, each as
// soon as it is judged (a buffered format keeps them until the end).
// Each snapshot's summary is filled in before it is written. It returns
// the run's trailer: summary, snapshots, input errors, whether ctx ended
// before judging did (interrupted: the report says so inside itself and
// fails), failed and the exit code.
func Stream(ctx context.Context, w report.Writer, h report.Header, judge Source) (report.Trailer, error) {
	tr := report.Trailer{Summary: results.Summarize(nil)}
	if err := w.Begin(ctx, h); err != nil {
		return tr, err
	}
	var writeErr error
	errs := judge(func(snap report.SnapshotResults) error {
		snap.Summary = results.Summarize(snap.Results)
		tr.Summary.Add(snap.Summary)
		tr.Snapshots++
		if writeErr == nil {
			writeErr = w.Snapshot(ctx, snap)
		}
		return writeErr
	})
	if writeErr != nil {
		return tr, writeErr
	}
	tr.Errors = errs
	tr.Interrupted = ctx.Err() != nil || ctx.Value(interruptedKey{}) != nil
	tr.Finish(h.FailOn)
	// The trailer is written even after an interruption (without ctx's
	// cancellation), so that what was streamed ends saying it is
	// incomplete.
	return tr, w.End(context.WithoutCancel(ctx), tr)
}

type interruptedKey struct{}

// MarkInterrupted returns a context that makes Stream report the run as
// interrupted: for a run that goes on judging what an interrupted
// collection gathered (with a context that is no longer cancelled).
func MarkInterrupted(ctx context.Context) context.Context {
	return context.WithValue(ctx, interruptedKey{}, true)
}

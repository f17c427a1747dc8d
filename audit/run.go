package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/policies"
	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/results"
)

// RunOptions set up a judging run (supaudit check and scan).
type RunOptions struct {
	Policy Policy
	// AnswersFile attests the manual steps (--answers); "" for none.
	AnswersFile string
	// FailOn is the threshold the run fails at (--fail-on).
	FailOn results.Status
	// WaiversFile (--waivers) and History (--history: a store for
	// history.Open) are handed to NewPost; "" for none.
	WaiversFile, History string
	// Tool names the tool in the reports; At is when the run started
	// (the reports' generated_at, waiver expiry, the history's run).
	Tool report.Tool
	At   time.Time
	// Notify is told, one line each, what Report wrote and kept, the
	// waivers that named no result and the inputs that could not be
	// judged; nil drops them.
	Notify func(msg string)
}

// A Run is one judging run, set up before anything is judged: the
// compiled policies, the answers, the reports' header with the checklist,
// and its Post (waivers, history).
type Run struct {
	Engine  *policies.Engine
	Answers []facts.Answer
	Header  report.Header
	Post    *Post
	notify  func(string)
}

// NewRun compiles the policies, loads the answers and the waivers and
// opens the history store, so that a bad input is refused before any
// judging.
func NewRun(ctx context.Context, o RunOptions) (*Run, error) {
	engine, err := o.Policy.Engine(ctx)
	if err != nil {
		return nil, err
	}
	r := &Run{Engine: engine, notify: o.Notify}
	if o.AnswersFile != "" {
		if r.Answers, err = LoadAnswers(engine, o.AnswersFile); err != nil {
			return nil, err
		}
	}
	r.Header = report.Header{Tool: o.Tool, GeneratedAt: o.At.UTC(), FailOn: o.FailOn, Steps: Checklist(engine)}
	if r.Post, err = NewPost(ctx, o.WaiversFile, o.History, r.Header.GeneratedAt); err != nil {
		return nil, err
	}
	if r.notify == nil {
		r.notify = func(string) {}
	}
	return r, nil
}

// Files is the Source of snapshot files (supaudit check): loaded and
// judged on all cores (Judge.Files: at most maxSize bytes each, with the
// lines of their facts when lines is set), waived and kept by the run's
// Post.
func (r *Run) Files(ctx context.Context, files []string, maxSize int64, lines bool) Source {
	j := &Judge{Engine: r.Engine, Answers: r.Answers, MaxSize: maxSize, Lines: lines}
	return func(emit Emit) []report.InputError {
		return j.Files(ctx, files, r.Post.Wrap(emit))
	}
}

// Collected is the Source of a collected snapshot (supaudit scan), waived
// and kept by the run's Post. When evidenceRoot is set (the bundle the
// facts were read from), results point at the evidence file that decided
// them.
func (r *Run) Collected(ctx context.Context, col *Collected, evidenceRoot string) Source {
	j := &Judge{Engine: r.Engine, Answers: r.Answers}
	return func(emit Emit) []report.InputError {
		snap, err := j.Document(ctx, col.Doc, col.Source)
		if err != nil {
			return []report.InputError{{File: col.Source, Message: err.Error()}}
		}
		if evidenceRoot != "" {
			snap.EvidenceRoot = evidenceRoot
			snap.Anchor = col.Doc.Snapshot.Site.Code.Provenance
		}
		_ = r.Post.Wrap(emit)(snap)
		return nil
	}
}

// Report writes the reports of the snapshots src judges (outs, each to
// its file or to w.Stdout), then notes the waivers that named no result,
// keeps the run in the history store and returns the trailer, whose
// ExitCode the caller maps. The files are written all or none: each
// through a temporary file, all renamed into place once every report is
// complete. An interrupted run writes no file (each keeps what it had) and
// is an error; a report on standard output ends saying the run was
// interrupted and incomplete.
func (r *Run) Report(ctx context.Context, outs *Outputs, w WriteOptions, src Source) (report.Trailer, error) {
	rw, set, err := outs.open(ctx, w)
	if err != nil {
		return report.Trailer{}, err
	}
	trailer, err := Stream(ctx, rw, r.Header, src)
	if err != nil {
		set.Abort()
		return trailer, err
	}
	if trailer.Interrupted {
		set.Abort()
		for i, s := range outs.Specs {
			if outs.dests[i] != nil && !outs.dests[i].Direct() {
				r.notify(fmt.Sprintf("interrupted: %s not written (it keeps its previous content)", s.Path))
			}
		}
		return trailer, fmt.Errorf("interrupted: %d snapshot(s) judged before the run stopped; the results are incomplete", trailer.Snapshots)
	}
	if err := set.Commit(); err != nil {
		return trailer, err
	}
	for _, s := range outs.Specs {
		if s.Path != "" {
			r.notify(fmt.Sprintf("wrote %s (%s): %d snapshot(s), %s", s.Path, s.Format, trailer.Snapshots, trailer.Summary))
		}
	}
	for _, n := range r.Post.Notes() {
		r.notify(n)
	}
	path, err := r.Post.Record(ctx, r.Header, trailer)
	if err != nil {
		return trailer, err
	}
	if path != "" {
		r.notify("kept this run in " + path)
	}
	for _, m := range trailer.Errors {
		r.notify(m.Message)
	}
	return trailer, nil
}

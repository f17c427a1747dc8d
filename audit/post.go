package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/supaudit/supaudit/history"
	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/results"
	"github.com/supaudit/supaudit/waivers"
)

// Post is what a run does to each judged snapshot after the policies and
// before the report: apply waivers, and keep the run for --history.
type Post struct {
	waivers []waivers.Waiver
	file    string
	at      time.Time
	outcome *waivers.Outcome
	history string
	kept    []report.SnapshotResults
	// dropEvidence is set for a database history store.
	dropEvidence bool
	// store and rec record the run while it is judged (a database
	// store); recErr is the first error of rec.Snapshot.
	store  history.Store
	rec    history.Recorder
	recErr error
}

// NewPost loads the waivers file (none when empty) for a run at time at;
// historyDir, when set, is where Record keeps the run.
func NewPost(ctx context.Context, waiverFile, historyDir string, at time.Time) (*Post, error) {
	p := &Post{at: at, history: historyDir, file: waiverFile}
	var kind history.Kind
	if historyDir != "" {
		var err error
		if kind, _, err = history.Classify(historyDir); err != nil {
			return nil, err
		}
		p.dropEvidence = kind != history.KindDir
	}
	if waiverFile != "" {
		ws, err := waivers.Load(ctx, waiverFile)
		if err != nil {
			return nil, err
		}
		p.waivers = ws
		p.outcome = waivers.NewOutcome(len(ws))
	}
	if p.dropEvidence {
		// A database is opened (and migrated) before the judging, so that
		// a store that cannot be used is refused up front, and the run is
		// written while it is judged.
		st, err := history.Open(ctx, historyDir)
		if err != nil {
			return nil, err
		}
		if sq, ok := st.(*history.SQL); ok {
			if p.rec, err = sq.Begin(ctx, at); err != nil {
				st.Close()
				return nil, err
			}
		}
		p.store = st
	}
	return p, nil
}

// Apply waives one snapshot's results.
func (p *Post) Apply(s report.SnapshotResults) report.SnapshotResults {
	s.Results = waivers.Apply(p.waivers, s.ID, s.Results, p.at, p.outcome)
	return s
}

// Wrap returns an Emit that applies waivers and keeps the snapshot for
// --history before calling emit. Call it from one goroutine.
func (p *Post) Wrap(emit Emit) Emit {
	return func(s report.SnapshotResults) error {
		s = p.Apply(s)
		switch {
		case p.rec != nil:
			if err := p.rec.Snapshot(p.keep(s)); err != nil && p.recErr == nil {
				p.recErr = err
			}
		case p.history != "":
			p.kept = append(p.kept, p.keep(s))
		}
		return emit(s)
	}
}

// keep is what the history keeps of a snapshot: a database store keeps
// no evidence (the history reports do not show it), so it is dropped here
// rather than held for the whole run; a folder of JSON runs keeps the whole
// report, as before.
func (p *Post) keep(s report.SnapshotResults) report.SnapshotResults {
	if !p.dropEvidence {
		return s
	}
	rs := make([]results.Result, len(s.Results))
	copy(rs, s.Results)
	for i := range rs {
		rs[i].Evidence = nil
	}
	s.Results = rs
	return s
}

// Notes are the waivers that named no result of the run (a typo in step or
// subject, or a host that is gone), one line each.
func (p *Post) Notes() []string {
	if p.outcome == nil {
		return nil
	}
	var notes []string
	for i, w := range p.waivers {
		if p.outcome.Matched[i] == 0 {
			notes = append(notes, fmt.Sprintf("waivers %s: waivers[%d] (%s) names no result of this run", p.file, i, w.Label()))
		}
	}
	return notes
}

// Record keeps the run, with the waiver register, in the history store
// (history.Open: a SQLite file, a PostgreSQL URL or a folder of JSON runs)
// and returns where: the file a folder store wrote, or "STORE (run ID)"; it
// does nothing (and returns "") without one.
func (p *Post) Record(ctx context.Context, h report.Header, tr report.Trailer) (string, error) {
	if p.history == "" {
		return "", nil
	}
	ws := make([]report.WaiverRecord, len(p.waivers))
	for i, w := range p.waivers {
		ws[i] = report.WaiverRecord{Step: w.Step, Subject: w.Subject, Snapshot: w.Snapshot, Reason: w.Reason,
			ApprovedBy: w.ApprovedBy, Expires: w.Expires}
		if p.outcome != nil {
			ws[i].Used = p.outcome.Used[i]
		}
	}
	if p.rec != nil {
		defer p.store.Close()
		if p.recErr != nil {
			return "", p.recErr
		}
		id, err := p.rec.Finish(ctx, h, tr, ws)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s (run %s)", history.Describe(p.history), id), nil
	}
	st := p.store
	if st == nil {
		var err error
		if st, err = history.Open(ctx, p.history); err != nil {
			return "", err
		}
	}
	defer st.Close()
	r := report.New(h.Tool, h.GeneratedAt, h.FailOn, p.kept, tr.ErrorStrings())
	id, err := st.Record(ctx, r, ws)
	if err != nil {
		return "", err
	}
	if _, ok := st.(*history.Dir); ok {
		return id, nil
	}
	return fmt.Sprintf("%s (run %s)", history.Describe(p.history), id), nil
}

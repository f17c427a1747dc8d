package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/report"
	"github.com/supaudit/supaudit/waivers"
)

// registerWaiverFlag adds --waivers to check and scan.
func registerWaiverFlag(cmd *cobra.Command, f *checkFlags) {
	cmd.Flags().StringVar(&f.waivers, "waivers", "", "YAML file of waivers (step, subject, reason, approved_by, expires); see docs/waivers.md")
}

// postJudge is what check does to each judged snapshot after the policies
// and before the report: apply waivers, and keep the run for --history.
type postJudge struct {
	waivers []waivers.Waiver
	file    string
	at      time.Time
	outcome *waivers.Outcome
	history string
	kept    []report.SnapshotResults
}

func newPostJudge(ctx context.Context, f *checkFlags, at time.Time) (*postJudge, error) {
	p := &postJudge{at: at, history: f.history, file: f.waivers}
	if f.waivers != "" {
		ws, err := waivers.Load(ctx, f.waivers)
		if err != nil {
			return nil, usageError(err)
		}
		p.waivers = ws
		p.outcome = waivers.NewOutcome(len(ws))
	}
	return p, nil
}

// apply waives one snapshot's results.
func (p *postJudge) apply(s report.SnapshotResults) report.SnapshotResults {
	s.Results = waivers.Apply(p.waivers, s.ID, s.Results, p.at, p.outcome)
	return s
}

// wrap returns an emit that applies waivers and keeps the snapshot for
// --history before calling emit. judgeStream calls it from one goroutine.
func (p *postJudge) wrap(emit func(report.SnapshotResults) error) func(report.SnapshotResults) error {
	return func(s report.SnapshotResults) error {
		s = p.apply(s)
		if p.history != "" {
			p.kept = append(p.kept, s)
		}
		return emit(s)
	}
}

// finish notes waivers that named no result and writes the history file.
func (p *postJudge) finish(ctx context.Context, e *env, h report.Header, tr report.Trailer) error {
	p.notes(e)
	if p.history == "" {
		return nil
	}
	r := report.New(h.Tool, h.GeneratedAt, h.FailOn, p.kept, tr.Errors)
	path, err := report.WriteHistory(ctx, p.history, r)
	if err != nil {
		return usageError(err)
	}
	fmt.Fprintf(e.stderr, "supaudit: kept this run in %s\n", path)
	return nil
}

// notes reports on standard error the waivers that named no result (a typo
// in step or subject, or a host that is gone).
func (p *postJudge) notes(e *env) {
	if p.outcome == nil {
		return
	}
	for i, w := range p.waivers {
		if p.outcome.Matched[i] == 0 {
			fmt.Fprintf(e.stderr, "supaudit: waivers %s: waivers[%d] (%s) names no result of this run\n", p.file, i, w.Label())
		}
	}
}

package report

import (
	"context"
	"fmt"

	"github.com/supaudit/supaudit/results"
)

// Run is a whole run, as a buffered format receives it.
type Run struct {
	Header
	Snapshots []SnapshotResults
	Trailer
}

// Renderer is a format that needs the whole run before it writes (SARIF,
// JUnit, Markdown, HTML).
type Renderer interface {
	Render(ctx context.Context, r *Run) error
}

// Buffered adapts a Renderer to Writer: it keeps the snapshots and renders
// at End.
func Buffered(r Renderer) Writer { return &buffered{r: r} }

type buffered struct {
	r   Renderer
	run Run
}

func (b *buffered) Begin(_ context.Context, h Header) error {
	b.run = Run{Header: h}
	return nil
}

func (b *buffered) Snapshot(_ context.Context, s SnapshotResults) error {
	b.run.Snapshots = append(b.run.Snapshots, s)
	return nil
}

func (b *buffered) End(ctx context.Context, t Trailer) error {
	b.run.Trailer = t
	return b.r.Render(ctx, &b.run)
}

// Checklist returns the run's steps: the header's, in order, then any step
// a result names that the header lacks (a report read back from a file
// knows only the steps its results name), described from its results.
func (r *Run) Checklist() []Step {
	steps := append([]Step(nil), r.Steps...)
	known := map[string]int{}
	for i, s := range steps {
		known[s.ID] = i
	}
	for _, snap := range r.Snapshots {
		for _, res := range snap.Results {
			i, ok := known[res.Step]
			if !ok {
				known[res.Step] = len(steps)
				steps = append(steps, Step{ID: res.Step, Title: res.Title, Severity: res.Severity,
					MoreInformation: res.MoreInformation, Manual: res.Status == results.Manual})
				continue
			}
			if steps[i].Title == "" {
				steps[i].Title = res.Title
			}
		}
	}
	return steps
}

// caseIDs gives every result of a snapshot a stable, unique name: step and
// subject, with " #n" added to the n-th (n > 1) result of the same step and
// subject (results are sorted, so n is stable while the set of results of
// that step and subject stays the same).
func caseIDs(rs []results.Result) []string {
	ids := make([]string, len(rs))
	seen := map[string]int{}
	for i, res := range rs {
		key := res.Step + " " + res.Subject
		seen[key]++
		if n := seen[key]; n > 1 {
			key = fmt.Sprintf("%s #%d", key, n)
		}
		ids[i] = key
	}
	return ids
}

package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/supaudit/supaudit/collectors"
	"github.com/supaudit/supaudit/facts"
)

// CollectOptions tune Collect.
type CollectOptions struct {
	// ID, when set, replaces the merged snapshot's ID.
	ID string
}

// Collected is the outcome of Collect.
type Collected struct {
	// Data is the snapshot's JSON, as collect writes it.
	Data []byte
	// Doc is the validated snapshot.
	Doc *facts.Document
	// Source names what was collected (the first collector's source), for
	// messages and reports.
	Source string
	// Warnings are the collectors' errors and warnings, one line each,
	// "NAME: message": what could not be read (the facts that needed it are
	// unknown), then the parts of read sources that were skipped (for
	// example an unreadable line of a site control file, "file:line: what").
	Warnings []string
	// Interrupted is set when ctx ended during collection and the
	// snapshot holds only what was collected until then.
	Interrupted bool
}

// Collect runs the collectors in order, merges their snapshots into one
// (where they disagree the first collector's value is kept and the later
// ones are listed under the fact's conflicts) and validates it against
// the facts schema. An error from any collector is returned, wrapped with
// the collector's name; a snapshot that does not validate is a collector
// bug and is reported as one.
func Collect(ctx context.Context, cs []collectors.Collector, opts CollectOptions) (*Collected, error) {
	if len(cs) == 0 {
		return nil, errors.New("nothing to collect")
	}
	var snap *facts.Snapshot
	for _, c := range cs {
		s, err := c.Collect(ctx)
		if err != nil {
			return nil, err
		}
		snap = facts.Merge(snap, s)
	}
	if opts.ID != "" {
		snap.ID = opts.ID
	}
	out := &Collected{Source: cs[0].Source(), Interrupted: ctx.Err() != nil}
	for _, c := range snap.Collectors {
		for _, m := range c.Errors {
			out.Warnings = append(out.Warnings, c.Name+": "+m)
		}
		for _, m := range c.Warnings {
			out.Warnings = append(out.Warnings, c.Name+": "+m)
		}
	}
	data, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	out.Data = append(data, '\n')
	if out.Doc, err = facts.Parse(out.Source, out.Data); err != nil {
		return nil, fmt.Errorf("collected snapshot does not validate (a collector bug): %w", err)
	}
	return out, nil
}

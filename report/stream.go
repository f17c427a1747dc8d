package report

import (
	"time"

	"github.com/supaudit/supaudit/results"
)

// Header is what a streamed report knows before the first snapshot.
type Header struct {
	Tool        Tool
	GeneratedAt time.Time
	FailOn      results.Status
}

// Trailer is what a streamed report knows after the last snapshot.
type Trailer struct {
	Summary   results.Summary
	Failed    bool
	Snapshots int
	Errors    []string
}

// Streamer is implemented by the formats that can write each snapshot's
// results as soon as they are judged, so that a run over thousands of
// snapshots holds one snapshot's results at a time instead of all of them.
// The output is identical to Report's.
type Streamer interface {
	Begin(h Header) error
	WriteSnapshot(s SnapshotResults) error
	End(t Trailer) error
}

// Collector accumulates streamed snapshots into a Report for the formats
// that need the whole run at once.
type Collector struct {
	h     Header
	snaps []SnapshotResults
}

// Begin implements Streamer.
func (c *Collector) Begin(h Header) error { c.h = h; return nil }

// WriteSnapshot implements Streamer.
func (c *Collector) WriteSnapshot(s SnapshotResults) error {
	c.snaps = append(c.snaps, s)
	return nil
}

// End implements Streamer.
func (c *Collector) End(Trailer) error { return nil }

// Report returns the collected report.
func (c *Collector) Report(errs []string) *Report {
	return New(c.h.Tool, c.h.GeneratedAt, c.h.FailOn, c.snaps, errs)
}

// Package collectors names the seam every collector fits: something that
// gathers one facts snapshot of a site. The collectors themselves are its
// sub-packages:
//
//   - bundle: an evidence bundle gathered on the servers (folders or zips
//     of registry exports, logs, the site control file, IIS configuration,
//     certificates);
//   - winrm: the same evidence read live over WinRM;
//   - probe: what the network shows of each SUP (ports, TLS, WSUS paths).
//
// audit.Collect runs one or more of them, merges their snapshots and
// validates the result against the facts schema.
package collectors

import (
	"context"

	"github.com/supaudit/supaudit/facts"
)

// Collector gathers one facts snapshot.
type Collector interface {
	// Name is the collector's name, as its facts' provenance records it
	// ("bundle", "winrm", "probe").
	Name() string
	// Source says what is collected, for messages and reports: a bundle
	// folder, the WinRM servers, an inventory file.
	Source() string
	// Collect gathers the snapshot. Problems with one server or one piece
	// of evidence are recorded in the snapshot (collector errors, unknown
	// facts) and are not an error; an error means nothing usable was
	// collected. A collector interrupted through ctx may return what it
	// had, marked incomplete, with a nil error.
	Collect(ctx context.Context) (*facts.Snapshot, error)
}

// Command supaudit audits whether a Configuration Manager 2007 site is
// ready to deploy software updates: it judges facts snapshots of the site
// against the checklist for the active software update point and reports a
// verdict and remediation for every step.
//
// Exit codes: 0 no result at or above --fail-on; 1 some result at or above
// --fail-on (or verify found a mismatch); 2 usage or input error.

// Certificates issued by older Windows certification authorities can carry
// negative serial numbers, which Go 1.23+ refuses to parse by default; an
// auditor of a 2007-era PKI must still be able to read them.
//
//go:debug x509negativeserial=1
package main

import (
	"os"
	"runtime/debug"

	"github.com/supaudit/supaudit/internal/clock"
)

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, clock.Wall))
}

// tuneGC trades memory the run does not need for CPU time it does. Judging
// a snapshot allocates a lot of short-lived policy-evaluation garbage while
// the live heap stays small (results are streamed), so the default GOGC=100
// collects far too often: over 10 000 snapshots GOGC=800 cut the wall time
// by a third (docs/performance.md). A soft memory limit of 256 MiB makes
// the collector work harder again should the heap ever grow towards it.
// GOGC and GOMEMLIMIT in the environment still win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(800)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(256 << 20)
	}
}

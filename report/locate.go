package report

import (
	"path/filepath"
	"strings"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/results"
)

// location is the file and line a result points at, for the formats that
// annotate files (SARIF, GitHub):
//
//   - a result of supaudit check points at its snapshot file, at the line
//     of the first fact of its evidence whose line is known (else line 1);
//   - a result of supaudit scan (EvidenceRoot set) points at the evidence
//     file that decided it, the first evidence file among its facts'
//     provenance, at the provenance line (else line 1); when no evidence
//     file decided it (a probe or a missing fact), at the bundle itself.
func location(s SnapshotResults, res results.Result) (file string, line int) {
	if s.EvidenceRoot != "" {
		for _, ev := range res.Evidence {
			if p := ev.Provenance; p != nil && evidenceFile(p) {
				if isZip(s.EvidenceRoot) {
					return s.EvidenceRoot, 1
				}
				return filepath.Join(s.EvidenceRoot, filepath.FromSlash(p.Source)), max(p.Line, 1)
			}
		}
		if a := s.Anchor; a.Source != "" && evidenceFile(&a) && !isZip(s.EvidenceRoot) {
			return filepath.Join(s.EvidenceRoot, filepath.FromSlash(a.Source)), max(a.Line, 1)
		}
		return s.EvidenceRoot, 1
	}
	file = s.File
	if file == "" {
		file = res.File
	}
	for _, ev := range res.Evidence {
		if n := s.FactLines[ev.Fact]; n > 0 {
			return file, n
		}
	}
	return file, 1
}

// evidenceFile reports whether a provenance names a file of an evidence
// bundle (not an endpoint, a DNS lookup or an attestation).
func evidenceFile(p *facts.Provenance) bool {
	switch p.Collector {
	case "probe", "manual":
		return false
	}
	return p.Source != "" && !strings.Contains(p.Source, "://") && p.Source != "dns" && p.Source != "answers"
}

func isZip(p string) bool { return strings.EqualFold(filepath.Ext(p), ".zip") }

package report

import (
	"sort"

	"github.com/supaudit/supaudit/results"
)

// VerdictChange is a (snapshot, step, subject) whose status differs
// between two result sets. Before or After is "" when the result is absent
// on that side.
type VerdictChange struct {
	Snapshot string         `json:"snapshot"`
	Step     string         `json:"step"`
	Title    string         `json:"title"`
	Subject  string         `json:"subject"`
	Before   results.Status `json:"before,omitempty"`
	After    results.Status `json:"after,omitempty"`
	// Worse is true when After ranks above Before (an absent result ranks
	// as pass): a new failure, a pass that became unknown, a new warning.
	Worse bool `json:"worse"`
	// Message is After's message, or Before's when the result is gone.
	Message string `json:"message"`
	// Remediation is After's remediation.
	Remediation []string `json:"remediation,omitempty"`
}

type resultKey struct{ snapshot, step, subject string }

// DiffResults compares two result sets and returns the changed verdicts,
// ordered by snapshot, then step, then subject.
func DiffResults(before, after []SnapshotResults) []VerdictChange {
	old := map[resultKey]results.Result{}
	for _, s := range before {
		for _, r := range s.Results {
			old[resultKey{s.ID, r.Step, r.Subject}] = r
		}
	}
	var out []VerdictChange
	seen := map[resultKey]bool{}
	for _, s := range after {
		for _, r := range s.Results {
			k := resultKey{s.ID, r.Step, r.Subject}
			seen[k] = true
			o, had := old[k]
			if had && o.Status == r.Status {
				continue
			}
			c := VerdictChange{Snapshot: s.ID, Step: r.Step, Title: r.Title, Subject: r.Subject, After: r.Status,
				Message: r.Message, Remediation: r.Remediation}
			if had {
				c.Before = o.Status
			}
			c.Worse = r.Status.Rank() > c.Before.Rank()
			out = append(out, c)
		}
	}
	for _, s := range before {
		for _, r := range s.Results {
			k := resultKey{s.ID, r.Step, r.Subject}
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, VerdictChange{Snapshot: s.ID, Step: r.Step, Title: r.Title, Subject: r.Subject,
				Before: r.Status, Message: r.Message})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Snapshot != b.Snapshot {
			return a.Snapshot < b.Snapshot
		}
		if a.Step != b.Step {
			return a.Step < b.Step
		}
		return a.Subject < b.Subject
	})
	return out
}

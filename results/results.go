// Package results defines what judging a snapshot produces: one Result per
// (snapshot, checklist step, subject), and the statuses and their order
// used for exit codes.
package results

import (
	"fmt"
	"strings"

	"github.com/supaudit/supaudit/facts"
)

// Status is the verdict of one result.
type Status string

// The statuses a policy may give.
const (
	Pass          Status = "pass"
	Fail          Status = "fail"
	Warn          Status = "warn"
	Manual        Status = "manual"
	NotApplicable Status = "not_applicable"
	Unknown       Status = "unknown"
)

// Waived is given by supaudit check --waivers, never by a policy, to a
// result whose step and subject an unexpired waiver covers. It ranks 0 (it
// never fails a run) and is not in Statuses, so summaries count it only
// when present; the result's Waiver field keeps the original status.
const Waived Status = "waived"

// Statuses lists every status in report order, worst first.
var Statuses = []Status{Fail, Unknown, Warn, Manual, NotApplicable, Pass}

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Rank orders statuses for --fail-on: pass and not_applicable 0, manual 1,
// warn 2, unknown 3, fail 4. A result "is at or above" a threshold when its
// rank is at least the threshold's.
func (s Status) Rank() int {
	switch s {
	case Fail:
		return 4
	case Unknown:
		return 3
	case Warn:
		return 2
	case Manual:
		return 1
	}
	return 0
}

// FailOnLevels are the accepted --fail-on values, strictest last.
var FailOnLevels = []Status{Fail, Unknown, Warn, Manual}

// ParseFailOn parses a --fail-on value.
func ParseFailOn(s string) (Status, error) {
	for _, v := range FailOnLevels {
		if strings.EqualFold(s, string(v)) {
			return v, nil
		}
	}
	return "", fmt.Errorf("invalid --fail-on %q: want one of fail, unknown, warn, manual", s)
}

// Evidence is one fact that decided a result.
type Evidence struct {
	// Fact names the fact, e.g. "servers[SUP01.contoso.com].wsus.version".
	Fact string `json:"fact"`
	// Value is the fact's value, when known.
	Value any `json:"value,omitempty"`
	// Unknown is why the fact is unknown, when it is.
	Unknown    string             `json:"unknown,omitempty"`
	Provenance *facts.Provenance  `json:"provenance,omitempty"`
	Conflicts  []ConflictEvidence `json:"conflicts,omitempty"`
}

// ConflictEvidence is a disagreeing observation of a fact.
type ConflictEvidence struct {
	Value      any              `json:"value"`
	Provenance facts.Provenance `json:"provenance"`
}

// Result is one verdict on one checklist step for one subject.
type Result struct {
	// Snapshot is the id of the judged snapshot; File where it was read.
	Snapshot string `json:"snapshot"`
	File     string `json:"file,omitempty"`
	// Step is the checklist step id (SUP-01 ... SUP-14, or a user step).
	Step  string `json:"step"`
	Title string `json:"title"`
	// Status is the verdict; Severity the step's severity (high, medium,
	// low).
	Status   Status `json:"status"`
	Severity string `json:"severity"`
	// Subject is what was judged: a host, a port, the site.
	Subject string `json:"subject"`
	Message string `json:"message"`
	// Evidence are the facts that decided the result, with provenance.
	Evidence []Evidence `json:"evidence"`
	// Remediation are the concrete steps to fix a non-passing result.
	Remediation []string `json:"remediation"`
	// MoreInformation is the checklist's "More Information" topic.
	MoreInformation string `json:"more_information"`
	// Waiver is set when a waiver changed the status to Waived.
	Waiver *Waiver `json:"waiver,omitempty"`
}

// Summary counts results per status.
type Summary map[Status]int

// Summarize counts rs per status; every status is present.
func Summarize(rs []Result) Summary {
	s := Summary{}
	for _, st := range Statuses {
		s[st] = 0
	}
	for _, r := range rs {
		s[r.Status]++
	}
	return s
}

// Add adds o's counts to s.
func (s Summary) Add(o Summary) {
	for k, v := range o {
		s[k] += v
	}
}

// Failing reports whether any result is at or above the threshold.
func (s Summary) Failing(threshold Status) bool {
	for st, n := range s {
		if n > 0 && st.Rank() >= threshold.Rank() && st.Rank() > 0 {
			return true
		}
	}
	return false
}

// String renders "2 fail, 1 warn, ..." in report order, omitting zeros
// except that an empty summary says "no results".
func (s Summary) String() string {
	var parts []string
	for _, st := range Statuses {
		if n := s[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, st))
		}
	}
	if n := s[Waived]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", n, Waived))
	}
	if len(parts) == 0 {
		return "no results"
	}
	return strings.Join(parts, ", ")
}

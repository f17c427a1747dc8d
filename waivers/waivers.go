// Package waivers reads waiver files and applies them to judged results:
// a waiver names a checklist step and a subject (a host, or a site), why it
// is accepted, who approved it and the last day it applies. Applying a
// waiver never re-judges: the result keeps its message, evidence and
// remediation, its status becomes results.Waived and results.Result.Waiver
// records the original status and the waiver.
package waivers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/supaudit/supaudit/internal/capread"
	"github.com/supaudit/supaudit/results"
)

// maxSize caps a waivers file (1 MiB).
const maxSize = 1 << 20

// File is the --waivers file (YAML or JSON).
type File struct {
	Waivers []Waiver `json:"waivers"`
}

// Waiver accepts the results of one step for one subject until a date.
type Waiver struct {
	// Step is the checklist step id, e.g. SUP-14.
	Step string `json:"step"`
	// Subject is a result's subject (a host such as SUP01.contoso.com, or
	// "site LIT sync"), a site ("site LIT" covers every subject of site LIT
	// that starts with it) or a snapshot id (every subject of that snapshot).
	Subject string `json:"subject"`
	// Snapshot optionally limits the waiver to one snapshot id.
	Snapshot   string `json:"snapshot,omitempty"`
	Reason     string `json:"reason"`
	ApprovedBy string `json:"approved_by"`
	// Expires is the last day the waiver applies (YYYY-MM-DD, UTC).
	Expires string `json:"expires"`

	last time.Time
}

// Label names the waiver in messages: "SUP-14 for site LIT sync".
func (w Waiver) Label() string { return w.Step + " for " + w.Subject }

// Expired reports whether the waiver no longer applies at t.
func (w Waiver) Expired(t time.Time) bool {
	return !t.UTC().Before(w.last.AddDate(0, 0, 1))
}

// Load reads and validates a waivers file.
func Load(ctx context.Context, path string) ([]Waiver, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := capread.File(path, maxSize)
	if err != nil {
		return nil, fmt.Errorf("waivers %s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse validates the content of a waivers file; name is used in errors.
// Every waiver needs step, subject, reason, approved_by and expires.
func Parse(name string, data []byte) ([]Waiver, error) {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("waivers %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("waivers %s: %w (want waivers: [{step, subject, reason, approved_by, expires}])", name, err)
	}
	for i := range f.Waivers {
		w := &f.Waivers[i]
		w.Step, w.Subject, w.Snapshot = strings.TrimSpace(w.Step), strings.TrimSpace(w.Subject), strings.TrimSpace(w.Snapshot)
		for _, req := range []struct{ field, value string }{
			{"step", w.Step}, {"subject", w.Subject}, {"reason", w.Reason}, {"approved_by", w.ApprovedBy}, {"expires", w.Expires},
		} {
			if strings.TrimSpace(req.value) == "" {
				return nil, fmt.Errorf("waivers %s: waivers[%d].%s: required", name, i, req.field)
			}
		}
		t, err := time.Parse(time.DateOnly, w.Expires)
		if err != nil {
			return nil, fmt.Errorf("waivers %s: waivers[%d].expires: %q is not a date (want YYYY-MM-DD)", name, i, w.Expires)
		}
		w.last = t
	}
	return f.Waivers, nil
}

// Covers reports whether w names this result of snapshot snapID.
func (w Waiver) Covers(snapID string, r results.Result) bool {
	if !strings.EqualFold(w.Step, r.Step) {
		return false
	}
	if w.Snapshot != "" && !strings.EqualFold(w.Snapshot, snapID) {
		return false
	}
	s := strings.ToLower(w.Subject)
	subj := strings.ToLower(r.Subject)
	return subj == s || strings.EqualFold(w.Subject, snapID) ||
		(strings.HasPrefix(s, "site ") && strings.HasPrefix(subj, s+" "))
}

// Outcome says which waivers a run used.
type Outcome struct {
	// Used counts, per waiver index, the results it waived.
	Used []int
	// Matched counts, per waiver index, the results it named (used or
	// expired).
	Matched []int
}

// NewOutcome returns an Outcome for n waivers.
func NewOutcome(n int) *Outcome { return &Outcome{Used: make([]int, n), Matched: make([]int, n)} }

// Apply waives the results of one snapshot that an unexpired waiver covers
// and adds, after the first non-passing result an expired waiver covers, a
// warn result naming the waiver. Passing and not-applicable results are not waived.
// at is the run's time; o, when not nil, is updated.
func Apply(ws []Waiver, snapID string, rs []results.Result, at time.Time, o *Outcome) []results.Result {
	if len(ws) == 0 {
		return rs
	}
	out := make([]results.Result, 0, len(rs))
	reported := map[int]bool{}
	for _, r := range rs {
		var expired []results.Result
		for wi, w := range ws {
			if !w.Covers(snapID, r) {
				continue
			}
			if o != nil {
				o.Matched[wi]++
			}
			if w.Expired(at) {
				if !reported[wi] && r.Status != results.Pass && r.Status != results.NotApplicable {
					reported[wi] = true
					expired = append(expired, expiredResult(w, r))
				}
				continue
			}
			if r.Status == results.Pass || r.Status == results.NotApplicable || r.Status == results.Waived {
				continue
			}
			r.Waiver = &results.Waiver{Status: r.Status, Reason: w.Reason, ApprovedBy: w.ApprovedBy, Expires: w.Expires}
			r.Status = results.Waived
			if o != nil {
				o.Used[wi]++
			}
			break
		}
		// The expired waiver's result follows the result it names, so
		// results stay in step order.
		out = append(out, r)
		out = append(out, expired...)
	}
	return out
}

// expiredResult reports an expired waiver that still names a non-passing
// result.
func expiredResult(w Waiver, r results.Result) results.Result {
	return results.Result{
		Snapshot: r.Snapshot, File: r.File, Step: r.Step, Title: r.Title,
		Status: results.Warn, Severity: r.Severity,
		Subject: "waiver " + w.Subject,
		Message: fmt.Sprintf("the waiver of %s (approved by %s: %s) expired on %s; the %s result for %s is no longer waived",
			w.Label(), w.ApprovedBy, w.Reason, w.Expires, r.Status, r.Subject),
		Evidence: []results.Evidence{{Fact: "waivers[" + w.Label() + "].expires", Value: w.Expires}},
		Remediation: []string{
			"Fix the finding (see the " + r.Step + " result for " + r.Subject + "), then remove the waiver.",
			"Or renew the waiver: have it approved again and set a new expires date in the waivers file.",
		},
		MoreInformation: r.MoreInformation,
	}
}

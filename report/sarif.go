package report

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/supaudit/supaudit/results"
)

// SARIF writes the report as SARIF 2.1.0 (github.com/owenrumney/go-sarif)
// for code-scanning uploads: one run, one rule per checklist step (ruleId is
// the step id, e.g. SUP-06, with the step's title, its remediation as help
// and its More Information topic), and one result per non-passing
// (snapshot, step, subject), located in the snapshot file that decided it,
// with the evidence files (source and line of each fact) as related
// locations.
//
// Levels: fail is error; unknown and warn are warning; manual is note.
// pass and not_applicable results are not written. Waived results are
// written with kind "informational", level "none" and the waiver in their
// properties: go-sarif v2.3.3 writes a suppression's unset guid and
// location as null, which the SARIF schema rejects.
type SARIF struct {
	W io.Writer
}

// Report implements Reporter.
func (s *SARIF) Report(_ context.Context, r *Report) error {
	doc, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	driver := sarif.NewVersionedDriver(r.Tool.Name, r.Tool.Version).
		WithInformationURI("https://github.com/supaudit/supaudit")
	run := sarif.NewRun(*sarif.NewTool(driver))
	run.Results = []*sarif.Result{}
	// One rule per step, in first-seen (checklist) order, described by a
	// result that carries remediation when there is one.
	index := map[string]int{}
	var reps []results.Result
	for _, snap := range r.Snapshots {
		for _, res := range snap.Results {
			i, ok := index[res.Step]
			if !ok {
				index[res.Step] = len(reps)
				reps = append(reps, res)
			} else if len(reps[i].Remediation) == 0 && len(res.Remediation) > 0 {
				reps[i] = res
			}
		}
	}
	for _, res := range reps {
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule(res))
	}
	for _, snap := range r.Snapshots {
		for _, res := range snap.Results {
			i := index[res.Step]
			level, kind := sarifLevel(res.Status)
			if level == "" {
				continue
			}
			uri := filepath.ToSlash(snap.File)
			if uri == "" {
				uri = filepath.ToSlash(res.File)
			}
			msg := fmt.Sprintf("%s [%s] %s: %s", res.Step, res.Subject, res.Status, res.Message)
			if d := caseDetail(res); d != "" && res.Status != results.Waived {
				msg += "\n" + strings.TrimRight(d, "\n")
			}
			if res.Status == results.Waived {
				msg = fmt.Sprintf("%s [%s] %s", res.Step, res.Subject, waivedText(res))
			}
			out := sarif.NewRuleResult(res.Step).
				WithRuleIndex(i).
				WithLevel(level).
				WithKind(kind).
				WithMessage(sarif.NewTextMessage(msg)).
				WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(
					sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri)),
				).WithDescriptionText("snapshot " + snap.ID)}).
				WithPartialFingerPrints(map[string]interface{}{"supaudit/v1": snap.ID + "/" + res.Step + "/" + res.Subject})
			var related []*sarif.Location
			for _, ev := range res.Evidence {
				p := ev.Provenance
				if p == nil || p.Line <= 0 || p.Source == "" {
					continue
				}
				related = append(related, sarif.NewLocationWithPhysicalLocation(
					sarif.NewPhysicalLocation().
						WithArtifactLocation(sarif.NewSimpleArtifactLocation(filepath.ToSlash(p.Source))).
						WithRegion(sarif.NewRegion().WithStartLine(p.Line)),
				).WithId(len(related)+1).WithDescriptionText(ev.Fact))
			}
			if len(related) > 0 {
				out.WithRelatedLocations(related)
			}
			props := sarif.NewPropertyBag()
			props.Add("snapshot", snap.ID)
			props.Add("subject", res.Subject)
			props.Add("status", string(res.Status))
			props.Add("severity", res.Severity)
			if res.Waiver != nil {
				props.Add("waiver", res.Waiver)
			}
			out.AttachPropertyBag(props)
			run.AddResult(out)
		}
	}
	doc.AddRun(run)
	return doc.PrettyWrite(s.W)
}

// sarifRule describes a checklist step from one of its results.
func sarifRule(res results.Result) *sarif.ReportingDescriptor {
	help := caseDetail(res)
	if len(res.Remediation) == 0 {
		help = "No remediation was needed in this run.\n" + help
	}
	rule := sarif.NewRule(res.Step).
		WithName(strings.ReplaceAll(res.Step, "-", "")).
		WithShortDescription(sarif.NewMultiformatMessageString(res.Title)).
		WithFullDescription(sarif.NewMultiformatMessageString(res.Title)).
		WithTextHelp(strings.TrimRight(help, "\n"))
	props := sarif.NewPropertyBag()
	props.Add("more_information", res.MoreInformation)
	props.Add("severity", res.Severity)
	props.Add("tags", []string{"configmgr-2007", "software-update-point"})
	rule.AttachPropertyBag(props)
	return rule
}

// sarifLevel maps a status to a SARIF level and kind; "" means not written.
func sarifLevel(s results.Status) (level, kind string) {
	switch s {
	case results.Fail:
		return "error", "fail"
	case results.Unknown, results.Warn:
		return "warning", "fail"
	case results.Manual:
		return "note", "review"
	case results.Waived:
		return "none", "informational"
	}
	return "", ""
}

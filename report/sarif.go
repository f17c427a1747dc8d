package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/supaudit/supaudit/results"
)

// SARIF writes the report as SARIF 2.1.0 for code scanning (GitHub's
// upload-sarif and other SARIF consumers):
//
//   - one run; one rule per checklist step, all of them in checklist order
//     whatever the run found, built from the checklist (title, what is
//     judged, static remediation, More Information topic, helpUri);
//   - one result per result that does not pass, located at the file and
//     line that decided it (see location), with a fingerprint unique and
//     stable per (snapshot, step, subject) in partialFingerprints
//     ("supaudit/v1"), leaving primaryLocationLineHash to the uploader;
//   - levels: fail is error; unknown and warn are warning (kind fail);
//     manual is kind review with level none (SARIF §3.27.10: the level is
//     none when the kind is not fail); a waived result keeps its original
//     level and carries an accepted external suppression (justification:
//     the reason; approver and expiry in its properties), so a consumer
//     shows it as dismissed;
//   - invocations[0] records whether the run succeeded, its exit code, and
//     one notification per input that could not be judged (and for an
//     interruption), so that an upload does not close those inputs'
//     alerts as fixed without saying so.
//
// Artifact URIs are percent-encoded URI references, relative to SourceRoot
// (base id SRCROOT) when it is set. The model is written here rather than
// with go-sarif: v2.3.3 writes a suppression's unset guid and location as
// null, which the SARIF schema rejects, and v3.3.1 writes every unset list
// as [] and rank 0 (the lowest priority) on every result.
type SARIF struct {
	W io.Writer
	// SourceRoot makes artifact URIs relative to this directory.
	SourceRoot string
}

// SARIF 2.1.0 objects, the subset written (property names as in the
// specification).
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool               sarifTool                   `json:"tool"`
		Invocations        []sarifInvocation           `json:"invocations"`
		OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
		Results            []sarifResult               `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     sarifText      `json:"shortDescription"`
		FullDescription      sarifText      `json:"fullDescription"`
		Help                 sarifHelp      `json:"help"`
		HelpURI              string         `json:"helpUri,omitempty"`
		DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
		Properties           map[string]any `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool                `json:"executionSuccessful"`
		ExitCode            int                 `json:"exitCode"`
		Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations,omitempty"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           int                `json:"ruleIndex"`
		Kind                string             `json:"kind"`
		Level               string             `json:"level"`
		Message             sarifText          `json:"message"`
		Locations           []sarifLocation    `json:"locations"`
		RelatedLocations    []sarifLocation    `json:"relatedLocations,omitempty"`
		PartialFingerprints map[string]string  `json:"partialFingerprints"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
		Properties          map[string]any     `json:"properties"`
	}
	sarifLocation struct {
		ID               *int          `json:"id,omitempty"`
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
		Message          *sarifText    `json:"message,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
		Region           *sarifRegion     `json:"region,omitempty"`
	}
	sarifArtifactLoc struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifSuppression struct {
		Kind          string         `json:"kind"`
		Status        string         `json:"status"`
		Justification string         `json:"justification,omitempty"`
		Properties    map[string]any `json:"properties,omitempty"`
	}
)

const sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// Render implements Renderer.
func (s *SARIF) Render(_ context.Context, r *Run) error {
	steps := r.Checklist()
	index := make(map[string]int, len(steps))
	driver := sarifDriver{Name: r.Tool.Name, Version: r.Tool.Version, InformationURI: "https://github.com/supaudit/supaudit"}
	for i, st := range steps {
		index[st.ID] = i
		driver.Rules = append(driver.Rules, sarifRuleOf(st))
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	root := ""
	if s.SourceRoot != "" {
		abs, err := filepath.Abs(s.SourceRoot)
		if err != nil {
			return fmt.Errorf("--source-root %s: %w", s.SourceRoot, err)
		}
		root = abs
		run.OriginalURIBaseIDs = map[string]sarifArtifactLoc{"SRCROOT": {URI: fileURI(abs) + "/"}}
	}
	inv := sarifInvocation{ExecutionSuccessful: len(r.Errors) == 0 && !r.Interrupted, ExitCode: r.ExitCode}
	for _, e := range r.Errors {
		n := sarifNotification{Level: "error", Message: sarifText{Text: e.Message}}
		if e.File != "" {
			n.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: artifact(e.File, root)}}}
		}
		inv.Notifications = append(inv.Notifications, n)
	}
	if r.Interrupted {
		inv.Notifications = append(inv.Notifications, sarifNotification{Level: "error",
			Message: sarifText{Text: "interrupted: the run stopped before every input was judged; the results are incomplete"}})
	}
	run.Invocations = []sarifInvocation{inv}
	for _, snap := range r.Snapshots {
		ids := caseIDs(snap.Results)
		for i, res := range snap.Results {
			if out, ok := sarifResultOf(snap, res, ids[i], index[res.Step], root); ok {
				run.Results = append(run.Results, out)
			}
		}
	}
	b, err := json.MarshalIndent(sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}}, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = s.W.Write(b)
	return err
}

// sarifRuleOf describes a checklist step.
func sarifRuleOf(st Step) sarifRule {
	title := st.Title
	if title == "" {
		title = st.ID
	}
	full := st.Description
	if full == "" {
		full = title
	}
	var text, md strings.Builder
	fmt.Fprintf(&text, "%s\n\nWhat is judged: %s\n", title, full)
	fmt.Fprintf(&md, "**%s**\n\nWhat is judged: %s\n", mdLine(title), mdLine(full))
	if len(st.Remediation) > 0 {
		text.WriteString("\nRemediation:\n")
		md.WriteString("\nRemediation:\n\n")
		for i, r := range st.Remediation {
			fmt.Fprintf(&text, "%d. %s\n", i+1, r)
			fmt.Fprintf(&md, "%d. %s\n", i+1, mdLine(r))
		}
	} else {
		text.WriteString("\nEach result's message says what to do for its subject.\n")
		md.WriteString("\nEach result's message says what to do for its subject.\n")
	}
	if st.MoreInformation != "" {
		fmt.Fprintf(&text, "\nMore information: %s\n", st.MoreInformation)
		fmt.Fprintf(&md, "\nMore information: *%s*\n", mdLine(st.MoreInformation))
	}
	level, problem := "error", "error"
	switch {
	case st.Manual:
		level, problem = "note", "recommendation"
	case st.Severity == "low":
		level, problem = "warning", "recommendation"
	case st.Severity == "medium":
		level, problem = "warning", "warning"
	}
	props := map[string]any{
		"tags":             []string{"configmgr-2007", "software-update-point"},
		"precision":        "high",
		"problem.severity": problem,
	}
	if st.Severity != "" {
		props["severity"] = st.Severity
	}
	if st.MoreInformation != "" {
		props["more_information"] = st.MoreInformation
	}
	if st.Manual {
		props["manual"] = true
	}
	return sarifRule{
		ID: st.ID, Name: strings.ReplaceAll(st.ID, "-", ""),
		ShortDescription:     sarifText{Text: title},
		FullDescription:      sarifText{Text: full},
		Help:                 sarifHelp{Text: strings.TrimRight(text.String(), "\n"), Markdown: strings.TrimRight(md.String(), "\n")},
		HelpURI:              st.HelpURI,
		DefaultConfiguration: sarifConfig{Level: level},
		Properties:           props,
	}
}

// sarifLevel maps a status to a SARIF kind and level; ok is false for the
// statuses not written (pass, not_applicable).
func sarifLevel(s results.Status) (kind, level string, ok bool) {
	switch s {
	case results.Fail:
		return "fail", "error", true
	case results.Unknown, results.Warn:
		return "fail", "warning", true
	case results.Manual:
		return "review", "none", true
	}
	return "", "", false
}

func sarifResultOf(snap SnapshotResults, res results.Result, id string, ruleIndex int, root string) (sarifResult, bool) {
	status := res.Status
	if status == results.Waived {
		status = results.Fail
		if res.Waiver != nil && res.Waiver.Status.Valid() {
			status = res.Waiver.Status
		}
	}
	kind, level, ok := sarifLevel(status)
	if !ok {
		return sarifResult{}, false
	}
	msg := fmt.Sprintf("%s [%s] %s: %s", res.Step, res.Subject, res.Status, res.Message)
	if res.Status == results.Waived {
		msg = fmt.Sprintf("%s [%s] %s", res.Step, res.Subject, waivedText(res))
	} else if d := caseDetail(res); d != "" {
		msg += "\n" + strings.TrimRight(d, "\n")
	}
	file, line := location(snap, res)
	out := sarifResult{
		RuleID: res.Step, RuleIndex: ruleIndex, Kind: kind, Level: level,
		Message: sarifText{Text: msg},
		Locations: []sarifLocation{{
			PhysicalLocation: sarifPhysical{ArtifactLocation: artifact(file, root), Region: &sarifRegion{StartLine: line}},
			Message:          &sarifText{Text: "snapshot " + snap.ID},
		}},
		PartialFingerprints: map[string]string{"supaudit/v1": snap.ID + "/" + id},
		Properties: map[string]any{
			"snapshot": snap.ID, "subject": res.Subject, "status": string(res.Status), "severity": res.Severity,
		},
	}
	var evidence []string
	for _, ev := range res.Evidence {
		p := ev.Provenance
		if p == nil || p.Source == "" {
			continue
		}
		where := p.Source
		if p.Line > 0 {
			where = fmt.Sprintf("%s:%d", p.Source, p.Line)
		}
		evidence = append(evidence, ev.Fact+": "+where)
		if snap.EvidenceRoot != "" && !isZip(snap.EvidenceRoot) && evidenceFile(p) && p.Line > 0 {
			n := len(out.RelatedLocations) + 1
			out.RelatedLocations = append(out.RelatedLocations, sarifLocation{ID: &n,
				PhysicalLocation: sarifPhysical{
					ArtifactLocation: artifact(filepath.Join(snap.EvidenceRoot, filepath.FromSlash(p.Source)), root),
					Region:           &sarifRegion{StartLine: p.Line}},
				Message: &sarifText{Text: ev.Fact}})
		}
	}
	if len(evidence) > 0 {
		out.Properties["evidence"] = evidence
	}
	if wv := res.Waiver; wv != nil {
		out.Properties["waived_status"] = string(wv.Status)
		out.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: wv.Reason,
			Properties: map[string]any{"approved_by": wv.ApprovedBy, "expires": wv.Expires}}}
	} else if res.Status == results.Waived {
		out.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: res.Message}}
	}
	return out, true
}

// artifact is the artifactLocation of a file: a percent-encoded URI
// reference, relative to root (base id SRCROOT) when root is set and holds
// the file.
func artifact(file, root string) sarifArtifactLoc {
	if root != "" {
		if abs, err := filepath.Abs(file); err == nil {
			if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return sarifArtifactLoc{URI: relURI(rel), URIBaseID: "SRCROOT"}
			}
		}
	}
	if filepath.IsAbs(file) {
		return sarifArtifactLoc{URI: fileURI(file)}
	}
	return sarifArtifactLoc{URI: relURI(file)}
}

// relURI percent-encodes a relative path as a URI reference (spaces, '#',
// '?', '%' and other reserved characters encoded; a first segment with ':'
// gets "./" so it is not read as a scheme).
func relURI(p string) string {
	return (&url.URL{Path: filepath.ToSlash(p)}).String()
}

// fileURI is the file: URI of an absolute path.
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x -> /C:/x
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

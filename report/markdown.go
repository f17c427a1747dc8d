package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/supaudit/supaudit/results"
)

// Markdown writes the report as GitHub-flavoured Markdown for pull-request
// comments and job summaries ($GITHUB_STEP_SUMMARY): the verdict, a summary
// table with a row per snapshot, then per snapshot the results that do not
// pass with their remediation. Passing and not-applicable results are only
// counted. It is written by hand with fmt: the output is a few tables and
// lists, and every cell goes through mdCell.
type Markdown struct {
	W io.Writer
}

// Report implements Reporter.
func (m *Markdown) Report(_ context.Context, r *Report) error {
	var b strings.Builder
	verdict := "passed"
	if r.Failed {
		verdict = "FAILED"
	}
	if len(r.Errors) > 0 {
		verdict = "ERROR"
	}
	fmt.Fprintf(&b, "## supaudit: %s\n\n", verdict)
	fmt.Fprintf(&b, "%d snapshot(s): %s (--fail-on %s) · %s %s · %s\n\n", len(r.Snapshots), r.Summary, r.FailOn,
		r.Tool.Name, r.Tool.Version, r.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"))
	writeSummaryTable(&b, r.Snapshots)
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "- :x: error: %s\n", mdCell(e))
	}
	if len(r.Errors) > 0 {
		b.WriteString("\n")
	}
	for _, snap := range r.Snapshots {
		var open []results.Result
		for _, res := range snap.Results {
			if res.Status != results.Pass && res.Status != results.NotApplicable {
				open = append(open, res)
			}
		}
		if len(open) == 0 {
			continue
		}
		fmt.Fprintf(&b, "### %s\n\n`%s` — %s\n\n", mdCell(snap.ID), mdCell(snap.File), snap.Summary)
		b.WriteString("| Step | Status | Subject | Message |\n|---|---|---|---|\n")
		for _, res := range open {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", res.Step, statusBadge(res.Status), mdCell(res.Subject), mdCell(res.Message))
		}
		b.WriteString("\n")
		for _, res := range open {
			if res.Status == results.Waived {
				fmt.Fprintf(&b, "- **%s** %s: %s\n", res.Step, mdCell(res.Subject), mdCell(waivedText(res)))
				continue
			}
			d := caseDetail(res)
			if d == "" {
				continue
			}
			fmt.Fprintf(&b, "<details><summary>%s %s — %s: remediation</summary>\n\n", res.Step, htmlEscaper.Replace(res.Title), htmlEscaper.Replace(res.Subject))
			for i, step := range res.Remediation {
				fmt.Fprintf(&b, "%d. %s\n", i+1, mdLine(step))
			}
			if res.MoreInformation != "" {
				fmt.Fprintf(&b, "\nMore information: *%s*\n", mdLine(res.MoreInformation))
			}
			b.WriteString("\n</details>\n\n")
		}
	}
	_, err := io.WriteString(m.W, b.String())
	return err
}

// writeSummaryTable writes a row of counts per snapshot.
func writeSummaryTable(b *strings.Builder, snaps []SnapshotResults) {
	b.WriteString("| Snapshot | fail | unknown | warn | manual | n/a | pass | waived |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range snaps {
		sum := s.Summary
		if sum == nil {
			sum = results.Summarize(s.Results)
		}
		fmt.Fprintf(b, "| %s | %d | %d | %d | %d | %d | %d | %d |\n", mdCell(s.ID),
			sum[results.Fail], sum[results.Unknown], sum[results.Warn], sum[results.Manual],
			sum[results.NotApplicable], sum[results.Pass], sum[results.Waived])
	}
	b.WriteString("\n")
}

func statusBadge(s results.Status) string {
	switch s {
	case results.Fail:
		return ":x: fail"
	case results.Unknown:
		return ":grey_question: unknown"
	case results.Warn:
		return ":warning: warn"
	case results.Manual:
		return ":memo: manual"
	case results.Waived:
		return ":white_circle: waived"
	}
	return string(s)
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// mdLine escapes text for one Markdown line: HTML is neutralised and line
// breaks become spaces.
func mdLine(s string) string {
	s = htmlEscaper.Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(mdLine(s), "|", "\\|")
}

package report

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/supaudit/supaudit/internal/safetext"
	"github.com/supaudit/supaudit/results"
)

// DefaultMaxMarkdown caps the Markdown report (1,000,000 bytes): GitHub
// accepts at most 1 MiB per step summary ($GITHUB_STEP_SUMMARY).
const DefaultMaxMarkdown = 1_000_000

// Markdown writes the report as GitHub-flavoured Markdown for pull-request
// comments and job summaries ($GITHUB_STEP_SUMMARY): the verdict, a summary
// table with a row per snapshot, then per snapshot the results that do not
// pass with their remediation. Passing and not-applicable results are only
// counted. Sites are written worst first (most fail, then unknown, warn,
// manual), and the whole stays under MaxBytes: past it, the report ends
// with "N more sites: see the HTML report". Statuses are plain words, not
// emoji shortcodes (other renderers show those raw). It is written by hand
// with fmt: the output is a few tables and lists, and every value goes
// through mdCell or mdLine (safetext, HTML neutralised).
type Markdown struct {
	W io.Writer
	// MaxBytes caps the output; 0 means DefaultMaxMarkdown.
	MaxBytes int
}

// mdFooterRoom is kept free for the closing line.
const mdFooterRoom = 200

// Render implements Renderer.
func (m *Markdown) Render(_ context.Context, r *Run) error {
	limit := m.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxMarkdown
	}
	budget := limit - mdFooterRoom
	var b strings.Builder
	fmt.Fprintf(&b, "## supaudit: %s\n\n", r.Verdict())
	fmt.Fprintf(&b, "%d snapshot(s): %s (--fail-on %s) · %s %s · %s\n\n", r.Trailer.Snapshots, r.Summary, r.FailOn,
		mdLine(r.Tool.Name), mdLine(r.Tool.Version), r.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"))
	if r.Interrupted {
		b.WriteString("**Interrupted**: the run stopped before every input was judged; this report is incomplete.\n\n")
	}
	for i, e := range r.Errors {
		line := fmt.Sprintf("- error: %s\n", mdCell(e.Message))
		if b.Len()+len(line) > budget/4 {
			fmt.Fprintf(&b, "- %d more errors\n", len(r.Errors)-i)
			break
		}
		b.WriteString(line)
	}
	if len(r.Errors) > 0 {
		b.WriteString("\n")
	}
	snaps := worstFirst(r.Snapshots)
	// The summary table takes at most half of what is left.
	tableBudget := b.Len() + (budget-b.Len())/2
	b.WriteString("| Snapshot | fail | unknown | warn | manual | n/a | pass | waived |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	rows := 0
	for _, s := range snaps {
		row := summaryRow(s)
		if b.Len()+len(row) > tableBudget {
			break
		}
		b.WriteString(row)
		rows++
	}
	if rows < len(snaps) {
		fmt.Fprintf(&b, "| %d more sites | | | | | | | |\n", len(snaps)-rows)
	}
	b.WriteString("\n")
	for i, snap := range snaps {
		sec := snapshotSection(snap)
		if sec == "" {
			continue
		}
		if b.Len()+len(sec) > budget {
			more := 0
			for _, s := range snaps[i:] {
				if hasOpen(s) {
					more++
				}
			}
			fmt.Fprintf(&b, "%d more sites: see the HTML report (`--report html=FILE`).\n", more)
			break
		}
		b.WriteString(sec)
	}
	_, err := io.WriteString(m.W, b.String())
	return err
}

// worstFirst orders snapshots by their worst results: most fail, then
// unknown, warn and manual, then by id.
func worstFirst(in []SnapshotResults) []SnapshotResults {
	snaps := append([]SnapshotResults(nil), in...)
	sum := func(s SnapshotResults) results.Summary {
		if s.Summary != nil {
			return s.Summary
		}
		return results.Summarize(s.Results)
	}
	sort.SliceStable(snaps, func(i, j int) bool {
		a, b := sum(snaps[i]), sum(snaps[j])
		for _, st := range []results.Status{results.Fail, results.Unknown, results.Warn, results.Manual} {
			if a[st] != b[st] {
				return a[st] > b[st]
			}
		}
		return snaps[i].ID < snaps[j].ID
	})
	return snaps
}

func hasOpen(s SnapshotResults) bool {
	for _, res := range s.Results {
		if !passing(res.Status) {
			return true
		}
	}
	return false
}

// snapshotSection is a snapshot's heading, its open results and their
// remediation; "" when every result passes.
func snapshotSection(snap SnapshotResults) string {
	var open []results.Result
	for _, res := range snap.Results {
		if !passing(res.Status) {
			open = append(open, res)
		}
	}
	if len(open) == 0 {
		return ""
	}
	var b strings.Builder
	sum := snap.Summary
	if sum == nil {
		sum = results.Summarize(snap.Results)
	}
	fmt.Fprintf(&b, "### %s\n\n`%s` — %s\n\n", mdCell(snap.ID), mdCode(snap.File), sum)
	b.WriteString("| Step | Status | Subject | Message |\n|---|---|---|---|\n")
	for _, res := range open {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdCell(res.Step), res.Status, mdCell(res.Subject), mdCell(res.Message))
	}
	b.WriteString("\n")
	for _, res := range open {
		if res.Status == results.Waived {
			fmt.Fprintf(&b, "- **%s** %s: %s\n\n", mdCell(res.Step), mdCell(res.Subject), mdCell(waivedText(res)))
			continue
		}
		if len(res.Remediation) == 0 && res.MoreInformation == "" {
			continue
		}
		fmt.Fprintf(&b, "<details><summary>%s %s — %s: remediation</summary>\n\n", mdLine(res.Step), mdLine(res.Title), mdLine(res.Subject))
		for i, step := range res.Remediation {
			fmt.Fprintf(&b, "%d. %s\n", i+1, mdLine(step))
		}
		if res.MoreInformation != "" {
			if len(res.Remediation) > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "More information: *%s*\n", mdLine(res.MoreInformation))
		}
		b.WriteString("\n</details>\n\n")
	}
	return b.String()
}

// summaryRow is a snapshot's row of counts.
func summaryRow(s SnapshotResults) string {
	sum := s.Summary
	if sum == nil {
		sum = results.Summarize(s.Results)
	}
	return fmt.Sprintf("| %s | %d | %d | %d | %d | %d | %d | %d |\n", mdCell(s.ID),
		sum[results.Fail], sum[results.Unknown], sum[results.Warn], sum[results.Manual],
		sum[results.NotApplicable], sum[results.Pass], sum[results.Waived])
}

// writeSummaryTable writes a row of counts per snapshot.
func writeSummaryTable(b *strings.Builder, snaps []SnapshotResults) {
	b.WriteString("| Snapshot | fail | unknown | warn | manual | n/a | pass | waived |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range snaps {
		b.WriteString(summaryRow(s))
	}
	b.WriteString("\n")
}

// mdCode is text for a code span: backticks cannot be escaped inside one.
func mdCode(s string) string { return strings.ReplaceAll(safetext.Line(s), "`", "'") }

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// mdLine escapes text for one Markdown line: control characters are
// escaped (safetext), HTML is neutralised and line breaks become spaces.
func mdLine(s string) string {
	s = htmlEscaper.Replace(safetext.Text(s))
	return strings.Join(strings.Fields(s), " ")
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(mdLine(s), "|", "\\|")
}

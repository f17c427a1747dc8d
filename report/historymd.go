package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/supaudit/supaudit/results"
)

// History implements HistoryReporter: the content of the HTML history
// report, with the matrix as a table of symbols and the trend as a table of
// runs.
func (m *Markdown) History(_ context.Context, v *HistoryView) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# supaudit: %d of %d sites ready to deploy software updates\n\n", v.Ready, v.Sites)
	fmt.Fprintf(&b, "**Ready** means: %s. Sites are listed worst first.\n\n", mdLine(v.Definition))
	fmt.Fprintf(&b, "Latest run %s (%s)", v.Latest.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"), v.Latest.Summary)
	if v.Previous != nil {
		fmt.Fprintf(&b, "; previous run %s", v.Previous.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	fmt.Fprintf(&b, "; %d run(s) in this report%s. Generated %s by %s %s.\n\n", v.Runs, queryText(v.Query),
		v.GeneratedAt.Format("2006-01-02 15:04 UTC"), mdLine(v.Tool.Name), mdLine(v.Tool.Version))
	for _, w := range v.Warnings {
		fmt.Fprintf(&b, "- :warning: warning: %s\n", mdLine(w))
	}
	for _, e := range v.Latest.Errors {
		fmt.Fprintf(&b, "- :x: error: %s\n", mdLine(e))
	}
	if len(v.Warnings)+len(v.Latest.Errors) > 0 {
		b.WriteString("\n")
	}

	b.WriteString("## Sites and checklist steps\n\n")
	var legend []string
	for _, s := range cellStatuses {
		legend = append(legend, Symbols[s]+" "+string(s))
	}
	fmt.Fprintf(&b, "%s\n\n| Site | Readiness |", strings.Join(legend, " · "))
	for _, s := range v.Steps {
		fmt.Fprintf(&b, " %s |", s.Step)
	}
	b.WriteString("\n|---|---|" + strings.Repeat(":-:|", len(v.Steps)) + "\n")
	for _, r := range v.SiteRows {
		mark := "✓"
		if !r.Ready {
			mark = "✗"
		}
		fmt.Fprintf(&b, "| %s | %s %s", mdCell(r.ID), mark, r.Readiness)
		if r.ReadyDetail != "" && r.Readiness != "ready" {
			fmt.Fprintf(&b, " (%s)", r.ReadyDetail)
		}
		b.WriteString(" |")
		for _, c := range r.Cells {
			fmt.Fprintf(&b, " %s |", c.Symbol)
		}
		b.WriteString("\n")
	}

	b.WriteString("\n## Trend\n\n| Run | Sites judged | Sites ready | fail | unknown | warn | manual |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, p := range v.Trend {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d |\n", p.GeneratedAt.UTC().Format("2006-01-02 15:04"), p.Sites, p.Ready,
			p.Summary[results.Fail], p.Summary[results.Unknown], p.Summary[results.Warn], p.Summary[results.Manual])
	}

	fmt.Fprintf(&b, "\n## Status changes since the previous run (%d)\n\n", len(v.Changes))
	if len(v.NewSites) > 0 {
		fmt.Fprintf(&b, "New site(s) (%d): %s.\n\n", len(v.NewSites), mdLine(strings.Join(v.NewSites, ", ")))
	}
	if len(v.GoneSites) > 0 {
		fmt.Fprintf(&b, "Site(s) no longer judged (%d): %s.\n\n", len(v.GoneSites), mdLine(strings.Join(v.GoneSites, ", ")))
	}
	switch {
	case v.Previous == nil:
		b.WriteString("This is the first run in the report.\n\n")
	case len(v.Changes) == 0:
		b.WriteString("No status changed at a site judged in both runs.\n\n")
	default:
		b.WriteString("| Site | Step | Subject | Was | Now | Message |\n|---|---|---|---|---|---|\n")
		for _, c := range v.Changes {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", mdCell(c.Snapshot), mdCell(c.Step), mdCell(c.Subject),
				changeSide(c.Before, "(new)"), changeSide(c.After, "(gone)"), mdCell(c.Message))
		}
		b.WriteString("\n")
	}

	fmt.Fprintf(&b, "## Waiver register (%d)\n\n", len(v.Register))
	if len(v.Register) == 0 {
		b.WriteString("The latest run used no waivers.\n\n")
	} else {
		b.WriteString("| State | Step | Subject | Reason | Approved by | Expires | Results waived |\n|---|---|---|---|---|---|---:|\n")
		for _, w := range v.Register {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %d |\n", waiverState(w), mdCell(w.Step), mdCell(w.Subject),
				mdCell(w.Reason), mdCell(w.ApprovedBy), mdCell(w.Expires), w.Used)
		}
		b.WriteString("\n")
	}

	b.WriteString("## Remediation by step\n\n")
	if len(v.Remediation) == 0 {
		b.WriteString("Nothing to remediate in the latest run.\n")
	}
	for _, g := range v.Remediation {
		fmt.Fprintf(&b, "### %s %s (severity %s)\n\nApplies to %d subject(s):\n\n", mdLine(g.Step), mdLine(g.Title), mdLine(g.Severity), len(g.Hosts))
		for _, h := range g.Hosts {
			fmt.Fprintf(&b, "- %s %s — **%s**: %s\n", Symbols[h.Status]+" "+string(h.Status), mdLine(h.Site), mdLine(h.Subject), mdLine(h.Message))
		}
		if len(g.Remediation) > 0 {
			b.WriteString("\n")
		}
		for i, r := range g.Remediation {
			fmt.Fprintf(&b, "%d. %s\n", i+1, mdLine(r))
		}
		if g.MoreInformation != "" {
			fmt.Fprintf(&b, "\nMore Information: [%s](%s)\n", mdLine(g.MoreInformation), g.MoreInformationURL)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(m.W, b.String())
	return err
}

func queryText(q HistoryQuery) string {
	var s string
	if q.Site != "" {
		s += "; site " + mdLine(q.Site)
	}
	if q.Step != "" {
		s += "; step " + mdLine(q.Step)
	}
	if !q.Since.IsZero() {
		s += "; since " + q.Since.UTC().Format(time.DateOnly)
	}
	return s
}

func changeSide(s results.Status, absent string) string {
	if s == "" {
		return absent
	}
	return Symbols[s] + " " + string(s)
}

func waiverState(w WaiverEntry) string {
	switch w.State {
	case "expired":
		return "✗ **expired**"
	case "expiring":
		return fmt.Sprintf("! **expires in %d day(s)**", w.DaysLeft)
	}
	return "active"
}

func orDash(s results.Status) string {
	if s == "" {
		return "—"
	}
	return string(s)
}

// HistorySchemaV1 identifies the JSON history report.
const HistorySchemaV1 = "supaudit/history/v1"

// HistoryJSON writes the history as JSON (supaudit/history/v1): the runs,
// the trend, the sites of the latest run, the status changes and the waiver
// register.
type HistoryJSON struct {
	W io.Writer
}

// jsonHistory is the document HistoryJSON writes.
type jsonHistory struct {
	Schema      string          `json:"schema"`
	Tool        Tool            `json:"tool"`
	GeneratedAt time.Time       `json:"generated_at"`
	Query       HistoryQuery    `json:"query"`
	Definition  string          `json:"definition"`
	FailOn      results.Status  `json:"fail_on"`
	Ready       int             `json:"ready"`
	Sites       int             `json:"sites"`
	Runs        []RunSummary    `json:"runs"`
	Trend       []jsonTrend     `json:"trend"`
	SiteRows    []jsonSite      `json:"site_rows"`
	Changes     []VerdictChange `json:"changes"`
	NewSites    []string        `json:"new_sites"`
	GoneSites   []string        `json:"gone_sites"`
	Register    []WaiverEntry   `json:"register"`
	Warnings    []string        `json:"warnings,omitempty"`
}

type jsonTrend struct {
	At        time.Time `json:"at"`
	Sites     int       `json:"sites"`
	Ready     int       `json:"ready"`
	ReadyPct  float64   `json:"ready_pct"`
	Fail      int       `json:"fail"`
	Unknown   int       `json:"unknown"`
	Warn      int       `json:"warn"`
	Manual    int       `json:"manual"`
	RunID     string    `json:"run_id"`
	FailOnRun string    `json:"fail_on"`
}

type jsonSite struct {
	ID        string                    `json:"id"`
	Site      string                    `json:"site,omitempty"`
	Ready     bool                      `json:"ready"`
	Readiness string                    `json:"readiness"`
	Summary   results.Summary           `json:"summary"`
	Steps     map[string]results.Status `json:"steps"`
}

// History implements HistoryReporter.
func (j *HistoryJSON) History(_ context.Context, v *HistoryView) error {
	doc := jsonHistory{Schema: HistorySchemaV1, Tool: v.Tool, GeneratedAt: v.GeneratedAt, Query: v.Query,
		Definition: v.Definition, FailOn: v.FailOn, Ready: v.Ready, Sites: v.Sites, Runs: v.Trend,
		Changes: v.Changes, Register: v.Register, Warnings: v.Warnings, NewSites: orEmptyStrings(v.NewSites),
		GoneSites: orEmptyStrings(v.GoneSites),
		Trend:     []jsonTrend{}, SiteRows: []jsonSite{}}
	if doc.Changes == nil {
		doc.Changes = []VerdictChange{}
	}
	if doc.Register == nil {
		doc.Register = []WaiverEntry{}
	}
	for _, p := range v.Trend {
		t := jsonTrend{At: p.GeneratedAt, Sites: p.Sites, Ready: p.Ready, Fail: p.Summary[results.Fail],
			Unknown: p.Summary[results.Unknown], Warn: p.Summary[results.Warn], Manual: p.Summary[results.Manual],
			RunID: p.ID, FailOnRun: string(failOn(p.FailOn))}
		if p.Sites > 0 {
			t.ReadyPct = float64(int(1000*float64(p.Ready)/float64(p.Sites)+0.5)) / 10
		}
		doc.Trend = append(doc.Trend, t)
	}
	for _, r := range v.SiteRows {
		s := jsonSite{ID: r.ID, Site: r.Code, Ready: r.Ready, Readiness: r.Readiness, Summary: r.Summary, Steps: map[string]results.Status{}}
		for _, c := range r.Cells {
			if c.Status != "" {
				s.Steps[c.Step] = c.Status
			}
		}
		doc.SiteRows = append(doc.SiteRows, s)
	}
	enc := json.NewEncoder(j.W)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func orEmptyStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

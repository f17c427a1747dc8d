package report

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/supaudit/supaudit/results"
)

// History is what a history store (package history) hands the history
// reports: a summary per kept run for the trend, the latest and the previous
// run in full (results without evidence) and the waiver register of the
// latest run. Every part is already narrowed to the query (Since, Site,
// Step), so the reports never hold more than two runs.
type History struct {
	// Runs are the kept runs in the query, oldest first.
	Runs []RunSummary
	// Latest is the newest run, Previous the one before it (nil when there
	// is one run).
	Latest, Previous *Report
	// Waivers is the waiver register of the latest run.
	Waivers []WaiverRecord
	// Query is the narrowing the store applied.
	Query HistoryQuery
	// Warnings are history entries the store skipped (a bad file), one line
	// each.
	Warnings []string
}

// HistoryQuery narrows a history: runs at or after Since, the sites whose
// site code or snapshot id is Site, the results of step Step. Zero values
// mean everything.
type HistoryQuery struct {
	Since time.Time `json:"since,omitzero"`
	Site  string    `json:"site,omitempty"`
	Step  string    `json:"step,omitempty"`
}

// RunSummary is one kept run as the trend shows it.
type RunSummary struct {
	ID          string    `json:"id"`
	GeneratedAt time.Time `json:"generated_at"`
	// FailOn is the run's --fail-on: the readiness definition.
	FailOn results.Status `json:"fail_on"`
	// Sites is the number of sites (snapshots) judged; Ready those with no
	// result at or above FailOn.
	Sites   int             `json:"sites"`
	Ready   int             `json:"ready"`
	Summary results.Summary `json:"summary"`
	// Errors counts the inputs the run could not judge.
	Errors int `json:"errors"`
}

// WaiverRecord is one waiver of a run's --waivers file.
type WaiverRecord struct {
	Step       string `json:"step"`
	Subject    string `json:"subject"`
	Snapshot   string `json:"snapshot,omitempty"`
	Reason     string `json:"reason"`
	ApprovedBy string `json:"approved_by"`
	// Expires is the last day the waiver applies (YYYY-MM-DD).
	Expires string `json:"expires"`
	// Used counts the results it waived in that run.
	Used int `json:"used"`
}

// SiteCode is the site code of a snapshot: the code of its first "site
// CODE..." subject, upper-cased, or "" when no result names the site.
func SiteCode(s SnapshotResults) string {
	for _, r := range s.Results {
		if rest, ok := strings.CutPrefix(r.Subject, "site "); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				return strings.ToUpper(f[0])
			}
		}
	}
	return ""
}

// MatchSite reports whether a snapshot is the site q names (its site code,
// or its snapshot id, case-insensitively); an empty q matches every site.
func MatchSite(s SnapshotResults, q string) bool {
	return q == "" || strings.EqualFold(s.ID, q) || strings.EqualFold(SiteCode(s), q)
}

// Narrow returns r with only the snapshots and results q names (a copy when
// q narrows anything; the summaries are recomputed).
func Narrow(r *Report, q HistoryQuery) *Report {
	if r == nil || (q.Site == "" && q.Step == "") {
		return r
	}
	out := *r
	out.Snapshots = nil
	for _, s := range r.Snapshots {
		if !MatchSite(s, q.Site) {
			continue
		}
		if q.Step != "" {
			var rs []results.Result
			for _, res := range s.Results {
				if strings.EqualFold(res.Step, q.Step) {
					rs = append(rs, res)
				}
			}
			s.Results = rs
		}
		out.Snapshots = append(out.Snapshots, s)
	}
	return New(r.Tool, r.GeneratedAt, r.FailOn, out.Snapshots, r.Errors)
}

// SummarizeRun is the trend entry of one run (already narrowed).
func SummarizeRun(id string, r *Report) RunSummary {
	p := RunSummary{ID: id, GeneratedAt: r.GeneratedAt.UTC(), FailOn: r.FailOn, Sites: len(r.Snapshots),
		Summary: results.Summarize(nil), Errors: len(r.Errors)}
	for _, s := range r.Snapshots {
		sum := results.Summarize(s.Results)
		p.Summary.Add(sum)
		if sum.Ready(failOn(r.FailOn)) {
			p.Ready++
		}
	}
	return p
}

// failOn is the run's threshold, fail when a run did not record one.
func failOn(s results.Status) results.Status {
	if s.Rank() == 0 {
		return results.Fail
	}
	return s
}

// HistoryOf is the history of one run (what HTML shows for check --format
// html).
func HistoryOf(r *Report) *History {
	return &History{Runs: []RunSummary{SummarizeRun("", r)}, Latest: r, Waivers: AppliedWaivers(r)}
}

// AppliedWaivers is the register of the waivers r's results record (for a
// run whose --waivers file was not kept): one entry per waiver, with the
// results it waived.
func AppliedWaivers(r *Report) []WaiverRecord {
	idx := map[WaiverRecord]int{}
	var out []WaiverRecord
	for _, s := range r.Snapshots {
		for _, res := range s.Results {
			if res.Waiver == nil {
				continue
			}
			k := WaiverRecord{Step: res.Step, Subject: res.Subject, Reason: res.Waiver.Reason,
				ApprovedBy: res.Waiver.ApprovedBy, Expires: res.Waiver.Expires}
			i, ok := idx[k]
			if !ok {
				i = len(out)
				idx[k] = i
				out = append(out, k)
			}
			out[i].Used++
		}
	}
	return out
}

// HistoryView is what the history reports (HTML, Markdown, JSON) show,
// computed from a History without re-judging anything.
type HistoryView struct {
	Tool        Tool
	GeneratedAt time.Time
	Query       HistoryQuery
	Warnings    []string
	// Runs is the number of runs; Latest the newest, Previous the one
	// before it (nil when there is only one).
	Runs     int
	Latest   *Report
	Previous *Report
	// FailOn is the latest run's readiness threshold; Ready and Sites
	// the headline ("3 of 25 sites ready").
	FailOn       results.Status
	Ready, Sites int
	// Definition states what "ready" means for FailOn.
	Definition string
	// Steps are the matrix columns, in checklist order.
	Steps []StepRow
	// Sites has a row per site of the latest run, worst first.
	SiteRows []SiteRow
	// Trend has a point per run, oldest first; Chart draws it.
	Trend []RunSummary
	Chart Chart
	// Changes are every status change since the previous run, worse
	// first.
	Changes []VerdictChange
	// NewSites joined since the previous run; GoneSites left.
	NewSites, GoneSites []string
	// Register is the waiver register, expired and expiring first.
	Register []WaiverEntry
	// Remediation is one block per step that has open results in the
	// latest run, in checklist order.
	Remediation []RemediationBlock
}

// StepRow is one checklist step over the sites of the latest run.
type StepRow struct {
	Step, Title string
	Summary     results.Summary
}

// SiteRow is one site of the latest run.
type SiteRow struct {
	// Index numbers the site for anchors (site-N, f-N-STEP).
	Index       int
	ID, File    string
	Code        string
	Summary     results.Summary
	Ready       bool
	Cells       []Cell
	Findings    []Finding
	Readiness   string
	ReadyDetail string
}

// Cell is one site and step of the matrix: the worst status of its results.
type Cell struct {
	Step    string
	Status  results.Status
	Symbol  string
	Count   int
	Anchor  string
	Tooltip string
}

// Finding is one result that does not pass, in the findings of its site.
type Finding struct {
	// Anchor is the id of the first finding of its site and step (the
	// matrix cell links to it), "" for the others.
	Anchor           string
	Step, Title      string
	Subject, Message string
	Status           results.Status
	Severity         string
}

// WaiverEntry is one row of the waiver register.
type WaiverEntry struct {
	WaiverRecord
	// State is "expired", "expiring" (within 30 days) or "active".
	State string `json:"state"`
	// DaysLeft is the number of days from the report's date to the expiry
	// (negative when expired).
	DaysLeft int `json:"days_left"`
}

// RemediationBlock is the remediation of one step: the hosts it applies
// to, once each, and the distinct remediation steps.
type RemediationBlock struct {
	Step, Title, Severity string
	MoreInformation       string
	MoreInformationURL    string
	Hosts                 []RemediationHost
	Remediation           []string
}

// RemediationHost is one subject a remediation block applies to.
type RemediationHost struct {
	Site, Subject, Message string
	Status                 results.Status
}

// ExpiringDays is how close an expiry must be for the register to flag it.
const ExpiringDays = 30

// MoreInformationBase is the search the More Information links open: the
// topics are ConfigMgr 2007 documentation titles, kept on Microsoft Learn.
const MoreInformationBase = "https://learn.microsoft.com/en-us/search/?terms="

// cellOrder ranks a cell's statuses, worst first.
var cellOrder = map[results.Status]int{results.Fail: 0, results.Unknown: 1, results.Warn: 2, results.Manual: 3,
	results.Waived: 4, results.Pass: 5, results.NotApplicable: 6}

// Symbols are the matrix cells' letters, so that colour is not the only cue.
var Symbols = map[results.Status]string{results.Fail: "✗", results.Unknown: "?", results.Warn: "!",
	results.Manual: "M", results.Waived: "W", results.Pass: "✓", results.NotApplicable: "–"}

// Definition states the readiness definition for a --fail-on threshold.
func Definition(t results.Status) string {
	var at []string
	for _, s := range []results.Status{results.Fail, results.Unknown, results.Warn, results.Manual} {
		if s.Rank() >= t.Rank() {
			at = append(at, string(s))
		}
	}
	return fmt.Sprintf("a site is ready to deploy software updates when none of its results is %s (--fail-on %s)", strings.Join(at, " or "), t)
}

// NewHistoryView computes the view of h.
func NewHistoryView(h *History, tool Tool, now time.Time) (*HistoryView, error) {
	if h == nil || h.Latest == nil || len(h.Runs) == 0 {
		return nil, fmt.Errorf("no runs in the history")
	}
	now = now.UTC()
	l := h.Latest
	v := &HistoryView{Tool: tool, GeneratedAt: now, Query: h.Query, Warnings: h.Warnings, Runs: len(h.Runs),
		Latest: l, Previous: h.Previous, FailOn: failOn(l.FailOn), Trend: h.Runs}
	v.Definition = Definition(v.FailOn)
	v.Chart = newChart(h.Runs)

	// Columns: every step of the latest run, in checklist order.
	stepIdx := map[string]int{}
	for _, s := range l.Snapshots {
		for _, r := range s.Results {
			if _, ok := stepIdx[r.Step]; !ok {
				stepIdx[r.Step] = len(v.Steps)
				v.Steps = append(v.Steps, StepRow{Step: r.Step, Title: r.Title, Summary: results.Summarize(nil)})
			}
			v.Steps[stepIdx[r.Step]].Summary[r.Status]++
		}
	}
	slices.SortStableFunc(v.Steps, func(a, b StepRow) int { return results.CompareSteps(a.Step, b.Step) })
	for i, s := range v.Steps {
		stepIdx[s.Step] = i
	}

	blocks := map[string]*RemediationBlock{}
	remSeen := map[string]map[string]bool{}
	hostSeen := map[string]map[RemediationHost]bool{}
	for i, s := range l.Snapshots {
		sum := results.Summarize(s.Results)
		row := SiteRow{Index: i, ID: s.ID, File: s.File, Code: SiteCode(s), Summary: sum, Ready: sum.Ready(v.FailOn)}
		if row.Ready {
			v.Ready++
		}
		row.Readiness, row.ReadyDetail = readiness(row.Ready, sum)
		cells := make([]Cell, len(v.Steps))
		for j, st := range v.Steps {
			cells[j] = Cell{Step: st.Step, Anchor: fmt.Sprintf("site-%d", i)}
		}
		for _, r := range s.Results {
			c := &cells[stepIdx[r.Step]]
			c.Count++
			if c.Status == "" || cellOrder[r.Status] < cellOrder[c.Status] {
				c.Status = r.Status
			}
			if r.Status == results.Pass || r.Status == results.NotApplicable {
				continue
			}
			anchor := fmt.Sprintf("f-%d-%s", i, r.Step)
			if c.Anchor == anchor {
				anchor = ""
			} else {
				c.Anchor = anchor
			}
			row.Findings = append(row.Findings, Finding{Anchor: anchor, Step: r.Step, Title: r.Title,
				Subject: r.Subject, Message: r.Message, Status: r.Status, Severity: r.Severity})
			if r.Status == results.Waived {
				continue
			}
			b := blocks[r.Step]
			if b == nil {
				b = &RemediationBlock{Step: r.Step, Title: r.Title, Severity: r.Severity, MoreInformation: r.MoreInformation}
				if r.MoreInformation != "" {
					b.MoreInformationURL = MoreInformationBase + url.QueryEscape("Configuration Manager 2007 "+firstTopic(r.MoreInformation))
				}
				blocks[r.Step] = b
				remSeen[r.Step] = map[string]bool{}
				hostSeen[r.Step] = map[RemediationHost]bool{}
			}
			host := RemediationHost{Site: s.ID, Subject: r.Subject, Message: trimSubject(r.Message, r.Subject), Status: r.Status}
			if !hostSeen[r.Step][host] {
				hostSeen[r.Step][host] = true
				b.Hosts = append(b.Hosts, host)
			}
			for _, line := range r.Remediation {
				if !remSeen[r.Step][line] {
					remSeen[r.Step][line] = true
					b.Remediation = append(b.Remediation, line)
				}
			}
		}
		for j := range cells {
			c := &cells[j]
			if c.Status == "" {
				c.Tooltip = c.Step + ": no result"
				continue
			}
			c.Symbol = Symbols[c.Status]
			c.Tooltip = fmt.Sprintf("%s %s: %s (%d result(s))", row.ID, c.Step, c.Status, c.Count)
		}
		slices.SortStableFunc(row.Findings, func(a, b Finding) int { return results.CompareSteps(a.Step, b.Step) })
		row.Cells = cells
		v.SiteRows = append(v.SiteRows, row)
	}
	v.Sites = len(v.SiteRows)
	slices.SortStableFunc(v.SiteRows, compareSites)
	for _, b := range blocks {
		v.Remediation = append(v.Remediation, *b)
	}
	slices.SortFunc(v.Remediation, func(a, b RemediationBlock) int { return results.CompareSteps(a.Step, b.Step) })

	if v.Previous != nil {
		had, has := map[string]bool{}, map[string]bool{}
		for _, s := range v.Previous.Snapshots {
			had[s.ID] = true
		}
		for _, s := range l.Snapshots {
			has[s.ID] = true
			if !had[s.ID] {
				v.NewSites = append(v.NewSites, s.ID)
			}
		}
		for _, s := range v.Previous.Snapshots {
			if !has[s.ID] {
				v.GoneSites = append(v.GoneSites, s.ID)
			}
		}
		// A site that joined or left is one line, not each of its results.
		for _, c := range DiffResults(v.Previous.Snapshots, l.Snapshots) {
			if had[c.Snapshot] && has[c.Snapshot] {
				v.Changes = append(v.Changes, c)
			}
		}
		slices.SortStableFunc(v.Changes, func(a, b VerdictChange) int {
			if a.Worse != b.Worse {
				if a.Worse {
					return -1
				}
				return 1
			}
			return cmp.Or(strings.Compare(a.Snapshot, b.Snapshot), results.CompareSteps(a.Step, b.Step), strings.Compare(a.Subject, b.Subject))
		})
	}
	v.Register = register(h.Waivers, now)
	return v, nil
}

// readiness is a site's verdict and what keeps it from a clean pass.
func readiness(ready bool, sum results.Summary) (string, string) {
	var parts []string
	for _, st := range []results.Status{results.Fail, results.Unknown, results.Warn, results.Manual} {
		if n := sum[st]; n > 0 {
			name := map[results.Status]string{results.Fail: "fail", results.Unknown: "unknown",
				results.Warn: "warning(s)", results.Manual: "manual step(s) not attested"}[st]
			parts = append(parts, fmt.Sprintf("%d %s", n, name))
		}
	}
	if n := sum[results.Waived]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d waived", n))
	}
	detail := strings.Join(parts, ", ")
	switch {
	case !ready:
		return "not ready", detail
	case detail != "":
		return "ready, with findings", detail
	}
	return "ready", "every step passes or does not apply"
}

// compareSites orders sites worst first: not ready, then by fail, unknown,
// warn and manual counts, then by id.
func compareSites(a, b SiteRow) int {
	if a.Ready != b.Ready {
		if !a.Ready {
			return -1
		}
		return 1
	}
	for _, st := range []results.Status{results.Fail, results.Unknown, results.Warn, results.Manual} {
		if c := cmp.Compare(b.Summary[st], a.Summary[st]); c != 0 {
			return c
		}
	}
	return strings.Compare(a.ID, b.ID)
}

// trimSubject drops a message's leading repetition of its subject
// ("SUP01: SUP01 has ..." reads "SUP01: has ...").
func trimSubject(msg, subject string) string {
	if subject == "" {
		return msg
	}
	if rest, ok := strings.CutPrefix(msg, subject); ok {
		rest = strings.TrimLeft(rest, ":; ")
		if rest != "" {
			return rest
		}
	}
	return msg
}

// firstTopic is the first of "Topic A; Topic B".
func firstTopic(s string) string {
	t, _, _ := strings.Cut(s, ";")
	return strings.TrimSpace(t)
}

// register classifies the waivers against the report's date.
func register(ws []WaiverRecord, now time.Time) []WaiverEntry {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var out []WaiverEntry
	for _, w := range ws {
		e := WaiverEntry{WaiverRecord: w, State: "active"}
		if t, err := time.Parse(time.DateOnly, w.Expires); err == nil {
			e.DaysLeft = int(t.Sub(today).Hours() / 24)
			switch {
			case e.DaysLeft < 0:
				e.State = "expired"
			case e.DaysLeft <= ExpiringDays:
				e.State = "expiring"
			}
		} else {
			e.State = "expired"
		}
		out = append(out, e)
	}
	rank := map[string]int{"expired": 0, "expiring": 1, "active": 2}
	slices.SortStableFunc(out, func(a, b WaiverEntry) int {
		return cmp.Or(cmp.Compare(rank[a.State], rank[b.State]), strings.Compare(a.Expires, b.Expires),
			results.CompareSteps(a.Step, b.Step), strings.Compare(a.Subject, b.Subject))
	})
	return out
}

// Chart is the trend as SVG geometry (a 0 0 Width Height view box): the
// sites judged and the sites ready per run, on a time axis.
type Chart struct {
	Width, Height            int
	Left, Right, Top, Bottom int
	// JudgedLine and ReadyLine are polyline points.
	JudgedLine, ReadyLine string
	Points                []ChartPoint
	// YTicks are the horizontal grid lines (site counts); XTicks the time
	// axis ticks.
	YTicks []ChartTick
	XTicks []ChartTick
	// MaxSites is the top of the y axis.
	MaxSites int
}

// ChartPoint is one run's markers; Label is its hover text (SVG title).
type ChartPoint struct {
	X, YJudged, YReady float64
	Label              string
}

// ChartTick is one axis tick.
type ChartTick struct {
	Pos   float64
	Label string
}

// maxChartPoints caps the circles drawn (the lines carry every run).
const maxChartPoints = 2000

func newChart(runs []RunSummary) Chart {
	c := Chart{Width: 760, Height: 250, Left: 48, Right: 740, Top: 16, Bottom: 200}
	maxSites := 1
	for _, r := range runs {
		maxSites = max(maxSites, r.Sites)
	}
	step := niceStep(maxSites)
	c.MaxSites = (maxSites + step - 1) / step * step
	y := func(n int) float64 {
		return float64(c.Bottom) - float64(c.Bottom-c.Top)*float64(n)/float64(c.MaxSites)
	}
	for n := 0; n <= c.MaxSites; n += step {
		c.YTicks = append(c.YTicks, ChartTick{Pos: y(n), Label: fmt.Sprint(n)})
	}
	if len(runs) == 0 {
		return c
	}
	t0, t1 := runs[0].GeneratedAt, runs[len(runs)-1].GeneratedAt
	span := t1.Sub(t0)
	x := func(t time.Time) float64 {
		if span <= 0 {
			return float64(c.Left+c.Right) / 2
		}
		return float64(c.Left) + float64(c.Right-c.Left)*float64(t.Sub(t0))/float64(span)
	}
	var jl, rl strings.Builder
	for i, r := range runs {
		p := ChartPoint{X: x(r.GeneratedAt), YJudged: y(r.Sites), YReady: y(r.Ready)}
		p.Label = fmt.Sprintf("%s: %d of %d sites ready (--fail-on %s); %s", r.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"),
			r.Ready, r.Sites, failOn(r.FailOn), r.Summary)
		if i < maxChartPoints {
			c.Points = append(c.Points, p)
		}
		fmt.Fprintf(&jl, "%.1f,%.1f ", p.X, p.YJudged)
		fmt.Fprintf(&rl, "%.1f,%.1f ", p.X, p.YReady)
	}
	c.JudgedLine = strings.TrimSpace(jl.String())
	c.ReadyLine = strings.TrimSpace(rl.String())
	c.XTicks = timeTicks(runs, x)
	return c
}

// niceStep is a y-axis step giving at most about 5 grid lines.
func niceStep(n int) int {
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000} {
		if n/s <= 5 {
			return s
		}
	}
	return (n/5 + 9999) / 10000 * 10000
}

// timeTicks labels the time axis: a tick per run for up to 12 runs
// (with the time of day when two runs share a day), else ticks on day,
// week or month boundaries, at most about 10.
func timeTicks(runs []RunSummary, x func(time.Time) float64) []ChartTick {
	var out []ChartTick
	if len(runs) <= 12 {
		days := map[string]bool{}
		sameDay := false
		for _, r := range runs {
			d := r.GeneratedAt.UTC().Format(time.DateOnly)
			sameDay = sameDay || days[d]
			days[d] = true
		}
		layout := "Jan 2"
		if sameDay {
			layout = "Jan 2 15:04"
		}
		for _, r := range runs {
			out = append(out, ChartTick{Pos: x(r.GeneratedAt), Label: r.GeneratedAt.UTC().Format(layout)})
		}
		return out
	}
	t0, t1 := runs[0].GeneratedAt.UTC(), runs[len(runs)-1].GeneratedAt.UTC()
	days := t1.Sub(t0).Hours() / 24
	type unit struct {
		next   func(time.Time) time.Time
		layout string
	}
	day := func(n int) unit {
		return unit{func(t time.Time) time.Time { return t.AddDate(0, 0, n) }, "Jan 2"}
	}
	month := func(n int) unit {
		return unit{func(t time.Time) time.Time { return t.AddDate(0, n, 0) }, "Jan 2006"}
	}
	var u unit
	start := time.Date(t0.Year(), t0.Month(), t0.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case days <= 10:
		u = day(1)
	case days <= 70:
		u = day(7)
	default:
		u = month(max(1, int(days/300)+1))
		start = time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	for t := start; !t.After(t1); t = u.next(t) {
		if t.Before(t0) {
			continue
		}
		out = append(out, ChartTick{Pos: x(t), Label: t.Format(u.layout)})
	}
	return out
}

// NewHistory is the history of runs held in memory (any order), narrowed
// to q: what a store that keeps whole reports (a folder of JSON runs, a
// test) hands NewHistoryView. ids, when not nil, names each run.
func NewHistory(runs []*Report, ids []string, q HistoryQuery) *History {
	type run struct {
		r  *Report
		id string
	}
	rs := make([]run, 0, len(runs))
	for i, r := range runs {
		if !q.Since.IsZero() && r.GeneratedAt.Before(q.Since) {
			continue
		}
		id := ""
		if ids != nil {
			id = ids[i]
		}
		rs = append(rs, run{Narrow(r, q), id})
	}
	slices.SortStableFunc(rs, func(a, b run) int { return a.r.GeneratedAt.Compare(b.r.GeneratedAt) })
	h := &History{Query: q}
	for _, r := range rs {
		h.Runs = append(h.Runs, SummarizeRun(r.id, r.r))
	}
	if n := len(rs); n > 0 {
		h.Latest = rs[n-1].r
		h.Waivers = AppliedWaivers(h.Latest)
		if n > 1 {
			h.Previous = rs[n-2].r
		}
	}
	return h
}

// BenchHistory is a history of runs runs over sites sites made from base's
// snapshots (a fail now and then, sites joining over time), for the
// benchmarks and the performance figures.
func BenchHistory(base *Report, runs, sites int) *History {
	h := &History{}
	at := base.GeneratedAt.UTC()
	mk := func(i int) *Report {
		snaps := make([]SnapshotResults, sites)
		for s := range snaps {
			src := base.Snapshots[s%len(base.Snapshots)]
			rs := append([]results.Result(nil), src.Results...)
			if (i+s)%7 == 0 && len(rs) > 5 {
				rs[5].Status = results.Fail
			}
			snaps[s] = SnapshotResults{ID: fmt.Sprintf("site-%04d", s), File: src.File, Results: rs}
		}
		return New(base.Tool, at.AddDate(0, 0, i), base.FailOn, snaps, nil)
	}
	for i := 0; i < runs; i++ {
		h.Runs = append(h.Runs, RunSummary{ID: fmt.Sprint(i), GeneratedAt: at.AddDate(0, 0, i), FailOn: failOn(base.FailOn),
			Sites: sites, Ready: sites / 2, Summary: results.Summarize(nil)})
	}
	h.Latest = mk(runs - 1)
	if runs > 1 {
		h.Previous = mk(runs - 2)
	}
	return h
}

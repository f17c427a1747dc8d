package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/supaudit/supaudit/results"
)

// HistoryView is what the history reports (HTML and Markdown) show, computed
// from the kept runs without re-judging anything.
type HistoryView struct {
	Tool        Tool
	GeneratedAt time.Time
	// Runs is the number of runs; Latest the newest, Previous the one
	// before it (nil when there is only one).
	Runs     int
	Latest   *Report
	Previous *Report
	// Sites has a row per snapshot of the latest run.
	Sites []SiteRow
	// Steps has a row per checklist step of the latest run, in checklist
	// order.
	Steps []StepRow
	// Trend has a point per run, oldest first; Chart draws it.
	Trend []TrendPoint
	Chart Chart
	// NewFailures, Fixed and NewHosts are the changes since the previous
	// run.
	NewFailures []VerdictChange
	Fixed       []VerdictChange
	NewHosts    []string
	// Open is the remediation of every open failure (fail or unknown) of
	// the latest run, grouped by step in checklist order.
	Open []OpenGroup
}

// SiteRow summarises one snapshot (site) of the latest run.
type SiteRow struct {
	ID, File  string
	Summary   results.Summary
	Compliant bool
}

// StepRow summarises one checklist step over the sites of the latest run.
type StepRow struct {
	Step, Title string
	Summary     results.Summary
}

// TrendPoint is one run's compliance.
type TrendPoint struct {
	At time.Time
	// ResultsPct is the share of results that pass, are not applicable or
	// are waived; SitesPct the share of sites with no fail or unknown.
	ResultsPct, SitesPct float64
	Fail, Sites          int
}

// OpenGroup is the open failures of one step.
type OpenGroup struct {
	Step, Title, MoreInformation string
	Items                        []OpenItem
}

// OpenItem is one open failure.
type OpenItem struct {
	Snapshot, Subject, Message string
	Status                     results.Status
	Remediation                []string
}

// Chart is the trend as SVG geometry (a 0 0 Width Height view box).
type Chart struct {
	Width, Height int
	// ResultsLine and SitesLine are polyline points.
	ResultsLine, SitesLine string
	Points                 []ChartPoint
	// Grid lines at 0, 25, 50, 75 and 100 %.
	Grid []ChartGrid
	// FirstLabel and LastLabel are the dates under the x axis.
	FirstLabel, LastLabel string
	Left, Right, Bottom   int
}

// ChartPoint is one run's markers.
type ChartPoint struct {
	X, YResults, YSites float64
	Label               string
}

// ChartGrid is one horizontal grid line.
type ChartGrid struct {
	Y     float64
	Label string
}

// compliant reports whether a status counts as compliant in the trend.
func compliant(s results.Status) bool {
	return s == results.Pass || s == results.NotApplicable || s == results.Waived
}

// NewHistoryView computes the view of runs (sorted oldest first).
func NewHistoryView(runs []*Report, tool Tool, now time.Time) (*HistoryView, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("no runs in the history")
	}
	v := &HistoryView{Tool: tool, GeneratedAt: now.UTC(), Runs: len(runs), Latest: runs[len(runs)-1]}
	if len(runs) > 1 {
		v.Previous = runs[len(runs)-2]
	}
	for _, r := range runs {
		p := TrendPoint{At: r.GeneratedAt, Sites: len(r.Snapshots)}
		total, ok, okSites := 0, 0, 0
		for _, s := range r.Snapshots {
			bad := false
			for _, res := range s.Results {
				total++
				if compliant(res.Status) {
					ok++
				}
				if res.Status == results.Fail || res.Status == results.Unknown {
					bad = true
				}
				if res.Status == results.Fail {
					p.Fail++
				}
			}
			if !bad {
				okSites++
			}
		}
		if total > 0 {
			p.ResultsPct = 100 * float64(ok) / float64(total)
		}
		if len(r.Snapshots) > 0 {
			p.SitesPct = 100 * float64(okSites) / float64(len(r.Snapshots))
		}
		v.Trend = append(v.Trend, p)
	}
	v.Chart = newChart(v.Trend)

	stepIdx := map[string]int{}
	groupIdx := map[string]int{}
	for _, s := range v.Latest.Snapshots {
		sum := results.Summarize(s.Results)
		v.Sites = append(v.Sites, SiteRow{ID: s.ID, File: s.File, Summary: sum,
			Compliant: sum[results.Fail] == 0 && sum[results.Unknown] == 0})
		for _, res := range s.Results {
			i, ok := stepIdx[res.Step]
			if !ok {
				i = len(v.Steps)
				stepIdx[res.Step] = i
				v.Steps = append(v.Steps, StepRow{Step: res.Step, Title: res.Title, Summary: results.Summarize(nil)})
			}
			v.Steps[i].Summary[res.Status]++
			if res.Status != results.Fail && res.Status != results.Unknown {
				continue
			}
			g, ok := groupIdx[res.Step]
			if !ok {
				g = len(v.Open)
				groupIdx[res.Step] = g
				v.Open = append(v.Open, OpenGroup{Step: res.Step, Title: res.Title, MoreInformation: res.MoreInformation})
			}
			v.Open[g].Items = append(v.Open[g].Items, OpenItem{Snapshot: s.ID, Subject: res.Subject,
				Message: res.Message, Status: res.Status, Remediation: res.Remediation})
		}
	}
	// Checklist order: the order the policies emit steps in, which the
	// results keep; step ids sort the same way (SUP-01 ... SUP-14).
	sort.SliceStable(v.Steps, func(i, j int) bool { return stepLess(v.Steps[i].Step, v.Steps[j].Step) })
	sort.SliceStable(v.Open, func(i, j int) bool { return stepLess(v.Open[i].Step, v.Open[j].Step) })

	if v.Previous != nil {
		for _, c := range DiffResults(v.Previous.Snapshots, v.Latest.Snapshots) {
			bad := func(s results.Status) bool { return s == results.Fail || s == results.Unknown }
			switch {
			case c.After != "" && bad(c.After) && !bad(c.Before):
				v.NewFailures = append(v.NewFailures, c)
			case c.Before != "" && c.After != "" && c.Before.Rank() > 0 && compliant(c.After):
				v.Fixed = append(v.Fixed, c)
			}
		}
		v.NewHosts = newHosts(v.Previous, v.Latest)
	}
	return v, nil
}

// stepLess orders step ids by their prefix, then numerically.
func stepLess(a, b string) bool {
	pa, na := splitStep(a)
	pb, nb := splitStep(b)
	if pa != pb {
		return pa < pb
	}
	if na != nb {
		return na < nb
	}
	return a < b
}

func splitStep(s string) (string, int) {
	i := strings.LastIndexByte(s, '-')
	if i < 0 {
		return s, 0
	}
	n := 0
	for _, c := range s[i+1:] {
		if c < '0' || c > '9' {
			return s, 0
		}
		n = n*10 + int(c-'0')
	}
	return s[:i], n
}

// newHosts lists "snapshot: host" pairs (subjects without spaces, and new
// snapshots) present in latest and not in prev.
func newHosts(prev, latest *Report) []string {
	had := map[string]bool{}
	for _, s := range prev.Snapshots {
		had["snap "+s.ID] = true
		for _, r := range s.Results {
			had[s.ID+": "+r.Subject] = true
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range latest.Snapshots {
		if !had["snap "+s.ID] && !seen["snap "+s.ID] {
			seen["snap "+s.ID] = true
			out = append(out, s.ID+" (new site)")
		}
		for _, r := range s.Results {
			k := s.ID + ": " + r.Subject
			if strings.ContainsRune(r.Subject, ' ') || had[k] || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func newChart(trend []TrendPoint) Chart {
	c := Chart{Width: 720, Height: 240, Left: 48, Right: 700, Bottom: 200}
	top := 20.0
	y := func(pct float64) float64 { return float64(c.Bottom) - (float64(c.Bottom)-top)*pct/100 }
	for _, g := range []float64{0, 25, 50, 75, 100} {
		c.Grid = append(c.Grid, ChartGrid{Y: y(g), Label: fmt.Sprintf("%.0f%%", g)})
	}
	n := len(trend)
	var rl, sl strings.Builder
	for i, p := range trend {
		x := float64(c.Left+c.Right) / 2
		if n > 1 {
			x = float64(c.Left) + float64(c.Right-c.Left)*float64(i)/float64(n-1)
		}
		pt := ChartPoint{X: x, YResults: y(p.ResultsPct), YSites: y(p.SitesPct),
			Label: fmt.Sprintf("%s: %.1f%% of results compliant, %.1f%% of %d sites without failures, %d fail",
				p.At.UTC().Format("2006-01-02 15:04"), p.ResultsPct, p.SitesPct, p.Sites, p.Fail)}
		c.Points = append(c.Points, pt)
		fmt.Fprintf(&rl, "%.1f,%.1f ", pt.X, pt.YResults)
		fmt.Fprintf(&sl, "%.1f,%.1f ", pt.X, pt.YSites)
	}
	c.ResultsLine = strings.TrimSpace(rl.String())
	c.SitesLine = strings.TrimSpace(sl.String())
	if n > 0 {
		c.FirstLabel = trend[0].At.UTC().Format("2006-01-02")
		c.LastLabel = trend[n-1].At.UTC().Format("2006-01-02")
	}
	return c
}

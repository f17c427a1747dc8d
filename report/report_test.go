package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/supaudit/supaudit/results"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

var testNow = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

func loadRun(t testing.TB, name string) *Report {
	t.Helper()
	r, err := ReadReportFile(context.Background(), filepath.Join("testdata", "history", name), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func render(t testing.TB, format string, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	rep, err := Get(format, &buf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Render(context.Background(), rep, r, goldenChecklist(t)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGoldenFormats(t *testing.T) {
	for _, tc := range []struct{ run, format, golden string }{
		{"run2.json", "junit", "run2.junit.xml"},
		{"run2.json", "sarif", "run2.sarif"},
		{"run2.json", "markdown", "run2.md"},
		{"run2.json", "html", "run2.html"},
		{"run1.json", "junit", "run1.junit.xml"},
		{"run1.json", "sarif", "run1.sarif"},
		{"run1.json", "markdown", "run1.md"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			golden(t, tc.golden, render(t, tc.format, loadRun(t, tc.run)))
		})
	}
}

func historyView(t testing.TB) *HistoryView {
	t.Helper()
	runs := []*Report{loadRun(t, "run1.json"), loadRun(t, "run2.json")}
	h := NewHistory(runs, nil, HistoryQuery{})
	h.Waivers = append(h.Waivers,
		WaiverRecord{Step: "SUP-06", Subject: "SMS01.corp.litwareinc.com", Reason: "WSUS 3.0 upgrade", ApprovedBy: "J. Doe", Expires: "2026-10-31"},
		WaiverRecord{Step: "SUP-14", Subject: "site ABC sync", Reason: "sync window moved", ApprovedBy: "M. Chen", Expires: "2026-11-20", Used: 0})
	v, err := NewHistoryView(h, Tool{Name: "supaudit", Version: "test"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestGoldenHistory(t *testing.T) {
	v := historyView(t)
	for _, format := range HistoryFormats() {
		var buf bytes.Buffer
		h, err := GetHistory(format, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.History(context.Background(), v); err != nil {
			t.Fatal(err)
		}
		ext := map[string]string{"html": "html", "markdown": "md", "json": "json"}[format]
		golden(t, "history."+ext, buf.Bytes())
	}
}

func TestHistoryView(t *testing.T) {
	v := historyView(t)
	if v.Runs != 2 || v.Previous == nil || !v.Latest.GeneratedAt.Equal(time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)) {
		t.Fatalf("runs %d, latest %v: want 2 runs sorted by generated_at", v.Runs, v.Latest.GeneratedAt)
	}
	if len(v.Trend) != 2 || len(v.Chart.Points) != 2 || len(v.Chart.XTicks) != 2 {
		t.Fatalf("trend %d points, chart %d, ticks %d: want 2", len(v.Trend), len(v.Chart.Points), len(v.Chart.XTicks))
	}
	// Headline: --fail-on fail; alpineskihouse (fail) and litware (fail,
	// waived sync) are not ready.
	if v.Sites != 4 || v.Ready != 2 || !strings.Contains(v.Definition, "--fail-on fail") {
		t.Errorf("headline %d of %d (%s)", v.Ready, v.Sites, v.Definition)
	}
	var order []string
	for _, r := range v.SiteRows {
		order = append(order, r.ID+"="+r.Readiness)
	}
	// Worst first: not ready, then by fail, unknown, warn, manual counts.
	want := "alpineskihouse-ash-two-active=not ready,litware-lit-wsus2=not ready,relecloud-rel-facts-missing=ready, with findings,contoso-abc-native=ready"
	if got := strings.Join(order, ","); got != want {
		t.Errorf("sites %s\nwant %s", got, want)
	}
	// The facts-missing site has 3 unattested manual steps and unknowns:
	// never "compliant", and the detail says why.
	rel := v.SiteRows[2]
	if !strings.Contains(rel.ReadyDetail, "3 manual step(s) not attested") || !strings.Contains(rel.ReadyDetail, "unknown") {
		t.Errorf("relecloud detail %q", rel.ReadyDetail)
	}
	// Matrix columns in checklist order, a symbol in every cell.
	if len(v.Steps) != 14 || v.Steps[0].Step != "SUP-01" || v.Steps[13].Step != "SUP-14" {
		t.Errorf("steps %v", v.Steps)
	}
	for _, r := range v.SiteRows {
		for _, c := range r.Cells {
			if c.Symbol == "" || c.Anchor == "" {
				t.Errorf("%s %s: cell without symbol or link: %+v", r.ID, c.Step, c)
			}
		}
	}
	// Every status change, including to and from warn and manual.
	var changes []string
	for _, c := range v.Changes {
		changes = append(changes, c.Snapshot+"/"+c.Step+"/"+orDash(c.Before)+">"+orDash(c.After))
	}
	for _, w := range []string{"litware-lit-wsus2/SUP-14/fail>waived", "litware-lit-wsus2/SUP-06/—>warn"} {
		if !contains(changes, w) {
			t.Errorf("changes %v lack %s", changes, w)
		}
	}
	if strings.Join(v.NewSites, ",") != "relecloud-rel-facts-missing,alpineskihouse-ash-two-active" || strings.Join(v.GoneSites, ",") != "lucerne-luc-never-synced" {
		t.Errorf("new sites %v, gone %v", v.NewSites, v.GoneSites)
	}
	// Register: expired first, then expiring within 30 days, then active.
	var reg []string
	for _, w := range v.Register {
		reg = append(reg, w.Step+"="+w.State)
	}
	if got := strings.Join(reg, ","); got != "SUP-06=expired,SUP-14=expiring,SUP-14=active" {
		t.Errorf("register %s", got)
	}
	// One remediation block per step, each host once, no doubled names.
	seen := map[string]bool{}
	for i, b := range v.Remediation {
		if seen[b.Step] {
			t.Errorf("two blocks for %s", b.Step)
		}
		seen[b.Step] = true
		if i > 0 && results.CompareSteps(v.Remediation[i-1].Step, b.Step) >= 0 {
			t.Errorf("blocks not in checklist order: %s before %s", v.Remediation[i-1].Step, b.Step)
		}
		hosts := map[string]bool{}
		for _, h := range b.Hosts {
			k := h.Site + "/" + h.Subject
			if hosts[k] {
				t.Errorf("%s lists %s twice", b.Step, k)
			}
			hosts[k] = true
			if h.Subject != "" && strings.HasPrefix(h.Message, h.Subject) {
				t.Errorf("%s: message repeats the host: %q", b.Step, h.Message)
			}
		}
		if b.MoreInformation != "" && !strings.HasPrefix(b.MoreInformationURL, "https://") {
			t.Errorf("%s: More Information without a link", b.Step)
		}
	}
}

func TestChartTimeAxis(t *testing.T) {
	at := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	runs := []RunSummary{{GeneratedAt: at, Sites: 15, Ready: 2}, {GeneratedAt: at.Add(2 * time.Hour), Sites: 25, Ready: 3}}
	c := newChart(runs)
	if len(c.XTicks) != 2 || c.XTicks[0].Label == c.XTicks[1].Label {
		t.Errorf("two runs on one day: ticks %+v, want distinct labels", c.XTicks)
	}
	if c.Points[0].YJudged == c.Points[1].YJudged {
		t.Error("a jump from 15 to 25 sites judged is invisible")
	}
	if !strings.Contains(c.Points[1].Label, "3 of 25 sites ready") {
		t.Errorf("hover text %q", c.Points[1].Label)
	}
	// A year of daily runs: month ticks, x proportional to time.
	var year []RunSummary
	for i := 0; i < 365; i++ {
		year = append(year, RunSummary{GeneratedAt: at.AddDate(0, 0, i), Sites: 1000, Ready: i})
	}
	c = newChart(year)
	if n := len(c.XTicks); n < 6 || n > 14 {
		t.Errorf("%d ticks over a year", n)
	}
	if c.Points[0].X != float64(c.Left) || c.Points[364].X != float64(c.Right) {
		t.Errorf("x range %.1f..%.1f", c.Points[0].X, c.Points[364].X)
	}
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func TestDiffResults(t *testing.T) {
	res := func(step, subject string, s results.Status) results.Result {
		return results.Result{Step: step, Subject: subject, Status: s}
	}
	before := []SnapshotResults{{ID: "a", Results: []results.Result{
		res("SUP-06", "h1", results.Pass), res("SUP-14", "site", results.Fail), res("SUP-08", "h1", results.Warn), res("SUP-04", "old", results.Pass),
	}}}
	after := []SnapshotResults{{ID: "a", Results: []results.Result{
		res("SUP-06", "h1", results.Fail), res("SUP-14", "site", results.Pass), res("SUP-08", "h1", results.Warn), res("SUP-04", "new", results.Unknown),
	}}}
	got := DiffResults(before, after)
	want := []string{"SUP-04/new/-/unknown/worse", "SUP-04/old/pass/-/", "SUP-06/h1/pass/fail/worse", "SUP-14/site/fail/pass/"}
	var gs []string
	for _, c := range got {
		w := ""
		if c.Worse {
			w = "worse"
		}
		gs = append(gs, fmt.Sprintf("%s/%s/%s/%s/%s", c.Step, c.Subject, orDash(c.Before), orDash(c.After), w))
	}
	gs2 := strings.ReplaceAll(strings.Join(gs, ","), "—", "-")
	if diff := cmp.Diff(strings.Join(want, ","), gs2); diff != "" {
		t.Errorf("DiffResults (-want +got):\n%s", diff)
	}
}

// JUnit XML semantics beyond the schemas (schema_test.go): at most one
// of failure/error/skipped per case, counts equal to the cases, failure
// text is the remediation.
type xTestsuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []xTestsuite `xml:"testsuite"`
}

type xTestsuite struct {
	Name      string      `xml:"name,attr"`
	Tests     *int        `xml:"tests,attr"`
	Failures  *int        `xml:"failures,attr"`
	Errors    *int        `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []xTestcase `xml:"testcase"`
	SystemOut string      `xml:"system-out"`
}

type xTestcase struct {
	Name      string    `xml:"name,attr"`
	Classname string    `xml:"classname,attr"`
	Failure   []xResult `xml:"failure"`
	Error     []xResult `xml:"error"`
	Skipped   []xResult `xml:"skipped"`
}

type xResult struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func TestJUnitStructure(t *testing.T) {
	out := render(t, "junit", loadRun(t, "run2.json"))
	var ts xTestsuites
	if err := xml.Unmarshal(out, &ts); err != nil {
		t.Fatal(err)
	}
	for _, s := range ts.Suites {
		if s.Name == "" || s.Tests == nil || s.Failures == nil || s.Errors == nil {
			t.Fatalf("suite %q lacks a required attribute (name, tests, failures, errors)", s.Name)
		}
		if _, err := time.Parse("2006-01-02T15:04:05", s.Timestamp); err != nil {
			t.Errorf("suite %s: timestamp %q is not ISO 8601", s.Name, s.Timestamp)
		}
		var f, e, sk int
		for _, c := range s.Cases {
			if c.Name == "" || c.Classname == "" {
				t.Errorf("suite %s: case without name or classname", s.Name)
			}
			if n := len(c.Failure) + len(c.Error) + len(c.Skipped); n > 1 {
				t.Errorf("%s: %d of failure/error/skipped, the schema allows one", c.Name, n)
			}
			f += len(c.Failure)
			e += len(c.Error)
			sk += len(c.Skipped)
			for _, r := range c.Failure {
				if !strings.Contains(r.Text, "1. ") {
					t.Errorf("%s: failure text %q is not the remediation", c.Name, r.Text)
				}
			}
		}
		if *s.Tests != len(s.Cases) || *s.Failures != f || *s.Errors != e || s.Skipped != sk {
			t.Errorf("suite %s: counts tests=%d failures=%d errors=%d skipped=%d, cases say %d %d %d %d",
				s.Name, *s.Tests, *s.Failures, *s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
	}
	if len(ts.Suites) != 4 {
		t.Errorf("%d suites, want one per snapshot (4)", len(ts.Suites))
	}
}

// TestHTMLInChromium opens the history report in headless Chromium and
// checks the rendered DOM has the summary and the chart with both series,
// and saves a screenshot under the test's temporary directory.
func TestHTMLInChromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (Debian package chromium, listed in .ci/packages.d/html.txt)")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "compliance.html")
	var buf bytes.Buffer
	if err := (&HTML{W: &buf}).History(context.Background(), historyView(t)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	chrome := func(extra ...string) []byte {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
			"--user-data-dir=" + filepath.Join(dir, "profile"), "--window-size=1200,1600"}, extra...)
		args = append(args, "file://"+filepath.ToSlash(page))
		cmd := exec.CommandContext(ctx, bin, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("chromium: %v\n%s", err, stderr.String())
		}
		return out
	}
	dom := string(chrome("--dump-dom"))
	for _, want := range []string{
		// The headline and its definition.
		`<h1><span class="big">2 of 4</span> sites ready to deploy software updates</h1>`, "--fail-on fail",
		// The matrix: a row per site, worst first, a column per step,
		// symbols in the cells, links to the findings.
		`<table id="matrix">`, `>SUP-01</th>`, `>SUP-14</th>`, `href="#f-`, `>✗</a>`, `>✓</a>`,
		// The trend: both series, points with hover values, a time axis.
		`<svg id="trend-chart"`, `class="series series-judged"`, `class="series series-ready"`,
		"<title>2026-11-01 06:00 UTC: 2 of 4 sites ready", `class="xtick"`,
		"Waiver register", "Remediation by step",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	if i, j := strings.Index(dom, "alpineskihouse-ash-two-active</a>"), strings.Index(dom, "contoso-abc-native</a>"); i < 0 || j < 0 || i > j {
		t.Errorf("matrix rows not worst first (alpineskihouse at %d, contoso at %d)", i, j)
	}
	if strings.Contains(dom, "<script") {
		t.Error("the page has a script")
	}
	shot := filepath.Join(dir, "shot.png")
	chrome("--screenshot=" + shot)
	st, err := os.Stat(shot)
	if err != nil || st.Size() < 10_000 {
		t.Fatalf("screenshot %s: %v (size %d)", shot, err, sizeOf(st))
	}
	// The build artifact: .ci/run sets SUPAUDIT_ARTIFACTS.
	if art := os.Getenv("SUPAUDIT_ARTIFACTS"); art != "" {
		data, err := os.ReadFile(shot)
		if err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string][]byte{"history-report.png": data, "history-report.html": buf.Bytes()} {
			if err := os.WriteFile(filepath.Join(art, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		shot = filepath.Join(art, "history-report.png")
	}
	t.Logf("screenshot: %s (%d bytes)", shot, st.Size())

	// Printed, the first page holds the headline, the matrix and the trend
	// of 25 sites: the page without the later sections prints on one page.
	v, err := NewHistoryView(BenchHistory(loadRun(t, "run2.json"), 30, 25), Tool{Name: "supaudit"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	var p25 bytes.Buffer
	if err := (&HTML{W: &p25}).History(context.Background(), v); err != nil {
		t.Fatal(err)
	}
	cut := bytes.Replace(p25.Bytes(), []byte("</head>"),
		[]byte("<style>@media print{#changes,#waivers,#remediation,#findings{display:none}}</style></head>"), 1)
	page = filepath.Join(dir, "first-page.html")
	if err := os.WriteFile(page, cut, 0o644); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "first-page.pdf")
	chrome("--print-to-pdf="+pdf, "--no-pdf-header-footer")
	data, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(pdfPage.FindAll(data, -1)); n != 1 {
		t.Errorf("headline, matrix and trend of 25 sites print on %d pages, want 1", n)
	}
}

// pdfPage matches a page object of the PDFs Chromium prints.
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

func sizeOf(st os.FileInfo) int64 {
	if st == nil {
		return 0
	}
	return st.Size()
}

// BenchmarkHTMLHistory renders the HTML history report of 365 runs over
// 1,000 sites as a store hands it over (a summary per run, the latest and
// previous runs in full): the view and the page, loading excluded (see
// history.BenchmarkReport for the whole report from SQLite).
func BenchmarkHTMLHistory(b *testing.B) {
	h := BenchHistory(loadRun(b, "run1.json"), 365, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		v, err := NewHistoryView(h, Tool{Name: "supaudit"}, testNow)
		if err != nil {
			b.Fatal(err)
		}
		if err := (&HTML{W: io.Discard}).History(context.Background(), v); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParseReport(f *testing.F) {
	for _, name := range []string{"run1.json", "run2.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "history", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"schema":"supaudit/report/v1","snapshots":[{"results":[{"status":"waived"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseReport("fuzz.json", data)
		if err != nil {
			return
		}
		// Whatever parses must render in every history and run format.
		v, err := NewHistoryView(NewHistory([]*Report{r, r}, nil, HistoryQuery{}), Tool{Name: "supaudit"}, testNow)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := (&HTML{W: &buf}).History(context.Background(), v); err != nil {
			t.Fatal(err)
		}
		if err := (&Markdown{W: &buf}).History(context.Background(), v); err != nil {
			t.Fatal(err)
		}
		for _, format := range Formats() {
			rep, _ := Get(format, &buf, Options{})
			if err := Render(context.Background(), rep, r, nil); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
		}
	})
}

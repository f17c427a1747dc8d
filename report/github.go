package report

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/supaudit/supaudit/internal/safetext"
	"github.com/supaudit/supaudit/results"
)

// GitHub writes GitHub Actions workflow commands (as conftest's --output
// github does): one annotation per result that does not pass, on the file
// and line that decided it (see location), then a summary line.
//
//	::error file=site.json,line=12,title=SUP-06 Install WSUS 3.0 ...::SMS01 has WSUS 2.0 ...
//
// A result at or above --fail-on is an error, so the annotations agree with
// the exit code; below it, warn and unknown are warnings, manual and waived
// notices. Values pass through safetext and then the workflow-command
// escaping (%, CR, LF; and ':' ',' in properties), so an input cannot end
// a command or start another.
type GitHub struct {
	W io.Writer

	bw     *bufio.Writer
	failOn results.Status
	titles map[string]string
}

// Begin implements Writer.
func (g *GitHub) Begin(_ context.Context, h Header) error {
	g.bw = bufio.NewWriterSize(g.W, 32<<10)
	g.failOn = h.FailOn
	g.titles = map[string]string{}
	for _, s := range h.Steps {
		g.titles[s.ID] = s.Title
	}
	return nil
}

// level is the workflow command for a status, "" for none.
func (g *GitHub) level(s results.Status) string {
	switch {
	case passing(s):
		return ""
	case s.Rank() > 0 && s.Rank() >= g.failOn.Rank():
		return "error"
	case s == results.Warn || s == results.Unknown:
		return "warning"
	}
	return "notice"
}

// Snapshot implements Writer.
func (g *GitHub) Snapshot(_ context.Context, s SnapshotResults) error {
	for _, res := range s.Results {
		cmd := g.level(res.Status)
		if cmd == "" {
			continue
		}
		file, line := location(s, res)
		title := res.Title
		if title == "" {
			title = g.titles[res.Step]
		}
		msg := fmt.Sprintf("[%s] %s %s: %s", s.ID, res.Subject, res.Status, res.Message)
		if res.Status == results.Waived {
			msg = fmt.Sprintf("[%s] %s %s", s.ID, res.Subject, waivedText(res))
		} else if d := caseDetail(res); d != "" {
			msg += "\n" + strings.TrimRight(d, "\n")
		}
		fmt.Fprintf(g.bw, "::%s file=%s,line=%d,title=%s::%s\n", cmd,
			ghProperty(file), line, ghProperty(res.Step+" "+title), ghData(msg))
	}
	return nil
}

// End implements Writer: input errors, the interruption and the run's
// summary.
func (g *GitHub) End(_ context.Context, t Trailer) error {
	for _, e := range t.Errors {
		if e.File != "" {
			fmt.Fprintf(g.bw, "::error file=%s,title=input error::%s\n", ghProperty(e.File), ghData(e.Message))
		} else {
			fmt.Fprintf(g.bw, "::error title=input error::%s\n", ghData(e.Message))
		}
	}
	if t.Interrupted {
		fmt.Fprintf(g.bw, "::error title=supaudit interrupted::%s\n", ghData("the run stopped before every input was judged; the results are incomplete"))
	}
	cmd := "notice"
	if t.Failed {
		cmd = "error"
	}
	fmt.Fprintf(g.bw, "::%s title=supaudit %s::%s\n", cmd, t.Verdict(),
		ghData(fmt.Sprintf("%d snapshot(s): %s (--fail-on %s)", t.Snapshots, t.Summary, g.failOn)))
	return g.bw.Flush()
}

var (
	ghDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// ghData escapes a workflow command's message (actions/toolkit
// escapeData): newlines stay newlines in the annotation.
func ghData(s string) string { return ghDataEscaper.Replace(safetext.Text(s)) }

// ghProperty escapes a workflow command's property value (escapeProperty).
func ghProperty(s string) string { return ghPropertyEscaper.Replace(safetext.Line(s)) }

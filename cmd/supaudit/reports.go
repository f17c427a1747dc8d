package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/supaudit/supaudit/internal/safetext"
	"github.com/supaudit/supaudit/output"
	"github.com/supaudit/supaudit/report"
)

// reportSpec is one report of a run: a format and where it goes ("" is
// standard output). flag is how the user asked for it, for messages.
type reportSpec struct {
	format, path, flag string
}

// parseReportSpec parses --report FORMAT[=PATH] (InSpec's --reporter
// convention): no path, or "-", is standard output.
func parseReportSpec(s string) (reportSpec, error) {
	name, path, hasPath := strings.Cut(s, "=")
	format, err := report.ParseFormat(name)
	if err != nil {
		return reportSpec{}, fmt.Errorf("--report %s: %w", s, err)
	}
	if hasPath && path == "" {
		return reportSpec{}, fmt.Errorf("--report %s: empty path (write --report %s for standard output)", s, name)
	}
	if path == "-" {
		path = ""
	}
	return reportSpec{format: format, path: path, flag: "--report " + s}, nil
}

// specs are the run's reports: --format/--output (the one-report
// shorthand, used when no --report is given or when either is set), then
// every --report. At most one goes to standard output, and no two to the
// same file.
func (f *checkFlags) specs() ([]reportSpec, error) {
	var specs []reportSpec
	if len(f.reports) == 0 || f.changed("format") || f.changed("output") {
		format, err := report.ParseFormat(f.format)
		if err != nil {
			return nil, err
		}
		flag := "--format " + f.format
		if f.output != "" {
			flag = "--output " + f.output
		}
		specs = append(specs, reportSpec{format: format, path: f.output, flag: flag})
	}
	for _, r := range f.reports {
		s, err := parseReportSpec(r)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
	}
	stdout, paths := "", map[string]string{}
	for _, s := range specs {
		if s.path == "" {
			if stdout != "" {
				return nil, fmt.Errorf("at most one report can go to standard output: %s and %s both do (give one a path: FORMAT=PATH)", stdout, s.flag)
			}
			stdout = s.flag
			continue
		}
		if prev, dup := paths[s.path]; dup {
			return nil, fmt.Errorf("%s and %s write the same file", prev, s.flag)
		}
		paths[s.path] = s.flag
	}
	return specs, nil
}

// needsLines reports whether a report points at lines of the snapshots
// (SARIF, GitHub).
func needsLines(specs []reportSpec) bool {
	for _, s := range specs {
		if s.format == "sarif" || s.format == "github" {
			return true
		}
	}
	return false
}

// reportOutputs are the run's reports with their checked destinations.
type reportOutputs struct {
	specs []reportSpec
	dests []*output.Dest // nil for standard output
}

// prepareReports checks every report's destination before any judging: a
// directory, a missing parent, an unwritable place or one of the run's
// inputs is refused (exit 2), naming the path the user gave.
func (f *checkFlags) prepareReports(inputs *output.Inputs) (*reportOutputs, error) {
	specs, err := f.specs()
	if err != nil {
		return nil, usageError(err)
	}
	o := &reportOutputs{specs: specs, dests: make([]*output.Dest, len(specs))}
	for i, s := range specs {
		if s.path == "" {
			continue
		}
		d, err := output.Prepare(s.path, inputs)
		if err != nil {
			o.abort()
			return nil, usageError(fmt.Errorf("%s: %w", strings.SplitN(s.flag, " ", 2)[0], err))
		}
		o.dests[i] = d
	}
	return o, nil
}

func (o *reportOutputs) abort() {
	for _, d := range o.dests {
		d.Abort()
	}
}

// open starts every report and returns one writer for them all, and the
// set of files to commit.
func (o *reportOutputs) open(ctx context.Context, e *env, f *checkFlags) (report.Writer, *output.Set, error) {
	set := &output.Set{}
	var ws []report.Writer
	for i, s := range o.specs {
		var w io.Writer = e.stdout
		opts := report.Options{Quiet: f.quietTable(), SourceRoot: f.sourceRoot, Width: envWidth()}
		if d := o.dests[i]; d != nil {
			file, err := d.Open(ctx)
			if err != nil {
				set.Abort()
				o.abort()
				return nil, nil, err
			}
			set.Add(file)
			w = file
		} else if isTerminal(e.stdout) {
			opts.Color = !f.noColor && os.Getenv("NO_COLOR") == ""
			opts.Width = terminalWidth(e.stdout)
		}
		rw, err := report.Get(s.format, w, opts)
		if err != nil {
			set.Abort()
			o.abort()
			return nil, nil, err
		}
		ws = append(ws, rw)
	}
	return report.Multi(ws...), set, nil
}

// terminalWidth is the width of the terminal w is, else envWidth.
func terminalWidth(w io.Writer) int {
	if fd, ok := fdOf(w); ok {
		if cols, _, err := term.GetSize(fd); err == nil && cols >= 40 {
			return cols
		}
	}
	return envWidth()
}

// envWidth is $COLUMNS when set (at least 40), else 0 (the table's 120).
func envWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 40 {
		return n
	}
	return 0
}

func fdOf(w io.Writer) (int, bool) {
	if sw, ok := w.(*safetext.Writer); ok {
		w = sw.W
	}
	f, ok := w.(*os.File)
	if !ok {
		return 0, false
	}
	return int(f.Fd()), true
}

package audit

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/supaudit/supaudit/output"
	"github.com/supaudit/supaudit/report"
)

// ReportSpec is one report of a run: a format and where it goes ("" is
// standard output). Flag is how the user asked for it, for messages.
type ReportSpec struct {
	Format, Path, Flag string
}

// ParseReportSpec parses --report FORMAT[=PATH] (InSpec's --reporter
// convention): no path, or "-", is standard output.
func ParseReportSpec(s string) (ReportSpec, error) {
	name, path, hasPath := strings.Cut(s, "=")
	format, err := report.ParseFormat(name)
	if err != nil {
		return ReportSpec{}, fmt.Errorf("--report %s: %w", s, err)
	}
	if hasPath && path == "" {
		return ReportSpec{}, fmt.Errorf("--report %s: empty path (write --report %s for standard output)", s, name)
	}
	if path == "-" {
		path = ""
	}
	return ReportSpec{Format: format, Path: path, Flag: "--report " + s}, nil
}

// ReportRequest is the reports a run is asked for: Format to Output (the
// one-report shorthand, --format and --output) and every Reports value
// (--report FORMAT[=PATH]).
type ReportRequest struct {
	Format, Output string
	// Shorthand is set when Format or Output was given explicitly: the
	// shorthand report is then written besides the Reports ones (without
	// Reports it always is).
	Shorthand bool
	Reports   []string
}

// Specs are the run's reports: the shorthand first, then every --report.
// At most one goes to standard output, and no two to the same file.
func (r ReportRequest) Specs() ([]ReportSpec, error) {
	var specs []ReportSpec
	if len(r.Reports) == 0 || r.Shorthand {
		format, err := report.ParseFormat(r.Format)
		if err != nil {
			return nil, err
		}
		flag := "--format " + r.Format
		if r.Output != "" {
			flag = "--output " + r.Output
		}
		specs = append(specs, ReportSpec{Format: format, Path: r.Output, Flag: flag})
	}
	for _, rep := range r.Reports {
		s, err := ParseReportSpec(rep)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
	}
	stdout, paths := "", map[string]string{}
	for _, s := range specs {
		if s.Path == "" {
			if stdout != "" {
				return nil, fmt.Errorf("at most one report can go to standard output: %s and %s both do (give one a path: FORMAT=PATH)", stdout, s.Flag)
			}
			stdout = s.Flag
			continue
		}
		if prev, dup := paths[s.Path]; dup {
			return nil, fmt.Errorf("%s and %s write the same file", prev, s.Flag)
		}
		paths[s.Path] = s.Flag
	}
	return specs, nil
}

// Outputs are a run's reports with their checked destinations.
type Outputs struct {
	Specs []ReportSpec
	dests []*output.Dest // nil for standard output
}

// PrepareReports checks every report's destination before any judging: a
// directory, a missing parent, an unwritable place or one of the run's
// inputs is refused, naming the flag and the path the user gave. Abort
// releases what was prepared.
func PrepareReports(r ReportRequest, inputs *output.Inputs) (*Outputs, error) {
	specs, err := r.Specs()
	if err != nil {
		return nil, err
	}
	o := &Outputs{Specs: specs, dests: make([]*output.Dest, len(specs))}
	for i, s := range specs {
		if s.Path == "" {
			continue
		}
		d, err := output.Prepare(s.Path, inputs)
		if err != nil {
			o.Abort()
			return nil, fmt.Errorf("%s: %w", strings.SplitN(s.Flag, " ", 2)[0], err)
		}
		o.dests[i] = d
	}
	return o, nil
}

// Abort gives up every destination that was not written.
func (o *Outputs) Abort() {
	for _, d := range o.dests {
		d.Abort()
	}
}

// NeedsLines reports whether a report points at lines of the snapshots
// (SARIF, GitHub).
func (o *Outputs) NeedsLines() bool {
	for _, s := range o.Specs {
		if s.Format == "sarif" || s.Format == "github" {
			return true
		}
	}
	return false
}

// WriteOptions say where the report without a path goes, and the
// options of each report.
type WriteOptions struct {
	// Stdout receives the report without a path.
	Stdout io.Writer
	// FileOptions and StdoutOptions are the report.Options of the reports
	// written to files and of the one on Stdout (colour and width on a
	// terminal).
	FileOptions, StdoutOptions report.Options
}

// open starts every report and returns one writer for them all, and the
// set of files to commit.
func (o *Outputs) open(ctx context.Context, c WriteOptions) (report.Writer, *output.Set, error) {
	set := &output.Set{}
	var ws []report.Writer
	for i, s := range o.Specs {
		w, opts := c.Stdout, c.StdoutOptions
		if d := o.dests[i]; d != nil {
			file, err := d.Open(ctx)
			if err != nil {
				set.Abort()
				o.Abort()
				return nil, nil, err
			}
			set.Add(file)
			w, opts = file, c.FileOptions
		}
		rw, err := report.Get(s.Format, w, opts)
		if err != nil {
			set.Abort()
			o.Abort()
			return nil, nil, err
		}
		ws = append(ws, rw)
	}
	return report.Multi(ws...), set, nil
}

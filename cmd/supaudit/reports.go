package main

import (
	"io"
	"os"
	"strconv"

	"golang.org/x/term"

	"github.com/supaudit/supaudit/audit"
	"github.com/supaudit/supaudit/internal/safetext"
	"github.com/supaudit/supaudit/output"
	"github.com/supaudit/supaudit/report"
)

// prepareReports checks the destinations of the reports the flags ask
// for (audit.PrepareReports) before any judging.
func (f *checkFlags) prepareReports(inputs *output.Inputs) (*audit.Outputs, error) {
	f.reports.Shorthand = f.changed("format") || f.changed("output")
	outs, err := audit.PrepareReports(f.reports, inputs)
	if err != nil {
		return nil, usageError(err)
	}
	return outs, nil
}

// writeOptions are the reports' options from the flags: colour, and the
// terminal's width, only for standard output on a terminal.
func (f *checkFlags) writeOptions(e *env) audit.WriteOptions {
	file := report.Options{Quiet: f.quietTable(), SourceRoot: f.sourceRoot, Width: envWidth()}
	stdout := file
	if isTerminal(e.stdout) {
		stdout.Color = !f.noColor && os.Getenv("NO_COLOR") == ""
		stdout.Width = terminalWidth(e.stdout)
	}
	return audit.WriteOptions{Stdout: e.stdout, FileOptions: file, StdoutOptions: stdout}
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

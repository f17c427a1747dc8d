package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/internal/clock"
	"github.com/supaudit/supaudit/internal/safetext"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitError    = 2
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// codeError carries an exit code up to run, the only place that decides it.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *codeError) Unwrap() error { return e.err }

// usageError marks bad flags, arguments or input files (exit 2).
func usageError(err error) error { return &codeError{code: exitError, err: err} }

// errFindings marks a completed run whose results fail the threshold.
var errFindings = &codeError{code: exitFindings}

// errInterrupted ends every interrupted run (SIGINT, SIGTERM) with exit
// code 2: what it wrote says it is incomplete.
var errInterrupted = errors.New("interrupted: the run stopped before it was complete")

type env struct {
	stdin  io.Reader
	stdout io.Writer
	// stderr escapes control characters (safetext); tty is the raw
	// standard error, for progress bars.
	stderr      io.Writer
	tty         io.Writer
	stopProfile func()
	// now is the run's one clock (report timestamps, collected_at of a
	// live collection, probe certificate checks, waiver expiry): main
	// passes clock.Wall, tests a fixed time.
	now clock.Func
}

const exitCodesHelp = `Exit codes:
  0  no result is at or above --fail-on
  1  some result is at or above --fail-on (verify: a fixture does not match)
  2  usage error, an input (snapshot, data, answers, policy) could not be read,
     an output path was refused, or the run was interrupted (Ctrl-C, SIGTERM)`

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "supaudit",
		Short: "Audit a Configuration Manager 2007 site's software update point readiness",
		Long: `supaudit judges facts snapshots of a Configuration Manager 2007 site against the
checklist for configuring the active software update point (SUP-01 ... SUP-14)
and reports, for every step, a verdict and the remediation tied to that step.

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError(fmt.Errorf("%w (see %s --help)", err, c.CommandPath()))
	})
	// Every command, in one place.
	root.AddCommand(newCheckCmd(e), newCollectCmd(e), newScanCmd(e), newDiffCmd(e), newReportCmd(e), newHistoryCmd(e),
		newChecklistCmd(e), newVerifyCmd(e), newVersionCmd(e))
	e.stopProfile = addProfileFlags(root)
	return root
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer, now clock.Func) int {
	// SIGTERM (a CI job cancelled, docker stop) is handled like Ctrl-C:
	// the run stops, temporary files are removed and no report passes.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Every message on standard error passes through safetext: input
	// text (file names, host names, server faults) cannot reach the
	// terminal as control characters. Progress bars use e.tty.
	tty := stderr
	stderr = safetext.NewWriter(stderr)
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, tty: tty, now: clock.Or(now)}
	root := newRoot(e)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if e.stopProfile != nil {
		e.stopProfile()
	}
	code := exitOK
	var ce *codeError
	switch {
	case err == nil:
	case errors.As(err, &ce):
		if ce.err != nil {
			fmt.Fprintf(stderr, "supaudit: %v\n", ce.err)
		}
		code = ce.code
	default:
		// Cobra's own argument errors ("unknown command", "accepts 1 arg").
		fmt.Fprintf(stderr, "supaudit: %v\n", err)
		code = exitError
	}
	// Every interrupted run exits 2, whichever command it was: what it
	// wrote is incomplete and must not pass a CI gate.
	if ctx.Err() != nil && code != exitError {
		fmt.Fprintf(stderr, "supaudit: %v\n", errInterrupted)
		code = exitError
	}
	return code
}

func toolVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the supaudit version, the facts schema and the Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			goVersion := "unknown"
			if bi, ok := debug.ReadBuildInfo(); ok {
				goVersion = bi.GoVersion
			}
			fmt.Fprintf(e.stdout, "supaudit %s\nfacts schema: supaudit/facts/v1\nreport schema: supaudit/report/v1\ngo: %s\n", toolVersion(), goVersion)
			return nil
		},
	}
}

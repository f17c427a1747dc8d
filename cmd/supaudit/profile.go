package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// profiling holds the state of --cpuprofile / --memprofile for one run.
type profiling struct {
	cpuFile, memFile string
	cpuOut           *os.File
}

// addProfileFlags adds the hidden --cpuprofile and --memprofile flags to
// every command, for finding out where a run spends its time (go tool pprof
// FILE). The returned function ends profiling; run calls it after the
// command, whatever its outcome.
func addProfileFlags(root *cobra.Command) func() {
	p := &profiling{}
	cpuFile, memFile := &p.cpuFile, &p.memFile
	pf := root.PersistentFlags()
	pf.StringVar(cpuFile, "cpuprofile", "", "write a CPU profile of the run to this file (for go tool pprof)")
	pf.StringVar(memFile, "memprofile", "", "write a heap profile at the end of the run to this file (for go tool pprof)")
	_ = pf.MarkHidden("cpuprofile")
	_ = pf.MarkHidden("memprofile")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if p.cpuFile == "" {
			return nil
		}
		f, err := os.Create(p.cpuFile)
		if err != nil {
			return usageError(fmt.Errorf("--cpuprofile: %w", err))
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return usageError(fmt.Errorf("--cpuprofile: %w", err))
		}
		p.cpuOut = f
		return nil
	}
	return func() {
		if p.cpuOut != nil {
			pprof.StopCPUProfile()
			p.cpuOut.Close()
			p.cpuOut = nil
		}
		if p.memFile != "" {
			if f, err := os.Create(p.memFile); err == nil {
				runtime.GC()
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
	}
}

package main

import (
	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/internal/profile"
)

// addProfileFlags adds the hidden --cpuprofile and --memprofile flags to
// every command, for finding out where a run spends its time (go tool pprof
// FILE). The returned function ends profiling; run calls it after the
// command, whatever its outcome.
func addProfileFlags(root *cobra.Command) func() {
	p := &profile.Profile{}
	pf := root.PersistentFlags()
	pf.StringVar(&p.CPUFile, "cpuprofile", "", "write a CPU profile of the run to this file (for go tool pprof)")
	pf.StringVar(&p.MemFile, "memprofile", "", "write a heap profile at the end of the run to this file (for go tool pprof)")
	_ = pf.MarkHidden("cpuprofile")
	_ = pf.MarkHidden("memprofile")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := p.Start(); err != nil {
			return usageError(err)
		}
		return nil
	}
	return p.Stop
}

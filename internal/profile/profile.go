// Package profile writes the CPU and heap profiles of one supaudit run
// (the hidden --cpuprofile and --memprofile flags), for finding out where
// a run spends its time with go tool pprof FILE.
package profile

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// Profile is the profiling of one run: CPUFile, when set, receives a CPU
// profile from Start to Stop; MemFile, when set, a heap profile at Stop.
type Profile struct {
	CPUFile, MemFile string
	cpuOut           *os.File
}

// Start starts the CPU profile, when one is asked for; its errors name the
// --cpuprofile flag.
func (p *Profile) Start() error {
	if p.CPUFile == "" {
		return nil
	}
	f, err := os.Create(p.CPUFile)
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	p.cpuOut = f
	return nil
}

// Stop ends the CPU profile (if Start started one) and writes the heap
// profile, whatever the run's outcome; a heap profile that cannot be
// written is skipped.
func (p *Profile) Stop() {
	if p.cpuOut != nil {
		pprof.StopCPUProfile()
		p.cpuOut.Close()
		p.cpuOut = nil
	}
	if p.MemFile != "" {
		if f, err := os.Create(p.MemFile); err == nil {
			runtime.GC()
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
}

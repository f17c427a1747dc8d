package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProfile(t *testing.T) {
	dir := t.TempDir()
	p := &Profile{CPUFile: filepath.Join(dir, "cpu.pprof"), MemFile: filepath.Join(dir, "mem.pprof")}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	p.Stop()
	p.Stop() // twice: the CPU profile is not stopped again
	for _, f := range []string{p.CPUFile, p.MemFile} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	bad := &Profile{CPUFile: filepath.Join(dir, "missing", "cpu.pprof")}
	if err := bad.Start(); err == nil || !strings.HasPrefix(err.Error(), "--cpuprofile: ") {
		t.Errorf("err = %v", err)
	}
	(&Profile{}).Stop() // nothing asked for: nothing to do
}

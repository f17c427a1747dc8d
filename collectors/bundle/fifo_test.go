//go:build unix

package bundle

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFIFOInBundle: a named pipe inside a server folder, or named like a
// server's zip, is skipped with a warning naming it (opening it would
// block forever); the bundle given as a named pipe is refused.
func TestFIFOInBundle(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"S/manifest.txt": "fqdn=S.contoso.com\n"})
	for _, p := range []string{"S/registry/wsus-setup.reg", "T.zip"} {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(full, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s, err := Collect(context.Background(), dir, Options{})
		if err != nil {
			t.Error(err)
			return
		}
		w := strings.Join(s.Collectors[0].Warnings, "\n")
		for _, want := range []string{"S/registry/wsus-setup.reg: skipped: it is a named pipe (FIFO)", "T.zip: skipped: it is a named pipe (FIFO)"} {
			if !strings.Contains(w, want) {
				t.Errorf("warnings %q do not contain %q", w, want)
			}
		}
		if _, err := Collect(context.Background(), filepath.Join(dir, "T.zip"), Options{}); err == nil || !strings.Contains(err.Error(), "T.zip: it is a named pipe (FIFO), not a folder or a .zip file") {
			t.Errorf("bundle given as a FIFO: %v", err)
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Collect blocks on a FIFO")
	}
}

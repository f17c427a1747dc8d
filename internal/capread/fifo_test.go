//go:build unix

package capread

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Mkfifo makes a named pipe in a test's temporary folder.
func mkfifo(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return p
}

// TestFIFORefused: a named pipe (no writer: open would block forever),
// a directory and /dev/zero are refused at once, naming the path and what
// it is; a symbolic link to a regular file is read.
func TestFIFORefused(t *testing.T) {
	fifo := mkfifo(t, "waivers.yaml")
	cases := []struct{ path, kind string }{
		{fifo, "a named pipe (FIFO)"},
		{t.TempDir(), "a directory"},
	}
	if st, err := os.Stat("/dev/zero"); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		cases = append(cases, struct{ path, kind string }{"/dev/zero", "a character device"})
	}
	for _, tc := range cases {
		done := make(chan error, 1)
		go func() { _, err := File(tc.path, 1<<20); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), tc.kind) {
				t.Errorf("File(%s) = %v, want ErrNotRegular naming it as %s", tc.path, err, tc.kind)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("File(%s) blocks", tc.path)
		}
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "real.yaml")
	if err := os.WriteFile(target, []byte("x: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if data, err := File(link, 100); err != nil || string(data) != "x: 1\n" {
		t.Errorf("File(link) = %q, %v", data, err)
	}
}

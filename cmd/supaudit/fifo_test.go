//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFIFOInputs: a named pipe (no writer: opening it for reading would
// block forever) given by name as any input is refused at once with exit
// 2, naming it; one found in a directory of snapshots is skipped with a
// warning and the rest are judged.
func TestFIFOInputs(t *testing.T) {
	dir := t.TempDir()
	fifo := func(name string) string {
		p := filepath.Join(dir, name)
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		return p
	}
	snap, waivers, zip, answers, data, inv := fifo("snap.json"), fifo("waivers.yaml"), fifo("x.zip"), fifo("answers.yaml"), fifo("params.json"), fifo("sites.yaml")
	for _, tc := range []struct {
		name string
		args []string
		path string
	}{
		{"snapshot", []string{"check", snap}, snap},
		{"--waivers", []string{"check", compliant, "--waivers", waivers}, waivers},
		{"--bundle x.zip", []string{"collect", "--bundle", zip}, zip},
		{"--answers", []string{"check", compliant, "--answers", answers}, answers},
		{"--data", []string{"check", compliant, "--data", data}, data},
		{"--inventory", []string{"collect", "--inventory", inv}, inv},
	} {
		t.Run(tc.name, func(t *testing.T) {
			type out struct {
				code   int
				stderr string
			}
			done := make(chan out, 1)
			go func() {
				code, _, errs := runCLI(t, tc.args...)
				done <- out{code, errs}
			}()
			select {
			case o := <-done:
				if o.code != exitError || !strings.Contains(o.stderr, tc.path) || !strings.Contains(o.stderr, "named pipe") {
					t.Errorf("exit %d, stderr %q: want 2 naming %s as a named pipe", o.code, o.stderr, tc.path)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("supaudit %v blocks on the FIFO", tc.args)
			}
		})
	}
	t.Run("in a directory", func(t *testing.T) {
		sub := filepath.Join(dir, "snaps")
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(compliant)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, "good.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(filepath.Join(sub, "pipe.json"), 0o600); err != nil {
			t.Fatal(err)
		}
		code, stdout, errs := runCLI(t, "check", sub, "--format", "json")
		if code != exitOK || !strings.Contains(errs, "pipe.json is a named pipe (FIFO), not a regular file: skipped") || strings.Contains(stdout, "pipe.json") || !strings.Contains(stdout, "good.json") {
			t.Errorf("exit %d, stderr %q: want pipe.json skipped with a warning and good.json judged", code, errs)
		}
	})
}

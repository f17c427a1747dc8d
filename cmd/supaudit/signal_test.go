//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/supaudit/supaudit/internal/clock"
)

// TestHelperProcess is supaudit itself when run by TestSIGTERM.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("SUPAUDIT_TEST_HELPER") != "1" {
		t.Skip("helper process for TestSIGTERM")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Exit(run(args, os.Stdin, os.Stdout, os.Stderr, clock.Fixed(testNow)))
}

// TestSIGTERM: a run stopped by SIGTERM keeps the old report file, leaves
// no temporary file, says on standard output that it was interrupted, and
// exits 2.
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("judges thousands of snapshots")
	}
	dir := t.TempDir()
	snaps := filepath.Join(dir, "snaps")
	if err := os.Mkdir(snaps, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(wsus2)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4000; i++ {
		if err := os.WriteFile(filepath.Join(snaps, fmt.Sprintf("s%04d.json", i)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outDir := filepath.Join(dir, "out")
	os.Mkdir(outDir, 0o755)
	old := filepath.Join(outDir, "report.json")
	if err := os.WriteFile(old, []byte("old report"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "--",
		"check", snaps, "--report", "json="+old, "--report", "table", "--no-color")
	cmd.Env = append(os.Environ(), "SUPAUDIT_TEST_HELPER=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	var out strings.Builder
	signalled := false
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if !signalled && strings.HasPrefix(sc.Text(), "Snapshot ") {
			signalled = true
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
		}
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("exit: %v, want status 2\nstderr: %s", err, stderr.String())
	}
	if b, _ := os.ReadFile(old); string(b) != "old report" {
		t.Errorf("the old report was replaced (%d bytes)", len(b))
	}
	ents, _ := os.ReadDir(outDir)
	if len(ents) != 1 {
		t.Errorf("%d entries beside the report, want none (temporary files removed)", len(ents)-1)
	}
	tail := out.String()
	if i := strings.LastIndex(tail, "\n\n"); i >= 0 {
		tail = tail[i:]
	}
	if !strings.Contains(tail, "INTERRUPTED") || strings.Contains(tail, "PASSED") {
		t.Errorf("stdout does not end saying it is interrupted: %q", tail)
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

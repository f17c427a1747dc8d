package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/supaudit/supaudit/collectors/winrm"
)

// TestWrite: one file per WinRM command, holding exactly its script, so
// that CI's grammar check sees every script the collector sends.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := write(dir); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.ps1"))
	if len(files) != len(winrm.Commands) || len(files) == 0 {
		t.Fatalf("%d files for %d commands", len(files), len(winrm.Commands))
	}
	seen := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		seen[string(data)] = true
	}
	for i, c := range winrm.Commands {
		if !seen[c.Script()] || !strings.Contains(c.Script(), "$ErrorActionPreference") {
			t.Errorf("command %d (%v): script not written", i, c.Files)
		}
	}
}

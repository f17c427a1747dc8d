package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/supaudit/supaudit/facts"
)

func TestDeterministicAndValid(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	var out bytes.Buffer
	for _, dir := range []string{a, b} {
		if err := run([]string{"-n", "40", "-seed", "7", "-from", "../../fixtures/snapshots", "-out", dir}, &out, &out); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(a, "*.json"))
	if len(files) != 40 {
		t.Fatalf("%d files, want 40", len(files))
	}
	ids := map[string]bool{}
	for _, f := range files {
		da, _ := os.ReadFile(f)
		db, err := os.ReadFile(filepath.Join(b, filepath.Base(f)))
		if err != nil || !bytes.Equal(da, db) {
			t.Fatalf("%s differs between two runs with the same seed", filepath.Base(f))
		}
		doc, err := facts.Parse(f, da)
		if err != nil {
			t.Fatalf("generated snapshot invalid: %v", err)
		}
		if ids[doc.Snapshot.ID] {
			t.Fatalf("duplicate id %s", doc.Snapshot.ID)
		}
		ids[doc.Snapshot.ID] = true
	}
	if err := run([]string{"-n", "1", "-out", a, "-from", "../../fixtures/snapshots"}, &out, &out); err == nil {
		t.Fatal("writing into a non-empty directory must fail")
	}
}

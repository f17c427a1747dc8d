package audit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPolicyEngine: bad options are refused naming the flag, before any
// compiling; --as-of becomes the as_of parameter.
func TestPolicyEngine(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		p    Policy
		want string
	}{
		{Policy{EvalTimeout: -time.Second}, "--eval-timeout -1s"},
		{Policy{AsOf: "yesterday"}, `--as-of "yesterday"`},
		{Policy{DataFile: filepath.Join(t.TempDir(), "missing.yaml")}, "--data"},
	} {
		if _, err := tc.p.Engine(ctx); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.p, err, tc.want)
		}
	}
	e, err := Policy{AsOf: "2026-11-25T12:00:00Z"}.Engine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if steps := Checklist(e); len(steps) != len(e.Steps()) || steps[0].ID != "SUP-01" {
		t.Errorf("checklist %+v", steps)
	}
}

// TestLoadAnswers: the manual steps can be attested, a fact-judged or
// unknown step cannot, and the error names the file and the answer.
func TestLoadAnswers(t *testing.T) {
	e := engine(t)
	if got, err := LoadAnswers(e, "../docs/examples/answers.yaml"); err != nil || len(got) != 3 {
		t.Fatalf("example answers: %d, %v", len(got), err)
	}
	dir := t.TempDir()
	for name, tc := range map[string]struct{ yaml, want string }{
		"fact-judged": {"answers:\n  - {step: SUP-06, by: me, at: 2026-11-18}\n", "answers[0].step: SUP-06"},
		"unknown":     {"answers:\n  - {step: SUP-01, by: me, at: 2026-11-18}\n  - {step: SUP-99, by: me, at: 2026-11-18}\n", `answers[1].step: unknown step "SUP-99"`},
	} {
		f := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(f, []byte(tc.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadAnswers(e, f); err == nil || !strings.Contains(err.Error(), "answers "+f+": "+tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}

func TestWriteChecklist(t *testing.T) {
	e := engine(t)
	for _, format := range []string{"table", "json"} {
		var b strings.Builder
		if err := WriteChecklist(&b, e.Steps(), format); err != nil || !strings.Contains(b.String(), "SUP-14") {
			t.Errorf("%s: %v\n%s", format, err, b.String())
		}
	}
	if err := WriteChecklist(&strings.Builder{}, e.Steps(), "yaml"); err == nil || !strings.Contains(err.Error(), `unknown format "yaml"`) {
		t.Errorf("yaml: err = %v", err)
	}
}

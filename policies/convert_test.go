package policies

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/supaudit/supaudit/facts"
)

// TestFastResultMatchesJSON checks the direct conversion against the strict
// JSON decoder on every result of every fixture.
func TestFastResultMatchesJSON(t *testing.T) {
	ctx := context.Background()
	e, err := New(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../fixtures/snapshots/*.json")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	n := 0
	for _, f := range files {
		doc, err := facts.LoadFile(f, facts.Options{})
		if err != nil {
			t.Fatal(err)
		}
		v, _ := ast.InterfaceToValue(doc.Raw)
		rs, err := e.eval(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		set := rs[0].Expressions[0].Value.(*ast.Term).Value.(*ast.Array)
		for i := range set.Len() {
			raw := set.Elem(i).Value
			fast, fastFix, ok := fastResult(raw)
			if !ok {
				t.Fatalf("%s: fast conversion refused a valid result", f)
			}
			slow, slowFix, err := strictResult(raw)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(slowFix, fastFix, cmp.AllowUnexported(fixSpec{})); diff != "" {
				t.Fatalf("%s: fixes differ (-json +fast):\n%s", f, diff)
			}
			fb, _ := json.Marshal(fast)
			sb, _ := json.Marshal(slow)
			if diff := cmp.Diff(string(sb), string(fb)); diff != "" {
				t.Fatalf("%s: conversions differ (-json +fast):\n%s", f, diff)
			}
			n++
		}
	}
	t.Logf("%d results compared", n)
}

func TestDecodeResultRejectsMalformed(t *testing.T) {
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{
		"extra member": map[string]any{"step": "SUP-01", "status": "pass", "subject": "s", "message": "m", "colour": "red"},
		"bad status":   map[string]any{"step": "SUP-01", "status": "great", "subject": "s", "message": "m"},
		"no subject":   map[string]any{"step": "SUP-01", "status": "pass", "message": "m"},
		"unknown step": map[string]any{"step": "XYZ-9", "status": "pass", "subject": "s", "message": "m"},
		"not object":   "pass",
	} {
		av, err := ast.InterfaceToValue(v)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.decodeResult(av); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

package policies

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
)

// embeddedSources returns every embedded .rego file (tests included) by
// its path under policies/.
func embeddedSources(t *testing.T) map[string][]byte {
	t.Helper()
	modules, err := EmbeddedModules(true)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for name := range modules {
		src, err := FS.ReadFile(strings.TrimPrefix(name, "policies/"))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = src
	}
	if len(out) == 0 {
		t.Fatal("no embedded modules")
	}
	return out
}

// update rewrites generated or formatted files instead of comparing:
// go test ./policies/ -update (make checklist) formats the embedded Rego
// modules as opa fmt does and regenerates docs/checklist.md.
var update = flag.Bool("update", false, "rewrite unformatted Rego modules and docs/checklist.md")

// TestRegoFormatted is `opa fmt --rego-v1 --list` as a test: every
// embedded module must be exactly what OPA's formatter makes of it.
func TestRegoFormatted(t *testing.T) {
	for name, src := range embeddedSources(t) {
		want, err := format.SourceWithOpts(name, src, format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(src, want) {
			if *update {
				if err := os.WriteFile(strings.TrimPrefix(name, "policies/"), want, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("formatted %s", name)
				continue
			}
			t.Errorf("%s is not opa fmt clean; first difference at line %d (run opa fmt -w, or write the formatter's output):\n%s", name, firstDiffLine(src, want), excerpt(want, firstDiffLine(src, want)))
		}
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

func excerpt(src []byte, line int) string {
	lines := strings.Split(string(src), "\n")
	lo, hi := max(line-3, 0), min(line+2, len(lines))
	return strings.Join(lines[lo:hi], "\n")
}

// TestNoRuleShadowsBuiltin: no rule or function of the embedded policies
// is named like a built-in (or a built-in's namespace, such as time or
// object), from OPA's own table. A rule named rem shadowed the built-in
// behind %, and opa fmt then rewrote its calls into %, which failed at
// evaluation.
func TestNoRuleShadowsBuiltin(t *testing.T) {
	modules, err := EmbeddedModules(true)
	if err != nil {
		t.Fatal(err)
	}
	if errs := shadowedBuiltins(modules); len(errs) > 0 {
		t.Error(strings.Join(errs, "\n"))
	}
}

// shadowedBuiltins lists the rules of modules whose name is a built-in's
// name or the first segment of a dotted built-in's name.
func shadowedBuiltins(modules map[string]*ast.Module) []string {
	reserved := map[string]string{}
	for name := range ast.BuiltinMap {
		root, _, _ := strings.Cut(name, ".")
		if _, ok := reserved[root]; !ok || root == name {
			reserved[root] = name
		}
	}
	var errs []string
	for _, m := range modules {
		for _, r := range m.Rules {
			head := r.Head.Ref()
			if len(head) == 0 {
				continue
			}
			v, ok := head[0].Value.(ast.Var)
			if !ok {
				continue
			}
			if b, ok := reserved[string(v)]; ok {
				errs = append(errs, fmt.Sprintf("%s:%d: rule %s shadows the built-in %s; rename it", r.Location.File, r.Location.Row, v, b))
			}
		}
	}
	sort.Strings(errs)
	return errs
}

// TestShadowCheckCatches: the check finds the two shadowing rules that
// the policies once had (rem in wsus.rego, replace in testlib_test.rego).
func TestShadowCheckCatches(t *testing.T) {
	src := "package x\n\nrem(a, b) := a\n\nreplace(o, k, v) := o\n\nok := 1\n\ntime := 2\n"
	m, err := parseModule("x.rego", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	errs := shadowedBuiltins(map[string]*ast.Module{"x.rego": m})
	got := strings.Join(errs, "\n")
	for _, want := range []string{"rule rem shadows the built-in rem", "rule replace shadows the built-in replace", "rule time shadows the built-in time."} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if len(errs) != 3 {
		t.Errorf("want 3 findings, got %d:\n%s", len(errs), got)
	}
}

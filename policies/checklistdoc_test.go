package policies

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/open-policy-agent/opa/v1/ast"
	"sigs.k8s.io/yaml"

	"github.com/supaudit/supaudit/facts"
)

const checklistDoc = "../docs/checklist.md"

// TestChecklistDoc: docs/checklist.md is generated from the policies (each
// step's rule, its Rego tests, the fixtures that exercise it and the facts
// its results cite). It fails when the file is stale; make checklist
// (go test ./policies/ -run TestChecklistDoc -update) rewrites it.
func TestChecklistDoc(t *testing.T) {
	got, err := generateChecklistDoc()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(checklistDoc, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(checklistDoc)
	if err != nil {
		t.Fatalf("%v (generate it with make checklist)", err)
	}
	if !bytes.Equal(got, want) {
		line := firstDiffLine(want, got)
		t.Fatalf("docs/checklist.md is stale (first difference at line %d); regenerate it with make checklist (go test ./policies/ -run TestChecklistDoc -update):\n%s", line, excerpt(got, line))
	}
}

type fixtureExpectation struct {
	Results []struct {
		Step   string `json:"step"`
		Status string `json:"status"`
	} `json:"results"`
}

var indexRE = regexp.MustCompile(`\[[^\]]*\]`)

func generateChecklistDoc() ([]byte, error) {
	ctx := context.Background()
	e, err := New(ctx, Options{})
	if err != nil {
		return nil, err
	}
	modules, err := EmbeddedModules(true)
	if err != nil {
		return nil, err
	}

	// Rego tests that name the step.
	tests := map[string][]string{}
	for name, m := range modules {
		if !strings.HasSuffix(name, "_test.rego") {
			continue
		}
		for _, r := range m.Rules {
			test := r.Head.Name.String()
			if !strings.HasPrefix(test, "test_") {
				continue
			}
			link := fmt.Sprintf("[`%s`](../%s#L%d)", test, name, r.Location.Row)
			seen := map[string]bool{}
			var pkgs []string
			ast.WalkTerms(r, func(x *ast.Term) bool {
				switch v := x.Value.(type) {
				case ast.String:
					if _, known := e.Step(string(v)); known && !seen[string(v)] {
						seen[string(v)] = true
						tests[string(v)] = append(tests[string(v)], link)
					}
				case ast.Ref:
					pkgs = append(pkgs, v.String())
				}
				return false
			})
			if len(seen) > 0 {
				continue
			}
			// A test that names no step counts for the steps of the
			// package whose results it evaluates.
			for _, st := range e.Steps() {
				pkg := st.Package[:strings.LastIndexByte(st.Package, '.')] // supaudit.checks.ports
				short := pkg[strings.LastIndexByte(pkg, '.')+1:]           // ports, as imported
				for _, ref := range pkgs {
					if (ref == "data."+pkg+".results" || ref == short+".results") && !seen[st.ID] {
						seen[st.ID] = true
						tests[st.ID] = append(tests[st.ID], link)
					}
				}
			}
		}
	}

	// Fixtures and the statuses they expect of each step.
	type fixtureStatus struct{ fixture, statuses string }
	byStep := map[string][]fixtureStatus{}
	expected, err := doublestar.FilepathGlob("../fixtures/**/*.expected.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(expected)
	for _, f := range expected {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var exp fixtureExpectation
		if err := yaml.Unmarshal(raw, &exp); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		st := map[string]map[string]bool{}
		for _, r := range exp.Results {
			if st[r.Step] == nil {
				st[r.Step] = map[string]bool{}
			}
			st[r.Step][r.Status] = true
		}
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(f), "../"), ".expected.yaml")
		for step, set := range st {
			var list []string
			for s := range set {
				list = append(list, s)
			}
			sort.Strings(list)
			byStep[step] = append(byStep[step], fixtureStatus{name, strings.Join(list, ", ")})
		}
	}

	// Facts the step's results cite as evidence, over every snapshot fixture.
	factsRead := map[string]map[string]bool{}
	snaps, err := filepath.Glob("../fixtures/snapshots/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range snaps {
		doc, err := facts.LoadFile(f, facts.Options{})
		if err != nil {
			return nil, err
		}
		rs, err := e.Evaluate(ctx, doc, nil)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			for _, ev := range r.Evidence {
				if factsRead[r.Step] == nil {
					factsRead[r.Step] = map[string]bool{}
				}
				factsRead[r.Step][indexRE.ReplaceAllString(ev.Fact, "[]")] = true
			}
		}
	}

	var b strings.Builder
	b.WriteString(`# The checklist, step by step

Generated from the policies by ` + "`make checklist`" + ` (` + "`go test ./policies/ -run TestChecklistDoc -update`" + `);
a test fails when this file is stale. For each step: the rule that judges it (its METADATA holds
the title, severity, static remediation and More Information topic), the Rego tests that name it, the fixtures with
the statuses they expect of it, and the facts its results cite as evidence on the snapshot
fixtures (` + "`[]`" + ` stands for a server, port or virtual directory).

| Step | Title | Rule |
|---|---|---|
`)
	for _, st := range e.Steps() {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s |\n", st.ID, strings.ToLower(st.ID), st.Title, ruleLink(st.Location))
	}
	for _, st := range e.Steps() {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n", st.ID, st.Title)
		if st.Description != "" {
			fmt.Fprintf(&b, "%s\n\n", st.Description)
		}
		manual := ""
		if st.Manual {
			manual = " · manual (attested in the answers)"
		}
		fmt.Fprintf(&b, "* Rule: %s (`%s`) · severity %s%s\n", ruleLink(st.Location), st.Package, st.Severity, manual)
		for _, r := range st.Remediation {
			fmt.Fprintf(&b, "* Remediation: %s\n", r)
		}
		if len(st.Fixes) > 0 {
			// Placeholders such as {server} are filled in per result.
			fmt.Fprintf(&b, "* Fixes (per finding; `{name}` is filled in for the result's subject):\n")
			for _, name := range slices.Sorted(maps.Keys(st.Fixes)) {
				fmt.Fprintf(&b, "  * `%s`: %s\n", name, strings.Join(st.Fixes[name], " "))
			}
		}
		if st.MoreInformation != "" {
			fmt.Fprintf(&b, "* More Information: %s\n", st.MoreInformation)
		}
		if ts := tests[st.ID]; len(ts) > 0 {
			sort.Strings(ts)
			fmt.Fprintf(&b, "* Tests: %s\n", strings.Join(ts, ", "))
		} else {
			b.WriteString("* Tests: none name this step\n")
		}
		if fs := byStep[st.ID]; len(fs) > 0 {
			// Grouped by the statuses expected; the fixtures where the step
			// simply passes are counted.
			groups := map[string][]string{}
			for _, f := range fs {
				groups[f.statuses] = append(groups[f.statuses], "`"+strings.TrimPrefix(f.fixture, "fixtures/")+"`")
			}
			keys := make([]string, 0, len(groups))
			for k := range groups {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b.WriteString("* Fixtures:\n")
			for _, k := range keys {
				if k == "pass" || k == "not_applicable" {
					fmt.Fprintf(&b, "  * %s: %d fixtures\n", k, len(groups[k]))
					continue
				}
				fmt.Fprintf(&b, "  * %s: %s\n", k, strings.Join(groups[k], ", "))
			}
		}
		if fr := factsRead[st.ID]; len(fr) > 0 {
			var list []string
			for f := range fr {
				list = append(list, "`"+f+"`")
			}
			sort.Strings(list)
			fmt.Fprintf(&b, "* Facts cited: %s\n", strings.Join(list, ", "))
		}
	}
	if len(e.sharedFixes) > 0 {
		fmt.Fprintf(&b, "\n## Shared fixes\n\nFixes that the rules of several steps name, defined in the METADATA of a package rather than of one step.\n\n")
		shared := fixText(e.sharedFixes)
		for _, name := range slices.Sorted(maps.Keys(shared)) {
			fmt.Fprintf(&b, "* `%s`: %s\n", name, strings.Join(shared[name], " "))
		}
	}
	return []byte(b.String()), nil
}

// ruleLink links "policies/x.rego:12" from docs/.
func ruleLink(loc string) string {
	file, line, _ := strings.Cut(loc, ":")
	return fmt.Sprintf("[%s](../%s#L%s)", loc, file, line)
}

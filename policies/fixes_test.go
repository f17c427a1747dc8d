package policies

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/supaudit/supaudit/facts"
)

func TestParseFix(t *testing.T) {
	args := map[string]string{"server": "SUP01.corp.example.com", "n": "8530"}
	for _, tc := range []struct {
		line, want, err string
	}{
		{line: "Collect wsyncmgr.log.", want: "Collect wsyncmgr.log."},
		{line: "Register {server} in DNS.", want: "Register SUP01.corp.example.com in DNS."},
		{line: "{server}:{n}", want: "SUP01.corp.example.com:8530"},
		{line: "Fix {subject}.", want: "Fix site ABC."},
		{line: "Do {step} for {subject}.", want: "Do SUP-04 for site ABC."},
		{line: "Open {port}.", err: "no value for {port}"},
		{line: "Open {Port}.", err: "placeholder {Port}"},
		{line: "Open {port.", err: "a { without }"},
		{line: "Open port}.", err: "a } without {"},
		{line: "Open {}.", err: "placeholder {}"},
	} {
		tpl, err := parseFix(tc.line)
		if err == nil {
			var got string
			got, err = tpl.expand(args, "SUP-04", "site ABC")
			if err == nil && got != tc.want {
				t.Errorf("%q: got %q, want %q", tc.line, got, tc.want)
			}
		}
		if tc.err == "" && err != nil {
			t.Errorf("%q: %v", tc.line, err)
		}
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%q: error %v, want one containing %q", tc.line, err, tc.err)
		}
	}
}

// fixPolicy writes a user step whose rules use fixes the way the
// embedded ones do, and returns its directory.
func fixPolicy(t *testing.T, rules string) string {
	t.Helper()
	dir := t.TempDir()
	src := `package supaudit.checks.user_fix

# METADATA
# scope: document
# title: A user step
# custom:
#   id: ORG-01
#   fixes:
#     dns:
#       - "Register {server} in DNS."
#       - "Then judge {subject} again."
#     wait: "Wait for {n} minutes."
` + rules
	writeModule(t, dir, "user.rego", src)
	return dir
}

func writeModule(t *testing.T, dir, name, src string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func evalUser(t *testing.T, dir string) ([]string, error) {
	t.Helper()
	ctx := context.Background()
	e, err := New(ctx, Options{PolicyDirs: []string{dir}})
	if err != nil {
		return nil, err
	}
	doc := loadDoc(t, "../fixtures/snapshots/native-remote-and-internet-sup.json")
	rs, err := e.Evaluate(ctx, doc, nil)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.Step == "ORG-01" {
			return r.Remediation, nil
		}
	}
	t.Fatal("no ORG-01 result")
	return nil, nil
}

func TestFixesExpand(t *testing.T) {
	dir := fixPolicy(t, `
results contains {"step": "ORG-01", "status": "fail", "subject": "SUP01", "message": "m",
	"fix": ["dns", "wait"], "fix_args": {"server": "SUP01.corp.example.com", "n": 5},
	"remediation": ["And tell the auditor."]}
`)
	got, err := evalUser(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Register SUP01.corp.example.com in DNS.", "Then judge SUP01 again.", "Wait for 5 minutes.", "And tell the auditor."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("remediation %q, want %q", got, want)
	}
}

func TestFixesErrors(t *testing.T) {
	for name, tc := range map[string]struct{ rules, err string }{
		"unknown fix": {`results contains {"step": "ORG-01", "status": "fail", "subject": "s", "message": "m", "fix": "reboot"}`,
			`named the fix "reboot", which neither`},
		"missing arg": {`results contains {"step": "ORG-01", "status": "fail", "subject": "s", "message": "m", "fix": "dns"}`,
			`fix "dns": no value for {server}`},
		"args without fix": {`results contains {"step": "ORG-01", "status": "fail", "subject": "s", "message": "m", "fix_args": {"server": "x"}}`,
			"fix_args but no fix"},
		"bad fix type": {`results contains {"step": "ORG-01", "status": "fail", "subject": "s", "message": "m", "fix": 3}`,
			"fix: want a fix name"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := evalUser(t, fixPolicy(t, tc.rules))
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want one containing %q", err, tc.err)
			}
		})
	}
}

func TestFixesMalformedMetadata(t *testing.T) {
	dir := t.TempDir()
	src := `package supaudit.checks.bad_fix

# METADATA
# scope: document
# title: A user step
# custom:
#   id: ORG-02
#   fixes:
#     dns:
#       - "Register {Server} in DNS."
results contains {"step": "ORG-02", "status": "pass", "subject": "s", "message": "m"}
`
	writeModule(t, dir, "bad.rego", src)
	_, err := New(context.Background(), Options{PolicyDirs: []string{dir}})
	if err == nil || !strings.Contains(err.Error(), "custom.fixes.dns[0]: placeholder {Server}") || !strings.Contains(err.Error(), "bad.rego:") {
		t.Fatalf("error %v, want one naming the file and custom.fixes.dns[0]", err)
	}
}

// TestFixesAreUsed checks that every fix an embedded step defines is named
// by a rule of its module (as a "fix" value or in a map of fix names), so
// that no remediation text is dead.
func TestFixesAreUsed(t *testing.T) {
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, st := range e.Steps() {
		file, _, _ := strings.Cut(st.Location, ":")
		if files[file] == "" {
			b, err := os.ReadFile(filepath.Join("..", file))
			if err != nil {
				t.Fatal(err)
			}
			files[file] = string(b)
		}
		for name := range st.Fixes {
			if !strings.Contains(files[file], ast.StringTerm(name).String()) {
				t.Errorf("%s: fix %q of %s is defined but no rule of the module names it", file, name, st.ID)
			}
		}
	}
	modules, err := EmbeddedModules(false)
	if err != nil {
		t.Fatal(err)
	}
	for name := range e.sharedFixes {
		found := false
		for _, m := range modules {
			ast.WalkTerms(m, func(x *ast.Term) bool {
				found = found || x.Equal(ast.StringTerm(name))
				return found
			})
		}
		if !found {
			t.Errorf("shared fix %q is defined but no rule names it", name)
		}
	}
}

func loadDoc(t *testing.T, file string) *facts.Document {
	t.Helper()
	doc, err := facts.LoadFile(file, facts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

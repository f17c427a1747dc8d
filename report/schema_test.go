package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/supaudit/supaudit/results"
)

// The consumers' own schemas (the OASIS SARIF 2.1.0 schema, the Jenkins
// xUnit plugin's junit-10.xsd, the Apache Ant JUnit.xsd) are not part of
// the repository: SUPAUDIT_SCHEMA_DIR names the folder that holds them
// (CI sets it). Without it these tests skip, saying so.
const schemaDirEnv = "SUPAUDIT_SCHEMA_DIR"

func schemaFile(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv(schemaDirEnv)
	if dir == "" {
		t.Skipf("%s is not set: not validating against the consumers' schemas (set it to the folder holding sarif-schema-2.1.0.json, junit-10.xsd and JUnit.xsd)", schemaDirEnv)
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s=%s: %v", schemaDirEnv, dir, err)
	}
	return p
}

// schemaRuns are what the schema tests validate: the golden runs and a run
// over every fixture (with an input error), waived and interrupted too.
func schemaRuns(t *testing.T) map[string]*Report {
	runs := map[string]*Report{"run1": loadRun(t, "run1.json"), "run2": loadRun(t, "run2.json"), "fixtures": fixtureRun(t)}
	manual := *fixtureRun(t)
	manual.FailOn = results.Manual
	manual.Interrupted = true
	runs["fixtures-fail-on-manual-interrupted"] = &manual
	return runs
}

func TestSARIFOfficialSchema(t *testing.T) {
	path := schemaFile(t, "sarif-schema-2.1.0.json")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	validate := func(name string, out []byte) {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s: SARIF does not validate against the OASIS schema: %v", name, err)
		}
	}
	for name, r := range schemaRuns(t) {
		validate(name, render(t, "sarif", r))
	}
	for _, g := range []string{"run1.sarif", "run2.sarif"} {
		b, err := os.ReadFile(filepath.Join("testdata", "golden", g))
		if err != nil {
			t.Fatal(err)
		}
		validate(g, b)
	}
	var buf bytes.Buffer
	if err := Render(context.Background(), Buffered(&SARIF{W: &buf, SourceRoot: ".."}), fixtureRun(t), checklist(t)); err != nil {
		t.Fatal(err)
	}
	validate("fixtures --source-root", buf.Bytes())
	// The schema is strict where go-sarif was not: a null suppression guid
	// is rejected.
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"suppressions":[{"kind":"external","guid":null}]}]}]}`))
	if sch.Validate(inst) == nil {
		t.Error("the schema accepts a null suppression guid")
	}
}

func TestJUnitConsumerSchemas(t *testing.T) {
	xsds := []string{schemaFile(t, "junit-10.xsd"), schemaFile(t, "JUnit.xsd")}
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint is not installed (Debian package libxml2-utils, listed in .ci/packages.d/report.txt)")
	}
	dir := t.TempDir()
	var files []string
	for name, r := range schemaRuns(t) {
		p := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(p, render(t, "junit", r), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	for _, g := range []string{"run1.junit.xml", "run2.junit.xml"} {
		files = append(files, filepath.Join("testdata", "golden", g))
	}
	bad := filepath.Join(dir, "bad.xml")
	os.WriteFile(bad, []byte(`<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x" status="fail"/></testsuite></testsuites>`), 0o644)
	for _, xsd := range xsds {
		for _, f := range files {
			out, err := exec.Command(xmllint, "--noout", "--schema", xsd, f).CombinedOutput()
			if err != nil {
				t.Errorf("%s against %s: %v\n%s", filepath.Base(f), filepath.Base(xsd), err, firstLines(string(out), 10))
			}
		}
		if err := exec.Command(xmllint, "--noout", "--schema", xsd, bad).Run(); err == nil {
			t.Errorf("%s accepts testcase@status", filepath.Base(xsd))
		}
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

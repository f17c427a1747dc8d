package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"sigs.k8s.io/yaml"

	"github.com/supaudit/supaudit/collectors"
	"github.com/supaudit/supaudit/collectors/bundle"
	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/internal/capread"
	"github.com/supaudit/supaudit/output"
	"github.com/supaudit/supaudit/policies"
)

// ExpectedSuffix names the file beside a snapshot that holds its expected
// results: site.json -> site.expected.yaml.
const ExpectedSuffix = ".expected.yaml"

// Expectation is one expected result: the step, the status and the subject.
type Expectation struct {
	Step    string `json:"step"`
	Status  string `json:"status"`
	Subject string `json:"subject"`
}

// ExpectedFile is a fixture's expected results.
type ExpectedFile struct {
	Description string        `json:"description,omitempty"`
	Results     []Expectation `json:"results"`
}

// Fixtures returns the expected-results files under dir, sorted, each with
// the fixture beside it: the snapshot NAME.json (NAME.expected.yaml and
// NAME.json), or, when there is no NAME.json, the evidence bundle folder
// NAME/ (fixtures/bundles/compliant.expected.yaml beside
// fixtures/bundles/compliant/), which JudgeFixture collects first.
func Fixtures(dir string) (expected, snapshots []string, err error) {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, nil, fmt.Errorf("%s: not a directory", dir)
	}
	matches, err := doublestar.Glob(os.DirFS(dir), "**/*"+ExpectedSuffix)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, err)
	}
	if len(matches) == 0 {
		return nil, nil, fmt.Errorf("%s: no *%s files found", dir, ExpectedSuffix)
	}
	sort.Strings(matches)
	for _, m := range matches {
		p := filepath.Join(dir, filepath.FromSlash(m))
		expected = append(expected, p)
		base := strings.TrimSuffix(p, ExpectedSuffix)
		if _, err := os.Stat(base + ".json"); err != nil {
			if st, err := os.Stat(base); err == nil && st.IsDir() {
				snapshots = append(snapshots, base)
				continue
			}
		}
		snapshots = append(snapshots, base+".json")
	}
	return expected, snapshots, nil
}

// JudgeFixture judges the snapshot at path without answers and returns
// its results as expectations. A folder is an evidence bundle: it is
// collected with the bundle collector's defaults, then judged.
func JudgeFixture(ctx context.Context, engine *policies.Engine, path string) ([]Expectation, error) {
	var doc *facts.Document
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		col, err := Collect(ctx, []collectors.Collector{&bundle.Collector{Dir: path}}, CollectOptions{})
		if err != nil {
			return nil, err
		}
		doc = col.Doc
	} else if doc, err = facts.LoadFile(path, facts.Options{}); err != nil {
		return nil, err
	}
	rs, err := engine.Evaluate(ctx, doc, nil)
	if err != nil {
		return nil, err
	}
	out := make([]Expectation, 0, len(rs))
	for _, r := range rs {
		out = append(out, Expectation{Step: r.Step, Status: string(r.Status), Subject: r.Subject})
	}
	return out, nil
}

// maxExpectedSize caps an expected-results file.
const maxExpectedSize = 4 << 20

// pathErr drops the os package's "open PATH:" prefix from err.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ReadExpected reads an expected-results file.
func ReadExpected(path string) (*ExpectedFile, error) {
	data, err := capread.File(path, maxExpectedSize)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, pathErr(err))
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var ef ExpectedFile
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ef); err != nil {
		return nil, fmt.Errorf("%s: %v (expected description and a results list of {step, status, subject})", path, err)
	}
	return &ef, nil
}

// WriteExpected rewrites an expected-results file with got, keeping its
// description.
func WriteExpected(path string, got []Expectation) error {
	ef := ExpectedFile{Results: got}
	if old, err := ReadExpected(path); err == nil {
		ef.Description = old.Description
	}
	var b bytes.Buffer
	if ef.Description != "" {
		d, _ := yaml.Marshal(map[string]string{"description": ef.Description})
		b.Write(d)
	}
	b.WriteString("results:\n")
	for _, x := range got {
		fmt.Fprintf(&b, "  - {step: %s, status: %s, subject: %q}\n", x.Step, x.Status, x.Subject)
	}
	// Through the one writer: atomically, so an interrupted update keeps
	// the old expectations.
	return output.WriteFile(context.Background(), path, nil, func(w io.Writer) error {
		_, err := w.Write(b.Bytes())
		return err
	})
}

// DiffExpectations compares two multisets of expectations.
func DiffExpectations(want, got []Expectation) (missing, extra []Expectation) {
	count := map[Expectation]int{}
	for _, w := range want {
		count[w]++
	}
	for _, g := range got {
		if count[g] > 0 {
			count[g]--
			continue
		}
		extra = append(extra, g)
	}
	for _, w := range want {
		if count[w] > 0 {
			missing = append(missing, w)
			count[w]--
		}
	}
	return missing, extra
}

// FixtureResult is one fixture judged by Verify.
type FixtureResult struct {
	// Expected is the expected-results file, Path the snapshot or evidence
	// bundle beside it.
	Expected, Path string
	// Got are the fixture's results.
	Got []Expectation
	// Missing are the expected results not got, Extra those got and not
	// expected (none when Updated).
	Missing, Extra []Expectation
	// Updated is set when the expected-results file was rewritten from
	// Got.
	Updated bool
}

// OK reports whether the fixture's results are the expected ones.
func (r FixtureResult) OK() bool { return len(r.Missing) == 0 && len(r.Extra) == 0 }

// Verify judges every fixture under dir (Fixtures, JudgeFixture, with the
// engine compiled once the fixtures are found) and hands each result to
// each, in order: compared with its expected results, or, with update,
// written over them (WriteExpected). A fixture that cannot be read or
// judged stops it with an error.
func Verify(ctx context.Context, engine func(context.Context) (*policies.Engine, error), dir string, update bool, each func(FixtureResult)) error {
	expected, paths, err := Fixtures(dir)
	if err != nil {
		return err
	}
	e, err := engine(ctx)
	if err != nil {
		return err
	}
	for i, exp := range expected {
		r := FixtureResult{Expected: exp, Path: paths[i]}
		if r.Got, err = JudgeFixture(ctx, e, r.Path); err != nil {
			return err
		}
		if update {
			if err := WriteExpected(exp, r.Got); err != nil {
				return err
			}
			r.Updated = true
		} else {
			want, err := ReadExpected(exp)
			if err != nil {
				return err
			}
			r.Missing, r.Extra = DiffExpectations(want.Results, r.Got)
		}
		each(r)
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/policies"
)

// expectedSuffix names the file beside a snapshot that holds its expected
// results: site.json -> site.expected.yaml.
const expectedSuffix = ".expected.yaml"

// expectation is one expected result: the step, the status and the subject.
type expectation struct {
	Step    string `json:"step"`
	Status  string `json:"status"`
	Subject string `json:"subject"`
}

type expectedFile struct {
	Description string        `json:"description,omitempty"`
	Results     []expectation `json:"results"`
}

func newVerifyCmd(e *env) *cobra.Command {
	var pf policyFlags
	var update bool
	cmd := &cobra.Command{
		Use:   "verify [DIR]",
		Short: "Judge every fixture snapshot and compare with its expected results",
		Long: `Judge every snapshot under DIR (default fixtures/) that has an expected-results
file beside it (NAME.json and NAME.expected.yaml) and compare the (step, status,
subject) triples. On a mismatch the differences are printed and the exit code is 1.

--update rewrites the expected files from the current results; review the diff
before committing it.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "fixtures"
			if len(args) == 1 {
				dir = args[0]
			}
			return runVerify(cmd.Context(), e, &pf, dir, update)
		},
	}
	pf.register(cmd)
	cmd.Flags().BoolVar(&update, "update", false, "rewrite the expected files from the current results")
	return cmd
}

func runVerify(ctx context.Context, e *env, pf *policyFlags, dir string, update bool) error {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return usageError(fmt.Errorf("%s: not a directory", dir))
	}
	matches, err := doublestar.Glob(os.DirFS(dir), "**/*"+expectedSuffix)
	if err != nil {
		return usageError(fmt.Errorf("%s: %w", dir, err))
	}
	if len(matches) == 0 {
		return usageError(fmt.Errorf("%s: no *%s files found", dir, expectedSuffix))
	}
	sort.Strings(matches)
	engine, err := pf.engine(ctx)
	if err != nil {
		return err
	}
	failed := 0
	for _, m := range matches {
		expPath := filepath.Join(dir, filepath.FromSlash(m))
		snapPath := strings.TrimSuffix(expPath, expectedSuffix) + ".json"
		got, err := judgeFixture(ctx, engine, snapPath)
		if err != nil {
			return usageError(err)
		}
		if update {
			if err := writeExpected(expPath, got); err != nil {
				return usageError(err)
			}
			fmt.Fprintf(e.stdout, "updated %s (%d results)\n", expPath, len(got))
			continue
		}
		want, err := readExpected(expPath)
		if err != nil {
			return usageError(err)
		}
		missing, extra := diffExpectations(want.Results, got)
		if len(missing) == 0 && len(extra) == 0 {
			fmt.Fprintf(e.stdout, "ok   %s (%d results)\n", snapPath, len(got))
			continue
		}
		failed++
		fmt.Fprintf(e.stdout, "FAIL %s\n", snapPath)
		for _, x := range missing {
			fmt.Fprintf(e.stdout, "  - expected %s %s %s\n", x.Step, x.Status, x.Subject)
		}
		for _, x := range extra {
			fmt.Fprintf(e.stdout, "  + got      %s %s %s\n", x.Step, x.Status, x.Subject)
		}
	}
	if update {
		return nil
	}
	fmt.Fprintf(e.stdout, "%d passed, %d failed\n", len(matches)-failed, failed)
	if failed > 0 {
		return errFindings
	}
	return nil
}

func judgeFixture(ctx context.Context, engine *policies.Engine, path string) ([]expectation, error) {
	doc, err := facts.LoadFile(path, facts.Options{})
	if err != nil {
		return nil, err
	}
	rs, err := engine.Evaluate(ctx, doc, nil)
	if err != nil {
		return nil, err
	}
	out := make([]expectation, 0, len(rs))
	for _, r := range rs {
		out = append(out, expectation{Step: r.Step, Status: string(r.Status), Subject: r.Subject})
	}
	return out, nil
}

func readExpected(path string) (*expectedFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var ef expectedFile
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ef); err != nil {
		return nil, fmt.Errorf("%s: %v (expected description and a results list of {step, status, subject})", path, err)
	}
	return &ef, nil
}

func writeExpected(path string, got []expectation) error {
	ef := expectedFile{Results: got}
	if old, err := readExpected(path); err == nil {
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
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// diffExpectations compares two multisets of expectations.
func diffExpectations(want, got []expectation) (missing, extra []expectation) {
	count := map[expectation]int{}
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

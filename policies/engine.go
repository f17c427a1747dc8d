package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/results"
)

// Query is the entrypoint every snapshot is evaluated against.
const Query = "data.supaudit.main.results"

// Step describes one checklist step, read from the METADATA annotation of
// the rule that judges it.
type Step struct {
	ID              string `json:"id"`
	Title           string `json:"title"`
	Description     string `json:"description"`
	Severity        string `json:"severity"`
	Manual          bool   `json:"manual"`
	MoreInformation string `json:"more_information"`
	// Remediation is the step's static remediation from its METADATA
	// (custom.remediation): what to do whatever the subject; each result
	// adds what to do for its own subject.
	Remediation []string `json:"remediation,omitempty"`
	// Fixes are the step's remediation per finding (custom.fixes): each
	// result names the fixes that apply to it (see fixes.go).
	Fixes map[string][]string `json:"fixes,omitempty"`
	// Package and Location say where the step's rule is defined.
	Package  string `json:"package"`
	Location string `json:"location"`
}

// Options configures an Engine.
type Options struct {
	// PolicyDirs are directories of user Rego modules (Rego v1) added to the
	// embedded ones; files ending in _test.rego are skipped.
	PolicyDirs []string
	// Params overrides data.supaudit.params (deep merge); see
	// MergeParams.
	Params map[string]any
	// Strict compiles in strict mode (as opa check --strict).
	Strict bool
	// EvalTimeout limits the evaluation of one snapshot; an evaluation
	// that takes longer stops with a *TimeoutError. Zero means no limit.
	EvalTimeout time.Duration
	// AllowNetwork lets policies call the RestrictedBuiltins (http.send,
	// net.lookup_ip_addr, net.cidr_expand, opa.runtime). Without it, a
	// policy that calls one does not compile.
	AllowNetwork bool
}

// RestrictedBuiltins are the built-in functions that policies may call
// only with Options.AllowNetwork (the CLI's --allow-network): they reach
// outside the evaluation (the network, DNS, the process's environment and
// configuration), or, like net.cidr_expand, cost without bound on a
// small input. The embedded policies call none of them.
var RestrictedBuiltins = []string{"http.send", "net.lookup_ip_addr", "net.cidr_expand", "opa.runtime"}

// DefaultEvalTimeout is the CLI's default per-snapshot evaluation limit:
// judging a snapshot of one site takes milliseconds, and one with 800
// software update points a few seconds.
const DefaultEvalTimeout = 10 * time.Second

// TimeoutError is an evaluation stopped by Options.EvalTimeout.
type TimeoutError struct {
	File  string
	Limit time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s: evaluating the policies took longer than the %s limit per snapshot (--eval-timeout); the snapshot is not judged", e.File, e.Limit)
}

// capabilities are OPA's built-ins for this version, less the restricted
// ones unless allowed.
func capabilities(allowNetwork bool) *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	if allowNetwork {
		return caps
	}
	kept := caps.Builtins[:0:0]
	for _, b := range caps.Builtins {
		if !slices.Contains(RestrictedBuiltins, b.Name) {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	return caps
}

// Engine judges snapshots. It is safe for concurrent use.
type Engine struct {
	pq       rego.PreparedEvalQuery
	compiler *ast.Compiler
	steps    []Step
	stepByID map[string]Step
	params   map[string]any
	timeout  time.Duration
	// stepFixes and sharedFixes are the fixes of the METADATA, parsed once.
	stepFixes   map[string]map[string][]fixTemplate
	sharedFixes map[string][]fixTemplate
}

// New loads, compiles and prepares the policies once.
func New(ctx context.Context, opts Options) (*Engine, error) {
	modules, err := EmbeddedModules(false)
	if err != nil {
		return nil, err
	}
	for _, dir := range opts.PolicyDirs {
		user, err := loadDir(dir)
		if err != nil {
			return nil, err
		}
		for k, m := range user {
			modules[k] = m
		}
	}
	params, err := DefaultParams()
	if err != nil {
		return nil, err
	}
	if opts.Params != nil {
		if err := MergeParams(params, opts.Params, "params"); err != nil {
			return nil, err
		}
	}
	if asOf, _ := params["as_of"].(string); asOf != "" {
		if _, err := time.Parse(time.RFC3339, asOf); err != nil {
			return nil, fmt.Errorf("params.as_of %q: want an RFC 3339 time such as 2026-11-25T12:00:00Z", asOf)
		}
	}
	compiler := ast.NewCompiler().
		WithStrict(opts.Strict).
		WithEnablePrintStatements(false).
		WithCapabilities(capabilities(opts.AllowNetwork))
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, restrictedHint(compileError(compiler.Errors), opts.AllowNetwork)
	}
	// The parameters are kept as OPA values, so that an evaluation reads them
	// without converting them from Go maps again.
	store := inmem.NewFromObjectWithOpts(map[string]any{"supaudit": map[string]any{"params": params}}, inmem.OptReturnASTValuesOnRead(true))
	r := rego.New(
		rego.Query(Query),
		rego.Compiler(compiler),
		rego.Store(store),
		rego.StrictBuiltinErrors(true),
		rego.GenerateJSON(rawTerm),
	)
	pq, err := r.PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("prepare policies: %w", err)
	}
	e := &Engine{pq: pq, compiler: compiler, params: params, stepByID: map[string]Step{}, timeout: opts.EvalTimeout,
		stepFixes: map[string]map[string][]fixTemplate{}, sharedFixes: map[string][]fixTemplate{}}
	if err := e.indexSteps(); err != nil {
		return nil, err
	}
	return e, nil
}

// restrictedHint adds to a compile error that names a restricted built-in
// ("undefined function http.send") why it is undefined and how to allow it.
func restrictedHint(err error, allowed bool) error {
	if allowed {
		return err
	}
	for _, name := range RestrictedBuiltins {
		if strings.Contains(err.Error(), "undefined function "+name) {
			return fmt.Errorf("%w (%s is one of the built-ins that reach outside the evaluation, %s, which policies may call only with --allow-network)", err, name, strings.Join(RestrictedBuiltins, ", "))
		}
	}
	return err
}

// compileError renders OPA's errors as file:row: message lines.
func compileError(errs ast.Errors) error {
	lines := make([]string, 0, len(errs))
	for _, e := range errs {
		if e.Location != nil {
			lines = append(lines, fmt.Sprintf("%s:%d: %s", e.Location.File, e.Location.Row, e.Message))
		} else {
			lines = append(lines, e.Message)
		}
	}
	return fmt.Errorf("policy error: %s", strings.Join(lines, "; "))
}

// EmbeddedModules parses the embedded policies; withTests includes the
// _test.rego files.
func EmbeddedModules(withTests bool) (map[string]*ast.Module, error) {
	modules := map[string]*ast.Module{}
	err := fs.WalkDir(FS, "supaudit", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".rego") {
			return nil
		}
		if !withTests && strings.HasSuffix(path, "_test.rego") {
			return nil
		}
		src, err := FS.ReadFile(path)
		if err != nil {
			return err
		}
		m, err := parseModule("policies/"+path, src)
		if err != nil {
			return err
		}
		modules["policies/"+path] = m
		return nil
	})
	return modules, err
}

func parseModule(name string, src []byte) (*ast.Module, error) {
	m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{
		ProcessAnnotation: true,
		RegoVersion:       ast.RegoV1,
	})
	if err != nil {
		var errs ast.Errors
		if errors.As(err, &errs) {
			return nil, compileError(errs)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// loadDir parses every .rego file under dir (doublestar **/*.rego), except
// _test.rego files.
func loadDir(dir string) (map[string]*ast.Module, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("--policy %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("--policy %s: not a directory", dir)
	}
	paths, err := doublestar.Glob(os.DirFS(dir), "**/*.rego")
	if err != nil {
		return nil, fmt.Errorf("--policy %s: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("--policy %s: no .rego files found", dir)
	}
	sort.Strings(paths)
	out := map[string]*ast.Module{}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.rego") {
			continue
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		src, err := os.ReadFile(full)
		if err != nil {
			return nil, fmt.Errorf("--policy %s: %w", full, err)
		}
		m, err := parseModule(full, src)
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(m.Package.Path.String(), "data.supaudit.checks.") {
			return nil, fmt.Errorf("%s:%d: package %s is not under supaudit.checks; user policies must declare package supaudit.checks.<name> and a results rule", full, m.Package.Location.Row, strings.TrimPrefix(m.Package.Path.String(), "data."))
		}
		out["user:"+full] = m
	}
	return out, nil
}

// DefaultParams returns a fresh copy of the embedded policy parameters
// (data.supaudit.params).
func DefaultParams() (map[string]any, error) {
	raw, err := FS.ReadFile("params.json")
	if err != nil {
		return nil, err
	}
	var doc struct {
		Supaudit struct {
			Params map[string]any `json:"params"`
		} `json:"supaudit"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("embedded params.json: %w", err)
	}
	return doc.Supaudit.Params, nil
}

// MergeParams deep-merges override into base. Keys must exist in base and
// values must have the same JSON type, so that a typo ("max_age_day") or a
// wrong type is an error naming the key rather than a silently ignored
// setting. Maps whose defaults are name→value tables (wsus.releases,
// wsus.known_builds) accept new keys.
func MergeParams(base, override map[string]any, path string) error {
	keys := make([]string, 0, len(override))
	for k := range override {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ov := override[k]
		p := path + "." + k
		bv, ok := base[k]
		if !ok {
			if openTables[path] {
				base[k] = ov
				continue
			}
			return fmt.Errorf("%s: unknown parameter (known: %s)", p, strings.Join(sortedKeys(base), ", "))
		}
		switch b := bv.(type) {
		case map[string]any:
			o, ok := ov.(map[string]any)
			if !ok {
				return fmt.Errorf("%s: expected an object, got %s", p, typeName(ov))
			}
			if err := MergeParams(b, o, p); err != nil {
				return err
			}
		default:
			if typeName(bv) != typeName(ov) {
				return fmt.Errorf("%s: expected %s, got %s", p, typeName(bv), typeName(ov))
			}
			base[k] = ov
		}
	}
	return nil
}

var openTables = map[string]bool{"params.wsus.releases": true, "params.wsus.known_builds": true}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64, int, int64, uint64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// Params returns the effective parameters (defaults merged with overrides).
func (e *Engine) Params() map[string]any { return e.params }

func (e *Engine) indexSteps() error {
	for _, ref := range e.compiler.GetAnnotationSet().Flatten() {
		a := ref.Annotations
		if a == nil || a.Custom == nil {
			continue
		}
		id, _ := a.Custom["id"].(string)
		loc := ""
		if ref.Location != nil {
			loc = fmt.Sprintf("%s:%d", ref.Location.File, ref.Location.Row)
		}
		var fixes map[string][]fixTemplate
		if v, ok := a.Custom["fixes"]; ok {
			var err error
			if fixes, err = parseFixes(v); err != nil {
				return fmt.Errorf("policy error: %s: %w", loc, err)
			}
		}
		if id == "" {
			for _, name := range slices.Sorted(maps.Keys(fixes)) {
				if _, dup := e.sharedFixes[name]; dup {
					return fmt.Errorf("policy error: %s: the shared fix %q is defined twice", loc, name)
				}
				e.sharedFixes[name] = fixes[name]
			}
			continue
		}
		st := Step{
			ID:          id,
			Title:       a.Title,
			Description: strings.Join(strings.Fields(a.Description), " "),
			Package:     strings.TrimPrefix(ref.Path.String(), "data."),
		}
		st.Severity, _ = a.Custom["severity"].(string)
		if st.Severity == "" {
			st.Severity = "medium"
		}
		st.MoreInformation, _ = a.Custom["more_information"].(string)
		switch r := a.Custom["remediation"].(type) {
		case string:
			st.Remediation = []string{r}
		case []any:
			for _, x := range r {
				if t, ok := x.(string); ok {
					st.Remediation = append(st.Remediation, t)
				}
			}
		}
		st.Manual, _ = a.Custom["manual"].(bool)
		st.Location = loc
		if fixes != nil {
			e.stepFixes[id] = fixes
			st.Fixes = fixText(fixes)
		}
		if prev, dup := e.stepByID[id]; dup {
			return fmt.Errorf("policy error: step %s is annotated twice (%s and %s)", id, prev.Location, st.Location)
		}
		e.stepByID[id] = st
		e.steps = append(e.steps, st)
	}
	sort.Slice(e.steps, func(i, j int) bool { return stepLess(e.steps[i].ID, e.steps[j].ID) })
	return e.checkStepLiterals()
}

// checkStepLiterals makes sure that a result object written in a module
// ({"step": "SUP-08", ...}) names a step that the same module annotates:
// the step id is the one piece of a step's METADATA a rule repeats, so a
// copy-paste slip is a compile error, not a result filed under the wrong
// step.
func (e *Engine) checkStepLiterals() error {
	annotated := map[string]map[string]bool{}
	for _, st := range e.steps {
		file, _, _ := strings.Cut(st.Location, ":")
		if annotated[file] == nil {
			annotated[file] = map[string]bool{}
		}
		annotated[file][st.ID] = true
	}
	names := make([]string, 0, len(e.compiler.Modules))
	for name := range e.compiler.Modules {
		names = append(names, name)
	}
	sort.Strings(names)
	stepKey := ast.StringTerm("step")
	for _, name := range names {
		m := e.compiler.Modules[name]
		var bad error
		ast.WalkTerms(m, func(t *ast.Term) bool {
			obj, ok := t.Value.(ast.Object)
			if !ok || bad != nil {
				return bad != nil
			}
			v := obj.Get(stepKey)
			if v == nil {
				return false
			}
			id, ok := v.Value.(ast.String)
			if !ok {
				return false
			}
			file := name
			if t.Location != nil {
				file = t.Location.File
			}
			if !annotated[file][string(id)] {
				row := 0
				if t.Location != nil {
					row = t.Location.Row
				}
				bad = fmt.Errorf("policy error: %s:%d: a result for step %s, which this module does not annotate (METADATA custom.id)", file, row, string(id))
			}
			return false
		})
		if bad != nil {
			return bad
		}
	}
	return nil
}

// stepLess orders step ids in checklist order (results.CompareSteps, the
// one definition the reports share).
func stepLess(a, b string) bool { return results.CompareSteps(a, b) < 0 }

// Steps returns every annotated checklist step, in checklist order.
func (e *Engine) Steps() []Step { return append([]Step(nil), e.steps...) }

// Step returns the step with the given id.
func (e *Engine) Step(id string) (Step, bool) {
	s, ok := e.stepByID[id]
	return s, ok
}

// Evaluate judges one snapshot. answers, if any, are added to the
// snapshot's own answers (an attestation for the same step from the
// answers file wins when it is later). Every known step yields at least one
// result: a step whose rules produced none gets an unknown result saying
// so, never a silent pass.
func (e *Engine) Evaluate(ctx context.Context, doc *facts.Document, answers []facts.Answer) ([]results.Result, error) {
	// OPA notices a cancelled context asynchronously, so a quick
	// evaluation could finish after Ctrl-C: a run already cancelled is
	// not judged.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: evaluate policies: %w", doc.File, err)
	}
	input, err := inputValue(doc, answers)
	if err != nil {
		return nil, err
	}
	evalCtx := ctx
	if e.timeout > 0 {
		var cancel context.CancelFunc
		evalCtx, cancel = context.WithTimeout(ctx, e.timeout)
		defer cancel()
	}
	rs, err := e.eval(evalCtx, input)
	if err != nil {
		if e.timeout > 0 && ctx.Err() == nil && errors.Is(evalCtx.Err(), context.DeadlineExceeded) {
			return nil, &TimeoutError{File: doc.File, Limit: e.timeout}
		}
		return nil, fmt.Errorf("%s: evaluate policies: %w", doc.File, err)
	}
	var out []results.Result
	if len(rs) == 1 && len(rs[0].Expressions) == 1 {
		t, _ := rs[0].Expressions[0].Value.(*ast.Term)
		var set *ast.Array
		if t != nil {
			set, _ = t.Value.(*ast.Array)
		}
		if set == nil {
			return nil, fmt.Errorf("%s: %s is not a set of results", doc.File, Query)
		}
		out = make([]results.Result, 0, set.Len())
		for i := range set.Len() {
			r, err := e.decodeResult(set.Elem(i).Value)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", doc.File, err)
			}
			r.Snapshot = doc.Snapshot.ID
			r.File = doc.File
			out = append(out, r)
		}
	}
	seen := map[string]bool{}
	for _, r := range out {
		seen[r.Step] = true
	}
	for _, st := range e.steps {
		if !seen[st.ID] {
			out = append(out, results.Result{
				Snapshot: doc.Snapshot.ID, File: doc.File, Step: st.ID, Title: st.Title,
				Status: results.Unknown, Severity: st.Severity, Subject: siteSubject(doc.Snapshot),
				Message:         "no rule produced a result for this step; the policy does not cover this snapshot",
				Evidence:        []results.Evidence{},
				Remediation:     []string{fmt.Sprintf("Review the rules of %s (%s).", st.ID, st.Location)},
				MoreInformation: st.MoreInformation,
			})
		}
	}
	Sort(out)
	return out, nil
}

func siteSubject(s *facts.Snapshot) string {
	if code, ok := s.Site.Code.Get(); ok {
		return "site " + code
	}
	return "site of snapshot " + s.ID
}

func inputValue(doc *facts.Document, answers []facts.Answer) (ast.Value, error) {
	raw := doc.Raw
	if len(answers) > 0 {
		cp := make(map[string]any, len(raw)+1)
		for k, v := range raw {
			cp[k] = v
		}
		var list []any
		if existing, ok := raw["answers"].([]any); ok {
			list = append(list, existing...)
		}
		for _, a := range answers {
			m := map[string]any{"step": a.Step, "by": a.By, "at": a.At.UTC().Format("2006-01-02T15:04:05Z07:00")}
			if a.Note != "" {
				m["note"] = a.Note
			}
			list = append(list, m)
		}
		cp["answers"] = list
		raw = cp
	}
	v, err := ast.InterfaceToValue(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: convert snapshot for evaluation: %w", doc.File, err)
	}
	return v, nil
}

// eval runs the prepared query on one snapshot's input.
func (e *Engine) eval(ctx context.Context, input ast.Value) (rego.ResultSet, error) {
	c := getFlatCache()
	defer c.release()
	return e.pq.Eval(ctx, rego.EvalParsedInput(input), rego.EvalVirtualCache(c))
}

// rawTerm is the prepared query's result converter: it keeps OPA's term
// as it is, and Evaluate converts it once, straight into results (see
// fastResult), instead of OPA converting it into maps and slices first.
func rawTerm(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }

func (e *Engine) decodeResult(v ast.Value) (results.Result, error) {
	r, fix, ok := fastResult(v)
	if !ok {
		var err error
		if r, fix, err = strictResult(v); err != nil {
			return r, err
		}
	}
	if !r.Status.Valid() {
		return r, fmt.Errorf("step %s: a policy produced status %q; want one of pass, fail, warn, manual, not_applicable, unknown", r.Step, r.Status)
	}
	if r.Step == "" || r.Subject == "" || r.Message == "" {
		generic, _ := ast.JSON(v)
		b, _ := json.Marshal(generic)
		return r, fmt.Errorf("a policy produced a result without step, subject or message: %s", truncate(string(b), 300))
	}
	st, ok := e.stepByID[r.Step]
	if !ok {
		return r, fmt.Errorf("a policy produced a result for step %q, which has no METADATA annotation with custom.id", r.Step)
	}
	// The step's static text comes from its METADATA, read once when the
	// policies were compiled; a result may still carry its own.
	if r.Title == "" {
		r.Title = st.Title
	}
	if r.Severity == "" {
		r.Severity = st.Severity
	}
	if r.MoreInformation == "" {
		r.MoreInformation = st.MoreInformation
	}
	if len(fix.names) > 0 {
		lines, err := e.remediation(st, fix, r.Subject)
		if err != nil {
			return r, err
		}
		r.Remediation = append(lines, r.Remediation...)
	} else if fix.names == nil && fix.args != nil {
		return r, fmt.Errorf("step %s: a policy produced a result with fix_args but no fix", r.Step)
	}
	if r.Evidence == nil {
		r.Evidence = []results.Evidence{}
	}
	if r.Remediation == nil {
		r.Remediation = []string{}
	}
	return r, nil
}

// strictResult decodes a result with the strict JSON decoder, which names
// what is wrong with a result that fastResult refused.
func strictResult(v ast.Value) (results.Result, fixSpec, error) {
	var r results.Result
	generic, err := ast.JSON(v)
	if err != nil {
		return r, fixSpec{}, fmt.Errorf("a policy produced a result that is not JSON: %w", err)
	}
	b, err := json.Marshal(generic)
	if err != nil {
		return r, fixSpec{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var full struct {
		results.Result
		Fix     json.RawMessage `json:"fix"`
		FixArgs map[string]any  `json:"fix_args"`
	}
	if err := dec.Decode(&full); err != nil {
		return r, fixSpec{}, fmt.Errorf("a policy produced a malformed result (%s): %s", err, truncate(string(b), 300))
	}
	fix, err := strictFix(full.Fix, full.FixArgs)
	if err != nil {
		return full.Result, fix, fmt.Errorf("step %s: a policy produced a malformed result (%s): %s", full.Result.Step, err, truncate(string(b), 300))
	}
	return full.Result, fix, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// statusOrder is the report order of the statuses, worst first.
var statusOrder = func() map[results.Status]int {
	m := map[results.Status]int{}
	for i, s := range results.Statuses {
		m[s] = i
	}
	return m
}()

// Sort orders results by snapshot, checklist step, subject, status (worst
// first: the order of results.Statuses) and message, so that every report
// is deterministic.
func Sort(rs []results.Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Snapshot != b.Snapshot {
			return a.Snapshot < b.Snapshot
		}
		if a.Step != b.Step {
			return stepLess(a.Step, b.Step)
		}
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		if statusOrder[a.Status] != statusOrder[b.Status] {
			return statusOrder[a.Status] < statusOrder[b.Status]
		}
		return a.Message < b.Message
	})
}

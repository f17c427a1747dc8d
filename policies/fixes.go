package policies

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// A step's remediation text lives in its METADATA, not in the rules that
// judge it. custom.remediation is what to do whatever the finding (SARIF's
// rule help, docs/checklist.md); custom.fixes names the remediation of each
// finding:
//
//	# custom:
//	#   id: SUP-04
//	#   fixes:
//	#     dns:
//	#       - "Register {server} in DNS (an A record for the intranet FQDN)."
//	#       - "Use the FQDN in the site system properties."
//
// A result names the fixes that apply ("fix": "dns", or a list of names)
// and the values of their placeholders ("fix_args": {"server": s.fqdn});
// {subject} and {step} are the result's subject and step. The engine reads the fixes once,
// when it compiles the policies, and expands them for each result, so the
// rules evaluate no remediation text. A fix that several steps share (the
// Internet-based SUP gate of SUP-09..SUP-12) is defined in the custom.fixes
// of an annotation without an id (the package annotation of
// data.supaudit.lib). A result may still carry "remediation" lines of its
// own; they follow the fixes' lines.

// fixTemplate is one line of a fix: literal text and placeholders in turn.
type fixTemplate struct {
	src   string
	parts []fixPart
}

type fixPart struct {
	text string // literal text, or the placeholder's name when arg
	arg  bool
}

// parseFix splits a fix line into text and {name} placeholders. A name is
// lower-case letters, digits and underscores; a brace that does not open
// such a placeholder is an error, so that a typo is found when the
// policies compile, not in a report.
func parseFix(line string) (fixTemplate, error) {
	t := fixTemplate{src: line}
	for line != "" {
		i := strings.IndexAny(line, "{}")
		if i < 0 {
			t.parts = append(t.parts, fixPart{text: line})
			break
		}
		if line[i] == '}' {
			return t, fmt.Errorf("a } without {")
		}
		j := strings.IndexByte(line[i:], '}')
		if j < 0 {
			return t, fmt.Errorf("a { without }")
		}
		name := line[i+1 : i+j]
		if !validArgName(name) {
			return t, fmt.Errorf("placeholder {%s}: want a name of lower-case letters, digits and _", name)
		}
		if i > 0 {
			t.parts = append(t.parts, fixPart{text: line[:i]})
		}
		t.parts = append(t.parts, fixPart{text: name, arg: true})
		line = line[i+j+1:]
	}
	return t, nil
}

func validArgName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// expand fills the placeholders from args; {subject} and {step}, unless
// args name them, are the result's subject and step.
func (t fixTemplate) expand(args map[string]string, step, subject string) (string, error) {
	if len(t.parts) == 1 && !t.parts[0].arg {
		return t.parts[0].text, nil
	}
	var b strings.Builder
	for _, p := range t.parts {
		if !p.arg {
			b.WriteString(p.text)
			continue
		}
		v, ok := args[p.text]
		if !ok && p.text == "subject" {
			v, ok = subject, true
		}
		if !ok && p.text == "step" {
			v, ok = step, true
		}
		if !ok {
			return "", fmt.Errorf("no value for {%s} (the result's fix_args)", p.text)
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// parseFixes reads a custom.fixes value: an object of fix names, each a
// list of lines (or one line).
func parseFixes(v any) (map[string][]fixTemplate, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("custom.fixes: want an object of fix names, each a list of lines")
	}
	out := make(map[string][]fixTemplate, len(m))
	for _, name := range sortedKeys(m) {
		var lines []string
		switch x := m[name].(type) {
		case string:
			lines = []string{x}
		case []any:
			for _, l := range x {
				s, ok := l.(string)
				if !ok {
					return nil, fmt.Errorf("custom.fixes.%s: want a list of lines (strings)", name)
				}
				lines = append(lines, s)
			}
		default:
			return nil, fmt.Errorf("custom.fixes.%s: want a list of lines (strings)", name)
		}
		if len(lines) == 0 {
			return nil, fmt.Errorf("custom.fixes.%s: no lines", name)
		}
		for i, l := range lines {
			t, err := parseFix(l)
			if err != nil {
				return nil, fmt.Errorf("custom.fixes.%s[%d]: %w", name, i, err)
			}
			out[name] = append(out[name], t)
		}
	}
	return out, nil
}

// fixSpec is what a result says of its remediation: the fixes' names and
// their placeholders' values.
type fixSpec struct {
	names []string
	args  map[string]string
}

// fixNames reads a result's "fix": one name or a list of names.
func fixNames(v ast.Value) ([]string, bool) {
	switch x := v.(type) {
	case ast.String:
		return []string{string(x)}, true
	case *ast.Array:
		return stringList(x)
	}
	return nil, false
}

// fixArgs reads a result's "fix_args": an object of strings and numbers.
func fixArgs(v ast.Value) (map[string]string, bool) {
	obj, ok := v.(ast.Object)
	if !ok {
		return nil, false
	}
	out := make(map[string]string, obj.Len())
	err := obj.Iter(func(k, val *ast.Term) error {
		key, ok := k.Value.(ast.String)
		if !ok {
			return errShape
		}
		switch x := val.Value.(type) {
		case ast.String:
			out[string(key)] = string(x)
		case ast.Number:
			out[string(key)] = x.String()
		default:
			return errShape
		}
		return nil
	})
	return out, err == nil
}

// remediation expands the fixes a result names, for step st.
func (e *Engine) remediation(st Step, f fixSpec, subject string) ([]string, error) {
	var out []string
	for _, name := range f.names {
		lines, ok := e.stepFixes[st.ID][name]
		if !ok {
			lines, ok = e.sharedFixes[name]
		}
		if !ok {
			return nil, fmt.Errorf("step %s: a policy named the fix %q, which neither the step's METADATA (custom.fixes, %s) nor a shared custom.fixes defines", st.ID, name, st.Location)
		}
		for _, t := range lines {
			s, err := t.expand(f.args, st.ID, subject)
			if err != nil {
				return nil, fmt.Errorf("step %s: fix %q: %w", st.ID, name, err)
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// strictFix reads "fix" and "fix_args" as the strict JSON decoder saw them.
func strictFix(raw json.RawMessage, args map[string]any) (fixSpec, error) {
	var f fixSpec
	if len(raw) > 0 {
		var one string
		if err := json.Unmarshal(raw, &one); err == nil {
			f.names = []string{one}
		} else if err := json.Unmarshal(raw, &f.names); err != nil {
			return f, fmt.Errorf("fix: want a fix name or a list of fix names")
		}
	}
	if args != nil {
		f.args = make(map[string]string, len(args))
		for k, v := range args {
			switch x := v.(type) {
			case string:
				f.args[k] = x
			case float64:
				f.args[k] = strconv.FormatFloat(x, 'f', -1, 64)
			default:
				return f, fmt.Errorf("fix_args.%s: want a string or a number", k)
			}
		}
	}
	return f, nil
}

// fixText is a step's parsed fixes as the lines of its METADATA, for
// Step.Fixes.
func fixText(fixes map[string][]fixTemplate) map[string][]string {
	out := make(map[string][]string, len(fixes))
	for name, lines := range fixes {
		for _, t := range lines {
			out[name] = append(out[name], t.src)
		}
	}
	return out
}

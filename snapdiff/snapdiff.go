// Package snapdiff compares two facts snapshots fact by fact: which facts
// were added, removed or changed, each with its provenance (collector,
// host, source, line) on both sides.
package snapdiff

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Change kinds.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Fact is one flattened fact: its value as JSON and where it came from.
type Fact struct {
	Value      string         `json:"value"`
	Provenance map[string]any `json:"provenance,omitempty"`
}

// Change is one fact that differs between two snapshots.
type Change struct {
	Kind string `json:"kind"`
	// Path names the fact, e.g. servers[SUP01.contoso.com].wsus.version.
	Path   string `json:"path"`
	Before *Fact  `json:"before,omitempty"`
	After  *Fact  `json:"after,omitempty"`
}

// maxDepth bounds the walk (a snapshot is a few levels deep).
const maxDepth = 32

// skipTop are top-level keys that describe the snapshot, not the site.
var skipTop = map[string]bool{"schema": true, "id": true, "collected_at": true}

// Flatten turns a decoded snapshot (objects as map[string]any) into facts
// keyed by path. An object with "value" and "provenance" is one fact;
// array elements are named by their fqdn, name, host, port or id when they
// have one, else by index; other scalars are facts without provenance.
func Flatten(doc map[string]any) map[string]Fact {
	out := map[string]Fact{}
	for k, v := range doc {
		if skipTop[k] {
			continue
		}
		walk(out, k, v, 0)
	}
	return out
}

func walk(out map[string]Fact, path string, v any, depth int) {
	if depth > maxDepth {
		out[path] = Fact{Value: "(too deep)"}
		return
	}
	switch x := v.(type) {
	case map[string]any:
		if val, ok := x["value"]; ok {
			if prov, ok := x["provenance"].(map[string]any); ok {
				out[path] = Fact{Value: encode(val), Provenance: prov}
				for k, rest := range x {
					if k != "value" && k != "provenance" {
						walk(out, path+"."+k, rest, depth+1)
					}
				}
				return
			}
		}
		for k, rest := range x {
			walk(out, path+"."+k, rest, depth+1)
		}
	case []any:
		seen := map[string]int{}
		for i, el := range x {
			name := elementName(el)
			if name == "" {
				name = fmt.Sprint(i)
			}
			if n := seen[name]; n > 0 {
				name = fmt.Sprintf("%s#%d", name, n+1)
			}
			seen[name]++
			walk(out, path+"["+name+"]", el, depth+1)
		}
	default:
		out[path] = Fact{Value: encode(x)}
	}
}

// elementName is the identifying field of an array element, if any.
func elementName(el any) string {
	m, ok := el.(map[string]any)
	if !ok {
		return ""
	}
	for _, k := range []string{"fqdn", "name", "host", "port", "id", "step"} {
		switch v := m[k].(type) {
		case string:
			return v
		case json.Number:
			return v.String()
		case float64:
			return fmt.Sprint(v)
		case map[string]any:
			if inner, ok := v["value"]; ok {
				return strings.Trim(encode(inner), `"`)
			}
		}
	}
	return ""
}

func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Diff compares two decoded snapshots and returns the changed facts sorted
// by path. A fact whose value is the same but whose provenance differs is
// not a change.
func Diff(before, after map[string]any) []Change {
	a, b := Flatten(before), Flatten(after)
	var out []Change
	for p, fa := range a {
		fb, ok := b[p]
		switch {
		case !ok:
			fa := fa
			out = append(out, Change{Kind: Removed, Path: p, Before: &fa})
		case fa.Value != fb.Value:
			fa, fb := fa, fb
			out = append(out, Change{Kind: Changed, Path: p, Before: &fa, After: &fb})
		}
	}
	for p, fb := range b {
		if _, ok := a[p]; !ok {
			fb := fb
			out = append(out, Change{Kind: Added, Path: p, After: &fb})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// ProvenanceString renders a provenance as "collector host source:line".
func ProvenanceString(p map[string]any) string {
	if p == nil {
		return ""
	}
	var parts []string
	for _, k := range []string{"collector", "host"} {
		if s, ok := p[k].(string); ok && s != "" {
			parts = append(parts, s)
		}
	}
	if s, ok := p["source"].(string); ok && s != "" {
		if l, ok := p["line"]; ok {
			s += ":" + strings.Trim(encode(l), `"`)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

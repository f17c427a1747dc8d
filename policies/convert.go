package policies

import (
	"encoding/json"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/results"
)

// fastResult converts one result object, as the prepared query returns it,
// straight into a results.Result. It handles exactly the shape the result
// contract allows; anything else (an unknown member, a wrong type) returns
// false, and the caller falls back to the strict JSON decoder, which
// reports the problem precisely. Doing without the JSON round trip saves
// about a tenth of a check run's time.
func fastResult(v any) (results.Result, bool) {
	var r results.Result
	m, ok := v.(map[string]any)
	if !ok {
		return r, false
	}
	for k, val := range m {
		switch k {
		case "step":
			r.Step, ok = val.(string)
		case "title":
			r.Title, ok = val.(string)
		case "status":
			var s string
			s, ok = val.(string)
			r.Status = results.Status(s)
		case "severity":
			r.Severity, ok = val.(string)
		case "subject":
			r.Subject, ok = val.(string)
		case "message":
			r.Message, ok = val.(string)
		case "more_information":
			r.MoreInformation, ok = val.(string)
		case "remediation":
			r.Remediation, ok = stringList(val)
		case "evidence":
			r.Evidence, ok = evidenceList(val)
		case "snapshot", "file":
			_, ok = val.(string)
		default:
			return r, false
		}
		if !ok {
			return r, false
		}
	}
	return r, true
}

func stringList(v any) ([]string, bool) {
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(l))
	for i, x := range l {
		if out[i], ok = x.(string); !ok {
			return nil, false
		}
	}
	return out, true
}

func evidenceList(v any) ([]results.Evidence, bool) {
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]results.Evidence, len(l))
	for i, x := range l {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, false
		}
		e := &out[i]
		for k, val := range m {
			switch k {
			case "fact":
				e.Fact, ok = val.(string)
			case "value":
				e.Value = val
			case "unknown":
				e.Unknown, ok = val.(string)
			case "provenance":
				var p facts.Provenance
				p, ok = provenance(val)
				e.Provenance = &p
			case "conflicts":
				e.Conflicts, ok = conflicts(val)
			default:
				return nil, false
			}
			if !ok {
				return nil, false
			}
		}
	}
	return out, true
}

func conflicts(v any) ([]results.ConflictEvidence, bool) {
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]results.ConflictEvidence, len(l))
	for i, x := range l {
		m, ok := x.(map[string]any)
		if !ok || len(m) > 2 {
			return nil, false
		}
		out[i].Value = m["value"]
		if out[i].Provenance, ok = provenance(m["provenance"]); !ok {
			return nil, false
		}
	}
	return out, true
}

func provenance(v any) (facts.Provenance, bool) {
	var p facts.Provenance
	m, ok := v.(map[string]any)
	if !ok {
		return p, false
	}
	for k, val := range m {
		switch k {
		case "collector":
			p.Collector, ok = val.(string)
		case "host":
			p.Host, ok = val.(string)
		case "source":
			p.Source, ok = val.(string)
		case "line":
			var n json.Number
			n, ok = val.(json.Number)
			if ok {
				var i int64
				i, err := n.Int64()
				ok = err == nil
				p.Line = int(i)
			}
		default:
			return p, false
		}
		if !ok {
			return p, false
		}
	}
	return p, true
}

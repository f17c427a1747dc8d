package policies

import (
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/results"
)

// The prepared query hands back its result as OPA's own term (see
// rawTerm in engine.go) rather than as maps and slices, and fastResult
// converts each result object from that term straight into a
// results.Result: one conversion instead of two (term -> map -> Result).
// It handles exactly the shape the result contract allows; anything else
// (an unknown member, a wrong type) returns false, and the caller falls
// back to the strict JSON decoder, which reports the problem precisely.

var (
	keyStep, keyTitle, keyStatus, keySeverity  = ast.String("step"), ast.String("title"), ast.String("status"), ast.String("severity")
	keySubject, keyMessage, keyMoreInformation = ast.String("subject"), ast.String("message"), ast.String("more_information")
	keyRemediation, keyEvidence, keySnapshot   = ast.String("remediation"), ast.String("evidence"), ast.String("snapshot")
	keyFile, keyFact, keyValue, keyUnknown     = ast.String("file"), ast.String("fact"), ast.String("value"), ast.String("unknown")
	keyProvenance, keyConflicts, keyCollector  = ast.String("provenance"), ast.String("conflicts"), ast.String("collector")
	keyHost, keySource, keyLine                = ast.String("host"), ast.String("source"), ast.String("line")
	keyFix, keyFixArgs                         = ast.String("fix"), ast.String("fix_args")
)

func str(t *ast.Term) (string, bool) {
	s, ok := t.Value.(ast.String)
	return string(s), ok
}

func fastResult(v ast.Value) (results.Result, fixSpec, bool) {
	var r results.Result
	var f fixSpec
	obj, ok := v.(ast.Object)
	if !ok {
		return r, f, false
	}
	err := obj.Iter(func(k, val *ast.Term) error {
		key, ok := k.Value.(ast.String)
		if !ok {
			return errShape
		}
		switch key {
		case keyStep:
			r.Step, ok = str(val)
		case keyTitle:
			r.Title, ok = str(val)
		case keyStatus:
			var s string
			s, ok = str(val)
			r.Status = results.Status(s)
		case keySeverity:
			r.Severity, ok = str(val)
		case keySubject:
			r.Subject, ok = str(val)
		case keyMessage:
			r.Message, ok = str(val)
		case keyMoreInformation:
			r.MoreInformation, ok = str(val)
		case keyRemediation:
			r.Remediation, ok = stringList(val.Value)
		case keyEvidence:
			r.Evidence, ok = evidenceList(val.Value)
		case keyFix:
			f.names, ok = fixNames(val.Value)
		case keyFixArgs:
			f.args, ok = fixArgs(val.Value)
		case keySnapshot, keyFile:
			_, ok = str(val)
		default:
			ok = false
		}
		if !ok {
			return errShape
		}
		return nil
	})
	return r, f, err == nil
}

type shapeError struct{}

func (shapeError) Error() string { return "not a result of the contract's shape" }

var errShape error = shapeError{}

func stringList(v ast.Value) ([]string, bool) {
	l, ok := v.(*ast.Array)
	if !ok {
		return nil, false
	}
	out := make([]string, l.Len())
	for i := range out {
		if out[i], ok = str(l.Elem(i)); !ok {
			return nil, false
		}
	}
	return out, true
}

func evidenceList(v ast.Value) ([]results.Evidence, bool) {
	l, ok := v.(*ast.Array)
	if !ok {
		return nil, false
	}
	out := make([]results.Evidence, l.Len())
	for i := range out {
		obj, ok := l.Elem(i).Value.(ast.Object)
		if !ok {
			return nil, false
		}
		e := &out[i]
		err := obj.Iter(func(k, val *ast.Term) error {
			key, ok := k.Value.(ast.String)
			if !ok {
				return errShape
			}
			switch key {
			case keyFact:
				e.Fact, ok = str(val)
			case keyValue:
				var err error
				if e.Value, err = ast.JSON(val.Value); err != nil {
					return errShape
				}
			case keyUnknown:
				e.Unknown, ok = str(val)
			case keyProvenance:
				var p facts.Provenance
				p, ok = provenance(val.Value)
				e.Provenance = &p
			case keyConflicts:
				e.Conflicts, ok = conflicts(val.Value)
			default:
				ok = false
			}
			if !ok {
				return errShape
			}
			return nil
		})
		if err != nil {
			return nil, false
		}
	}
	return out, true
}

func conflicts(v ast.Value) ([]results.ConflictEvidence, bool) {
	l, ok := v.(*ast.Array)
	if !ok {
		return nil, false
	}
	out := make([]results.ConflictEvidence, l.Len())
	for i := range out {
		obj, ok := l.Elem(i).Value.(ast.Object)
		if !ok || obj.Len() > 2 {
			return nil, false
		}
		if val := obj.Get(ast.InternedTerm("value")); val != nil {
			var err error
			if out[i].Value, err = ast.JSON(val.Value); err != nil {
				return nil, false
			}
		}
		p := obj.Get(ast.InternedTerm("provenance"))
		if p == nil {
			return nil, false
		}
		if out[i].Provenance, ok = provenance(p.Value); !ok {
			return nil, false
		}
	}
	return out, true
}

func provenance(v ast.Value) (facts.Provenance, bool) {
	var p facts.Provenance
	obj, ok := v.(ast.Object)
	if !ok {
		return p, false
	}
	err := obj.Iter(func(k, val *ast.Term) error {
		key, ok := k.Value.(ast.String)
		if !ok {
			return errShape
		}
		switch key {
		case keyCollector:
			p.Collector, ok = str(val)
		case keyHost:
			p.Host, ok = str(val)
		case keySource:
			p.Source, ok = str(val)
		case keyLine:
			var n ast.Number
			n, ok = val.Value.(ast.Number)
			if ok {
				var i int64
				i, ok = n.Int64()
				p.Line = int(i)
			}
		default:
			ok = false
		}
		if !ok {
			return errShape
		}
		return nil
	})
	return p, err == nil
}

package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/policies"
	"github.com/supaudit/supaudit/report"
)

// Policy is what shapes judging, as check, scan, verify, checklist and
// diff are asked for it.
type Policy struct {
	// DataFile is a YAML or JSON file overriding policy parameters
	// (--data); "" for none.
	DataFile string
	// PolicyDirs are directories of additional Rego v1 policies (--policy).
	PolicyDirs []string
	// AsOf, when set, is the RFC 3339 time time-dependent facts are judged
	// as of (--as-of), instead of each snapshot's collected_at.
	AsOf string
	// EvalTimeout limits the judging of one snapshot (--eval-timeout); 0
	// means no limit.
	EvalTimeout time.Duration
	// AllowNetwork lets the PolicyDirs modules call the built-ins that
	// reach outside the evaluation (--allow-network).
	AllowNetwork bool
}

// Engine checks the options, loads the parameters file and compiles the
// policies.
func (p Policy) Engine(ctx context.Context) (*policies.Engine, error) {
	if p.EvalTimeout < 0 {
		return nil, fmt.Errorf("--eval-timeout %s: want a positive duration such as 10s, or 0 for no limit", p.EvalTimeout)
	}
	opts := policies.Options{PolicyDirs: p.PolicyDirs, EvalTimeout: p.EvalTimeout, AllowNetwork: p.AllowNetwork}
	if p.DataFile != "" {
		m, err := policies.LoadParamsFile(p.DataFile)
		if err != nil {
			return nil, err
		}
		opts.Params = m
	}
	if p.AsOf != "" {
		if _, err := time.Parse(time.RFC3339, p.AsOf); err != nil {
			return nil, fmt.Errorf("--as-of %q: want an RFC 3339 time such as 2026-11-25T12:00:00Z", p.AsOf)
		}
		if opts.Params == nil {
			opts.Params = map[string]any{}
		}
		opts.Params["as_of"] = p.AsOf
	}
	return policies.New(ctx, opts)
}

// LoadAnswers loads the attestations of an answers file (--answers) and
// rejects those of steps the engine does not judge as manual: facts decide
// those, not a signature.
func LoadAnswers(engine *policies.Engine, file string) ([]facts.Answer, error) {
	answers, err := facts.LoadAnswers(file)
	if err != nil {
		return nil, err
	}
	if err := CheckAnswers(engine, answers, file); err != nil {
		return nil, err
	}
	return answers, nil
}

// CheckAnswers rejects attestations of steps that are not manual, naming
// the file and the answer.
func CheckAnswers(engine *policies.Engine, answers []facts.Answer, file string) error {
	for i, a := range answers {
		st, ok := engine.Step(a.Step)
		if !ok {
			return fmt.Errorf("answers %s: answers[%d].step: unknown step %q", file, i, a.Step)
		}
		if !st.Manual {
			return fmt.Errorf("answers %s: answers[%d].step: %s (%s) is judged from facts and cannot be attested", file, i, a.Step, st.Title)
		}
	}
	return nil
}

// Checklist is the engine's steps as reports describe them.
func Checklist(engine *policies.Engine) []report.Step {
	var steps []report.Step
	for _, s := range engine.Steps() {
		steps = append(steps, report.Step{ID: s.ID, Title: s.Title, Description: s.Description,
			Severity: s.Severity, Manual: s.Manual, MoreInformation: s.MoreInformation, Remediation: s.Remediation})
	}
	return steps
}

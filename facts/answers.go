package facts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/supaudit/supaudit/internal/capread"
)

// AnswersFile is the --answers file: attestations of manual checklist
// steps, in YAML or JSON (docs/answers.md).
type AnswersFile struct {
	Answers []Answer `json:"answers"`
}

// maxAnswersSize caps an answers file (1 MiB).
const maxAnswersSize = 1 << 20

// LoadAnswers reads and validates an answers file. Every answer needs a
// step, who attests it (by) and when (at, RFC 3339 or YYYY-MM-DD).
func LoadAnswers(path string) ([]Answer, error) {
	data, err := capread.File(path, maxAnswersSize)
	if err != nil {
		return nil, fmt.Errorf("answers %s: %w", path, err)
	}
	return ParseAnswers(path, data)
}

type rawAnswer struct {
	Step string `json:"step"`
	By   string `json:"by"`
	At   string `json:"at"`
	Note string `json:"note"`
}

// ParseAnswers parses answers file content; name is used in errors.
func ParseAnswers(name string, data []byte) ([]Answer, error) {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("answers %s: %w", name, err)
	}
	var raw struct {
		Answers []rawAnswer `json:"answers"`
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("answers %s: %v (expected a top-level \"answers\" list of {step, by, at, note})", name, err)
	}
	out := make([]Answer, 0, len(raw.Answers))
	for i, a := range raw.Answers {
		where := fmt.Sprintf("answers %s: answers[%d]", name, i)
		if strings.TrimSpace(a.Step) == "" {
			return nil, fmt.Errorf("%s.step: missing", where)
		}
		if strings.TrimSpace(a.By) == "" {
			return nil, fmt.Errorf("%s.by: missing (who attests step %s)", where, a.Step)
		}
		at, err := parseWhen(a.At)
		if err != nil {
			return nil, fmt.Errorf("%s.at: %v", where, err)
		}
		out = append(out, Answer{Step: a.Step, By: a.By, At: at, Note: a.Note})
	}
	return out, nil
}

func parseWhen(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("missing (when the step was attested, e.g. 2026-11-20 or 2026-11-20T09:30:00Z)")
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (want 2026-11-20 or 2026-11-20T09:30:00Z)", s)
}

package policies

import (
	"bytes"
	"encoding/json"
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/supaudit/supaudit/internal/capread"
)

// maxParamsSize caps a --data file (1 MiB).
const maxParamsSize = 1 << 20

// LoadParamsFile reads a --data file (YAML or JSON) of parameter overrides.
// Its top level holds the keys of data.supaudit.params, for example
//
//	sync:
//	  max_age_days: 14
func LoadParamsFile(path string) (map[string]any, error) {
	data, err := capread.File(path, maxParamsSize)
	if err != nil {
		return nil, fmt.Errorf("--data %s: %w", path, err)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("--data %s: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("--data %s: expected a mapping of parameters: %v", path, err)
	}
	if m == nil {
		return nil, fmt.Errorf("--data %s: empty; expected a mapping of parameters (see docs/policies.md)", path)
	}
	defaults, err := DefaultParams()
	if err != nil {
		return nil, err
	}
	if err := MergeParams(defaults, m, "params"); err != nil {
		return nil, fmt.Errorf("--data %s: %w", path, err)
	}
	return m, nil
}

package report

import (
	"strings"
	"testing"
)

// TestWriteDiff: the table escapes control characters from the inputs,
// JSON keeps the kind, and another format is refused.
func TestWriteDiff(t *testing.T) {
	d := &Diff{Kind: "reports", Before: "a\x1b[2J.json", After: "b.json", Verdicts: []VerdictChange{}}
	var table, js strings.Builder
	if err := WriteDiff(&table, "table", d); err != nil || strings.Contains(table.String(), "\x1b") || !strings.Contains(table.String(), `a\x1b[2J.json`) {
		t.Errorf("table %q, %v", table.String(), err)
	}
	if err := WriteDiff(&js, "json", d); err != nil || !strings.Contains(js.String(), `"kind": "reports"`) {
		t.Errorf("json %q, %v", js.String(), err)
	}
	if err := WriteDiff(&js, "html", d); err == nil || !strings.Contains(err.Error(), `unknown format "html"`) {
		t.Errorf("html: err = %v", err)
	}
}

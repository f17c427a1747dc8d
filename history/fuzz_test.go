package history

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/supaudit/supaudit/report"
)

// FuzzReadRun: any bytes as a history file either are refused with an
// error naming the file, or read into a run the history view and the
// queries handle.
func FuzzReadRun(f *testing.F) {
	for _, name := range []string{"run1.json", "run2.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "runs", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"schema":"supaudit/report/v1","snapshots":[{"id":"x","results":[{"step":"SUP-01","status":"waived","subject":"site X","evidence":[1,{"a":[]}],"waiver":{"expires":"bad"}}]}]}`))
	f.Add([]byte(`{"schema":"supaudit/report/v1","snapshots":null}`))
	// An input over 1 MiB: a run of 120 sites.
	var big bytes.Buffer
	if err := report.Render(context.Background(), &report.JSON{W: &big}, report.BenchHistory(loadRun(f, "run2.json"), 1, 120).Latest, nil); err != nil {
		f.Fatal(err)
	}
	if big.Len() <= 1<<20 {
		f.Fatalf("seed of %d bytes, want over 1 MiB", big.Len())
	}
	f.Add(big.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "run.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := readRunFile(context.Background(), path, MaxRunFile)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, q := range []report.HistoryQuery{{}, {Site: "X"}, {Step: "SUP-01"}} {
			h := report.NewHistory([]*report.Report{r, r}, nil, q)
			if h.Latest == nil {
				continue
			}
			if _, err := report.NewHistoryView(h, report.Tool{Name: "supaudit"}, r.GeneratedAt); err != nil {
				t.Fatal(err)
			}
		}
	})
}

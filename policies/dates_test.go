package policies

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/results"
)

// TestDatesOutsideInt64Nanoseconds: times outside 1678-2262 (where
// time.parse_rfc3339_ns fails) are judged, not an evaluation error that
// leaves the snapshot without verdicts. The inputs are the sample snapshot
// with its dates rewritten at test time.
func TestDatesOutsideInt64Nanoseconds(t *testing.T) {
	raw, err := os.ReadFile("../fixtures/snapshots/native-remote-and-internet-sup.json")
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	far := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		replace [][2]string
		answers []facts.Answer
		want    map[string]results.Status
	}{
		{"certificate without expiration", [][2]string{{`"not_after": "2028-03-01T00:00:00Z"`, `"not_after": "9999-12-31T23:59:59Z"`}}, nil,
			map[string]results.Status{"SUP-10": results.Pass, "SUP-14": results.Pass}},
		{"collected in 9999", [][2]string{{`"collected_at": "2026-11-20T09:30:00Z"`, `"collected_at": "9999-11-20T09:30:00Z"`}}, nil,
			map[string]results.Status{"SUP-10": results.Fail, "SUP-14": results.Warn}},
		{"last success in 1601", [][2]string{{`"last_success": {"value": "2026-11-19T02:03:57Z"`, `"last_success": {"value": "1601-01-01T00:00:00Z"`}}, nil,
			map[string]results.Status{"SUP-14": results.Warn}},
		{"attested in 9999", nil, []facts.Answer{{Step: "SUP-01", By: "auditor", At: far}},
			map[string]results.Status{"SUP-01": results.Pass}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := raw
			for _, r := range tc.replace {
				if !bytes.Contains(data, []byte(r[0])) {
					t.Fatalf("sample snapshot has no %s", r[0])
				}
				data = bytes.ReplaceAll(data, []byte(r[0]), []byte(r[1]))
			}
			doc, err := facts.Parse("far.json", data)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := e.Evaluate(context.Background(), doc, tc.answers)
			if err != nil {
				t.Fatalf("evaluate: %v", err)
			}
			got := map[string]results.Status{}
			for _, r := range rs {
				if _, ok := tc.want[r.Step]; ok && (got[r.Step] == "" || statusOrder[r.Status] < statusOrder[got[r.Step]]) {
					got[r.Step] = r.Status
				}
			}
			for step, want := range tc.want {
				if got[step] != want {
					t.Errorf("%s: worst status %q, want %q", step, got[step], want)
				}
			}
		})
	}
}

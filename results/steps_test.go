package results

import (
	"slices"
	"testing"
)

func TestCompareSteps(t *testing.T) {
	got := []string{"SUP-10", "ORG-01", "SUP-2", "SUP-01", "custom", "ACME-3", "SUP-14", "ACME-10", "SUP-", "SUP-x"}
	slices.SortFunc(got, CompareSteps)
	want := []string{"SUP-01", "SUP-2", "SUP-10", "SUP-14", "ACME-3", "ACME-10", "ORG-01", "SUP-", "SUP-x", "custom"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"SUP-01", "SUP-01", 0}, {"SUP-01", "SUP-1", -1}, {"ORG-01", "SUP-01", 1}, {"SUP-14", "ORG-01", -1},
	} {
		if got := CompareSteps(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareSteps(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestReady(t *testing.T) {
	s := Summarize([]Result{{Status: Manual}, {Status: Warn}, {Status: Pass}})
	for _, tc := range []struct {
		failOn Status
		want   bool
	}{{Fail, true}, {Unknown, true}, {Warn, false}, {Manual, false}} {
		if got := s.Ready(tc.failOn); got != tc.want {
			t.Errorf("Ready(%s) = %v, want %v", tc.failOn, got, tc.want)
		}
	}
}

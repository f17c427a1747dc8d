package audit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/supaudit/supaudit/policies"
)

func TestDiffExpectations(t *testing.T) {
	x := func(step, status string) Expectation {
		return Expectation{Step: step, Status: status, Subject: "site A"}
	}
	tests := []struct {
		name                 string
		want, got            []Expectation
		wantMissing, wantXtr []Expectation
	}{
		{"equal in any order", []Expectation{x("SUP-01", "pass"), x("SUP-02", "fail")}, []Expectation{x("SUP-02", "fail"), x("SUP-01", "pass")}, nil, nil},
		{"a changed status", []Expectation{x("SUP-01", "pass")}, []Expectation{x("SUP-01", "fail")}, []Expectation{x("SUP-01", "pass")}, []Expectation{x("SUP-01", "fail")}},
		{"multiset: a duplicate counts", []Expectation{x("SUP-04", "pass"), x("SUP-04", "pass")}, []Expectation{x("SUP-04", "pass")}, []Expectation{x("SUP-04", "pass")}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, e := DiffExpectations(tc.want, tc.got)
			if diff := cmp.Diff(tc.wantMissing, m); diff != "" {
				t.Errorf("missing (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantXtr, e); diff != "" {
				t.Errorf("extra (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFixturesVerify: every bundled fixture matches its expected results,
// and WriteExpected round-trips through ReadExpected keeping the
// description.
func TestFixturesVerify(t *testing.T) {
	expected, snaps, err := Fixtures(snapshots)
	if err != nil {
		t.Fatal(err)
	}
	e := engine(t)
	for i := range expected {
		got, err := JudgeFixture(context.Background(), e, snaps[i])
		if err != nil {
			t.Fatal(err)
		}
		want, err := ReadExpected(expected[i])
		if err != nil {
			t.Fatal(err)
		}
		if m, x := DiffExpectations(want.Results, got); len(m)+len(x) > 0 {
			t.Errorf("%s: missing %v, extra %v", snaps[i], m, x)
		}
		if i == 0 {
			p := filepath.Join(t.TempDir(), "x"+ExpectedSuffix)
			if err := os.WriteFile(p, []byte("description: kept\nresults: []\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := WriteExpected(p, got); err != nil {
				t.Fatal(err)
			}
			back, err := ReadExpected(p)
			if err != nil || back.Description != "kept" || len(back.Results) != len(got) {
				t.Errorf("round trip: %+v, %v", back, err)
			}
		}
	}
	if _, _, err := Fixtures(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no *.expected.yaml") {
		t.Errorf("empty dir: %v", err)
	}
}

func TestDiffSnapshots(t *testing.T) {
	compile := func(ctx context.Context) (*policies.Engine, error) { return policies.New(ctx, policies.Options{}) }
	a := filepath.Join(snapshots, "native-remote-and-internet-sup.json")
	b := filepath.Join(snapshots, "stale-synchronization.json")
	d, err := Diff(context.Background(), compile, a, b, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != "snapshots" || len(d.Facts) == 0 || !d.Worse {
		t.Errorf("diff %+v", d)
	}
	if _, err := Diff(context.Background(), compile, a, filepath.Join(snapshots, "nope.json"), 0); err == nil {
		t.Error("a missing file: no error")
	}
}

// TestVerify: a fixture whose expectations are wrong is reported with what
// is missing and extra; --update rewrites them, and then it matches.
func TestVerify(t *testing.T) {
	ctx := context.Background()
	compile := func(ctx context.Context) (*policies.Engine, error) { return policies.New(ctx, policies.Options{}) }
	dir := t.TempDir()
	snap, err := os.ReadFile(filepath.Join(snapshots, "wsus-2-on-sup.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "site.json"), snap, 0o644); err != nil {
		t.Fatal(err)
	}
	exp := filepath.Join(dir, "site"+ExpectedSuffix)
	if err := os.WriteFile(exp, []byte("results:\n  - {step: SUP-99, status: pass, subject: nowhere}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	verify := func(update bool) []FixtureResult {
		t.Helper()
		var rs []FixtureResult
		if err := Verify(ctx, compile, dir, update, func(r FixtureResult) { rs = append(rs, r) }); err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].Expected != exp || rs[0].Path != filepath.Join(dir, "site.json") {
			t.Fatalf("results %+v", rs)
		}
		return rs
	}
	r := verify(false)[0]
	if r.OK() || len(r.Missing) != 1 || r.Missing[0].Step != "SUP-99" || len(r.Extra) != len(r.Got) {
		t.Errorf("mismatch %+v", r)
	}
	if r := verify(true)[0]; !r.Updated {
		t.Errorf("update %+v", r)
	}
	if r := verify(false)[0]; !r.OK() {
		t.Errorf("after update: missing %v, extra %v", r.Missing, r.Extra)
	}
	if err := Verify(ctx, compile, filepath.Join(dir, "none"), false, func(FixtureResult) {}); err == nil {
		t.Error("a missing dir: no error")
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// statusesAt runs a command that writes a JSON report to stdout with the
// clock pinned to at and returns, per step, the sorted distinct statuses.
func statusesAt(t *testing.T, at time.Time, args ...string) (int, map[string]string) {
	t.Helper()
	code, out, errOut := runCLIAt(t, at, append(args, "--format", "json")...)
	var rep struct {
		Snapshots []struct {
			Results []struct {
				Step   string `json:"step"`
				Status string `json:"status"`
			} `json:"results"`
		} `json:"snapshots"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v at %s: not a JSON report: %v\nstderr: %s", args, at.Format(time.DateOnly), err, errOut)
	}
	sets := map[string]map[string]bool{}
	for _, s := range rep.Snapshots {
		for _, r := range s.Results {
			if sets[r.Step] == nil {
				sets[r.Step] = map[string]bool{}
			}
			sets[r.Step][r.Status] = true
		}
	}
	got := map[string]string{}
	for step, set := range sets {
		var ss []string
		for s := range set {
			ss = append(ss, s)
		}
		sort.Strings(ss)
		got[step] = strings.Join(ss, ",")
	}
	return code, got
}

// TestVerdictsOnAnyDay runs the CLI commands whose verdicts depend on the
// current time with the clock pinned to three days, and expects what an
// administrator would see on each:
//
//   - scan --winrm collects the compliant sample site live, so its
//     collected_at is the clock: on 2026-11-20 the last synchronization
//     (2026-11-19) is a day old and SUP-14 passes; by 2031 it is years old
//     (warn); in 2040 the SSL certificates (valid until 2036, root until
//     2037) have expired too, so SUP-10 fails.
//   - scan --bundle and check judge evidence as of its own collection
//     time, so their verdicts are the same on every day.
//   - a waiver expiring 2026-12-31 waives SUP-06 on 2026-11-20 and has
//     expired (a warn naming it) in 2031 and 2040; one expiring 2035-06-30
//     still waives SUP-14 in 2031, not in 2040.
func TestVerdictsOnAnyDay(t *testing.T) {
	t.Setenv(envWinRMUser, winrmUser)
	t.Setenv(envWinRMPassword, winrmPassword)
	hosts := winrmHosts(t, compliantBundle)
	waiverFile := filepath.Join(t.TempDir(), "waivers.yaml")
	if err := os.WriteFile(waiverFile, []byte(`waivers:
  - {step: SUP-06, subject: SMS01.corp.litwareinc.com, reason: upgrade planned, approved_by: CAB, expires: 2026-12-31}
  - {step: SUP-14, subject: site LIT, reason: sync follows the upgrade, approved_by: CAB, expires: 2035-06-30}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	days := []time.Time{
		time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC),
		time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	type want struct {
		code  int
		steps map[string]string // step -> statuses
	}
	tests := []struct {
		name string
		args []string
		want []want // per day
	}{
		{"scan --winrm (live collection)", append([]string{"scan"}, hosts...), []want{
			{exitOK, map[string]string{"SUP-10": "pass", "SUP-14": "pass"}},
			{exitOK, map[string]string{"SUP-10": "pass", "SUP-14": "warn"}},
			{exitFindings, map[string]string{"SUP-10": "fail", "SUP-14": "warn"}},
		}},
		{"scan --bundle (collected_at from the manifests)", []string{"scan", "--bundle", compliantBundle}, []want{
			{exitOK, map[string]string{"SUP-10": "pass", "SUP-14": "pass"}},
			{exitOK, map[string]string{"SUP-10": "pass", "SUP-14": "pass"}},
			{exitOK, map[string]string{"SUP-10": "pass", "SUP-14": "pass"}},
		}},
		{"check a snapshot", []string{"check", compliant}, []want{
			{exitOK, map[string]string{"SUP-10": "pass", "SUP-14": "pass"}},
			{exitOK, map[string]string{"SUP-10": "pass", "SUP-14": "pass"}},
			{exitOK, map[string]string{"SUP-10": "pass", "SUP-14": "pass"}},
		}},
		{"check with waivers expiring 2026-12-31 and 2035-06-30", []string{"check", wsus2, "--waivers", waiverFile}, []want{
			{exitOK, map[string]string{"SUP-06": "waived", "SUP-14": "waived"}},
			{exitFindings, map[string]string{"SUP-06": "fail,warn", "SUP-14": "waived"}},
			{exitFindings, map[string]string{"SUP-06": "fail,warn", "SUP-14": "fail,warn"}},
		}},
	}
	for _, tc := range tests {
		for i, day := range days {
			t.Run(tc.name+" "+day.Format(time.DateOnly), func(t *testing.T) {
				code, got := statusesAt(t, day, tc.args...)
				w := tc.want[i]
				sub := map[string]string{}
				for step := range w.steps {
					sub[step] = got[step]
				}
				if diff := cmp.Diff(w.steps, sub); diff != "" || code != w.code {
					t.Errorf("exit %d (want %d); statuses (-want +got):\n%s", code, w.code, diff)
				}
			})
		}
	}
}

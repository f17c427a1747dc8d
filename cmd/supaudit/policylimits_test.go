package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// slowPolicy is a user policy that runs for minutes on a snapshot whose
// id starts with "slow-" and is instant on every other one.
const slowPolicy = `package supaudit.checks.org

import data.supaudit.lib

results contains r if some r in org_01

# METADATA
# scope: document
# title: Org step
# custom:
#   id: ORG-01
org_01 contains {"step": "ORG-01", "status": "pass", "subject": lib.site_name, "message": sprintf("%d", [n])} if {
	startswith(input.id, "slow-")
	n := count([i | some i in numbers.range(1, 1000000000); i % 7 == 3])
}

org_01 contains {"step": "ORG-01", "status": "pass", "subject": lib.site_name, "message": "fast"} if not startswith(input.id, "slow-")
`

// TestEvalTimeoutFlag: one snapshot that exceeds --eval-timeout becomes an
// error naming the limit, and the other snapshot is judged.
func TestEvalTimeoutFlag(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy")
	if err := os.Mkdir(pol, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pol, "org.rego"), []byte(slowPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(compliant)
	if err != nil {
		t.Fatal(err)
	}
	snaps := filepath.Join(dir, "snaps")
	if err := os.Mkdir(snaps, 0o755); err != nil {
		t.Fatal(err)
	}
	slow := bytes.Replace(raw, []byte(`"id": "`), []byte(`"id": "slow-`), 1)
	if bytes.Equal(slow, raw) {
		t.Fatal("sample snapshot has no id member")
	}
	for name, data := range map[string][]byte{"a-fast.json": raw, "b-slow.json": slow} {
		if err := os.WriteFile(filepath.Join(snaps, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runCLI(t, "check", snaps, "--policy", pol, "--eval-timeout", "300ms", "--format", "json")
	if code != 2 {
		t.Errorf("exit %d, want 2 (a snapshot could not be judged)\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stdout+stderr, "b-slow.json: evaluating the policies took longer than the 300ms limit per snapshot (--eval-timeout)") {
		t.Errorf("no error naming the limit:\nstdout: %.2000s\nstderr: %s", stdout, stderr)
	}
	if !strings.Contains(stdout, `"message": "fast"`) {
		t.Errorf("the fast snapshot was not judged:\n%.2000s", stdout)
	}
}

func TestEvalTimeoutFlagRejectsNegative(t *testing.T) {
	code, _, stderr := runCLI(t, "check", compliant, "--eval-timeout", "-1s")
	if code != 2 || !strings.Contains(stderr, "--eval-timeout -1s") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
}

// TestAllowNetworkFlag: a --policy module calling http.send is refused
// unless --allow-network is given (no request is sent: checklist only
// compiles the policies).
func TestAllowNetworkFlag(t *testing.T) {
	pol := t.TempDir()
	src := `package supaudit.checks.org

import data.supaudit.lib

results contains r if some r in org_01

# METADATA
# scope: document
# title: Org step
# custom:
#   id: ORG-01
org_01 contains {"step": "ORG-01", "status": "pass", "subject": lib.site_name, "message": sprintf("%v", [http.send({"method": "POST", "url": "http://127.0.0.1:9/", "body": input})])}
`
	if err := os.WriteFile(filepath.Join(pol, "org.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "checklist", "--policy", pol)
	if code != 2 || !strings.Contains(stderr, "undefined function http.send") || !strings.Contains(stderr, "--allow-network") {
		t.Errorf("without --allow-network: exit %d, stderr %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "checklist", "--policy", pol, "--allow-network")
	if code != 0 || !strings.Contains(stdout, "ORG-01") {
		t.Errorf("with --allow-network: exit %d, stderr %s", code, stderr)
	}
}

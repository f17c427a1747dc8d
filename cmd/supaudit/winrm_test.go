package main

import (
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/supaudit/supaudit/collectors/winrm/winrmtest"
	"github.com/supaudit/supaudit/facts"
)

const (
	winrmUser     = `CORP\auditor`
	winrmPassword = "Tr0ub4dor&3-winrm"
)

// winrmHosts starts an HTTPS WinRM responder per server folder of bundle
// and returns the --winrm flags and the CA file for them.
func winrmHosts(t *testing.T, bundle string) []string {
	t.Helper()
	des, err := os.ReadDir(bundle)
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	var ca []byte
	for _, de := range des {
		if de.IsDir() {
			r := winrmtest.New(t, winrmtest.Config{Dir: filepath.Join(bundle, de.Name()), User: winrmUser, Password: winrmPassword, TLS: true})
			args = append(args, "--winrm", r.HostPort())
			ca = r.CAPEM()
		}
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, ca, 0o644); err != nil {
		t.Fatal(err)
	}
	return append(args, "--https", "--winrm-ca-file", caFile)
}

var sameFacts = []cmp.Option{
	cmpopts.IgnoreTypes(facts.Provenance{}),
	cmpopts.IgnoreFields(facts.Snapshot{}, "ID", "Collectors", "CollectedAt"),
}

func loadSnap(t *testing.T, path string) facts.Snapshot {
	t.Helper()
	doc, err := facts.LoadFile(path, facts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return *doc.Snapshot
}

// TestCollectWinRMSameAsBundle: collect --winrm against responders serving
// the compliant sample bundle writes the snapshot collect --bundle writes
// (apart from provenance, id, collectors and collection time), and the
// saved evidence is a bundle that collects to the same.
func TestCollectWinRMSameAsBundle(t *testing.T) {
	t.Setenv(envWinRMUser, winrmUser)
	t.Setenv(envWinRMPassword, winrmPassword)
	dir := t.TempDir()
	args := append([]string{"collect", "--output", filepath.Join(dir, "winrm.json"), "--save-bundle", filepath.Join(dir, "saved")}, winrmHosts(t, compliantBundle)...)
	if code, _, errOut := runCLI(t, args...); code != exitOK {
		t.Fatalf("collect --winrm: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "collect", "--bundle", compliantBundle, "--output", filepath.Join(dir, "bundle.json")); code != exitOK {
		t.Fatalf("collect --bundle: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "collect", "--bundle", filepath.Join(dir, "saved"), "--output", filepath.Join(dir, "saved.json")); code != exitOK {
		t.Fatalf("collect --bundle saved: exit %d: %s", code, errOut)
	}
	want := loadSnap(t, filepath.Join(dir, "bundle.json"))
	got := loadSnap(t, filepath.Join(dir, "winrm.json"))
	if diff := cmp.Diff(want, got, sameFacts...); diff != "" {
		t.Errorf("collect --winrm differs from collect --bundle (-bundle +winrm):\n%s", diff)
	}
	if got.Collectors[0].Name != "winrm" || got.ID != "abc-winrm" {
		t.Errorf("collectors %+v, id %q", got.Collectors, got.ID)
	}
	if diff := cmp.Diff(want, loadSnap(t, filepath.Join(dir, "saved.json")), sameFacts...); diff != "" {
		t.Errorf("the saved evidence collects differently (-bundle +saved):\n%s", diff)
	}
}

// TestScanWinRM: scan --winrm judges the compliant site like the bundle.
func TestScanWinRM(t *testing.T) {
	t.Setenv(envWinRMUser, winrmUser)
	t.Setenv(envWinRMPassword, winrmPassword)
	hosts := winrmHosts(t, compliantBundle)
	code, got := stepStatuses(t, "", hosts...)
	_, want := stepStatuses(t, compliantBundle)
	if diff := cmp.Diff(want, got); diff != "" || code != exitOK {
		t.Errorf("exit %d; (step, status) differ from the bundle's (-bundle +winrm):\n%s", code, diff)
	}
}

// TestWinRMPasswordNeverWritten: the password appears in no output: not
// on standard output or error, in no written file (snapshot, report,
// saved evidence), also when authentication fails.
func TestWinRMPasswordNeverWritten(t *testing.T) {
	t.Setenv(envWinRMUser, winrmUser)
	t.Setenv(envWinRMPassword, "")
	dir := t.TempDir()
	pwFile := filepath.Join(t.TempDir(), "pw")
	hosts := winrmHosts(t, compliantBundle)
	var outputs []string
	for i, pw := range []string{winrmPassword, winrmPassword + "-wrong"} {
		if err := os.WriteFile(pwFile, []byte(pw+"\r\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, string(rune('a'+i)))
		for _, args := range [][]string{
			{"collect", "--password-file", pwFile, "--output", out + "-snap.json", "--save-bundle", out + "-saved"},
			{"scan", "--password-file", pwFile, "--format", "json", "--output", out + "-report.json", "--snapshot", out + "-scan-snap.json", "--save-bundle", out + "-saved2"},
			{"scan", "--password-file", pwFile, "--format", "table", "--no-color"},
		} {
			code, stdout, stderr := runCLI(t, append(args, hosts...)...)
			outputs = append(outputs, stdout, stderr)
			if i == 1 && (code != exitError || !strings.Contains(stderr, "authentication refused")) {
				t.Errorf("%v with a wrong password: exit %d, stderr %q", args[0], code, stderr)
			}
			if i == 0 && code != exitOK {
				t.Errorf("%v: exit %d: %s", args[0], code, stderr)
			}
		}
	}
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		n++
		outputs = append(outputs, string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Errorf("only %d files written", n)
	}
	for _, o := range outputs {
		for _, secret := range []string{winrmPassword, "VHIwdWI0ZG9yJjMtd2lucm0"} { // and its base64
			if strings.Contains(o, secret) {
				t.Fatalf("the password appears in an output:\n%.500s", o)
			}
		}
	}
}

func TestWinRMUsageErrors(t *testing.T) {
	t.Setenv(envWinRMUser, winrmUser)
	t.Setenv(envWinRMPassword, "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"collect", "--winrm", "sup01"}, "no WinRM password"},
		{[]string{"collect", "--winrm", "sup01", "--bundle", compliantBundle}, "exclude each other"},
		{[]string{"collect", "--winrm", "sup01:http"}, "not a TCP port"},
		{[]string{"collect", "--winrm", "sup01", "--password-file", "/nonexistent/pw"}, "--password-file"},
		{[]string{"scan", "--winrm-all"}, "--winrm-all needs --inventory"},
		{[]string{"collect"}, "--bundle DIR or --winrm HOST is required"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != exitError || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	// Basic over HTTP is refused before any connection.
	t.Setenv(envWinRMPassword, winrmPassword)
	code, _, stderr := runCLI(t, "collect", "--winrm", "127.0.0.1:1", "--winrm-auth", "basic")
	if code != exitError || !strings.Contains(stderr, "use --https") {
		t.Errorf("basic over http: exit %d, %q", code, stderr)
	}
	// Nothing listening: WinRM not enabled.
	code, _, stderr = runCLI(t, "collect", "--winrm", "127.0.0.1:1")
	if code != exitError || !strings.Contains(stderr, "winrm quickconfig") {
		t.Errorf("refused connection: exit %d, %q", code, stderr)
	}
}

// TestScanInventoryWinRMAll: scan --inventory --winrm-all collects over
// WinRM from the inventory's site server and SUPs (here three loopback
// addresses sharing one port) and merges the probe's view.
func TestScanInventoryWinRMAll(t *testing.T) {
	t.Setenv(envWinRMUser, winrmUser)
	t.Setenv(envWinRMPassword, winrmPassword)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	for i, s := range []string{"SCCM01", "SUP01", "SUPINET01"} {
		addr := fmt.Sprintf("127.0.0.%d:%d", i+2, port)
		winrmtest.New(t, winrmtest.Config{Addr: addr, Dir: filepath.Join(compliantBundle, s), User: winrmUser, Password: winrmPassword, TLS: true})
	}
	dir := t.TempDir()
	inv := filepath.Join(dir, "sites.yaml")
	if err := os.WriteFile(inv, []byte(`sites:
- code: ABC
  site_server: 127.0.0.2
  sups:
  - {fqdn: 127.0.0.3, role: intranet, ports: {http: 1, https: 2}}
  - {fqdn: 127.0.0.4, role: intranet, ports: {http: 1, https: 2}}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "site.json")
	code, _, stderr := runCLI(t, "scan", "--inventory", inv, "--winrm-all", "--https", "--insecure-skip-verify",
		"--winrm-port", fmt.Sprint(port), "--snapshot", snap, "--format", "json", "--quiet")
	if code == exitError {
		t.Fatalf("exit 2: %s", stderr)
	}
	s := loadSnap(t, snap)
	names := map[string]bool{}
	for _, c := range s.Collectors {
		names[c.Name] = true
	}
	if !names["winrm"] || !names["probe"] {
		t.Errorf("collectors %+v, want winrm and probe", s.Collectors)
	}
	for _, fqdn := range []string{"SCCM01.corp.contoso.com", "SUP01.corp.contoso.com", "SUPINET01.corp.contoso.com"} {
		found := false
		for _, srv := range s.Servers {
			found = found || srv.FQDN == fqdn
		}
		if !found {
			t.Errorf("server %s not collected over WinRM", fqdn)
		}
	}
}

// TestSaveBundleIntoPreviousRun: --save-bundle into a folder that holds a
// previous run's files (here a sync the live run did not see) is refused
// before anything is collected, and the folder is left as it was; into a
// new folder the bundle appears whole.
func TestSaveBundleIntoPreviousRun(t *testing.T) {
	t.Setenv(envWinRMUser, winrmUser)
	t.Setenv(envWinRMPassword, winrmPassword)
	dir := t.TempDir()
	old := filepath.Join(dir, "saved", "SCCM01", "logs", "wsyncmgr.log")
	if err := os.MkdirAll(filepath.Dir(old), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, []byte("Sync succeeded\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	hosts := winrmHosts(t, compliantBundle)
	code, _, errOut := runCLI(t, append([]string{"collect", "--output", filepath.Join(dir, "w.json"), "--save-bundle", filepath.Join(dir, "saved")}, hosts...)...)
	if code != exitError || !strings.Contains(errOut, "--save-bundle "+filepath.Join(dir, "saved")) || !strings.Contains(errOut, "not empty") {
		t.Fatalf("exit %d, stderr %q: want 2, refusing the non-empty folder", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "w.json")); err == nil {
		t.Errorf("the snapshot was written although the run was refused")
	}
	des, _ := os.ReadDir(filepath.Join(dir, "saved"))
	if len(des) != 1 {
		t.Errorf("the previous run's folder was changed: %v", des)
	}
}

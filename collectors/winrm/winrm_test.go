package winrm_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/supaudit/supaudit/collectors/bundle"
	"github.com/supaudit/supaudit/collectors/winrm"
	"github.com/supaudit/supaudit/collectors/winrm/winrmtest"
	"github.com/supaudit/supaudit/facts"
)

const (
	compliant = "../../fixtures/bundles/compliant"
	user      = `CORP\auditor`
	password  = "S3cret-pa55word!"
)

var fixtureTime = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

// responders starts one HTTPS responder per server folder of a bundle.
func responders(t *testing.T, dir string, mod func(name string, c *winrmtest.Config)) ([]winrm.Target, []byte) {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var targets []winrm.Target
	var ca []byte
	for _, de := range des {
		if !de.IsDir() {
			continue
		}
		cfg := winrmtest.Config{Dir: filepath.Join(dir, de.Name()), User: user, Password: password, TLS: true}
		if mod != nil {
			mod(de.Name(), &cfg)
		}
		r := winrmtest.New(t, cfg)
		tg, err := winrm.ParseTarget(r.HostPort())
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, tg)
		ca = r.CAPEM()
	}
	return targets, ca
}

func options(ca []byte) winrm.Options {
	return winrm.Options{
		HTTPS: true, CAPEM: ca, User: user, Password: password,
		ConnectTimeout: 5 * time.Second, HostTimeout: 30 * time.Second,
		Bundle: bundle.Options{Now: func() time.Time { return fixtureTime }},
	}
}

// ignoreProvenance compares snapshots apart from where facts came from.
var ignoreProvenance = []cmp.Option{
	cmpopts.IgnoreTypes(facts.Provenance{}),
	cmpopts.IgnoreFields(facts.Snapshot{}, "ID", "Collectors"),
}

// TestCollectSameAsBundle: the compliant sample bundle, served by WinRM
// responders, gives the snapshot bundle.Collect gives on the folder.
func TestCollectSameAsBundle(t *testing.T) {
	targets, ca := responders(t, compliant, func(_ string, c *winrmtest.Config) { c.TimeoutFirst = true; c.Chunk = 1000 })
	res, err := winrm.Collect(context.Background(), targets, options(ca))
	if err != nil {
		t.Fatal(err)
	}
	want, err := bundle.Collect(context.Background(), compliant, bundle.Options{Now: func() time.Time { return fixtureTime }})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, res.Snapshot, ignoreProvenance...); diff != "" {
		t.Errorf("winrm snapshot differs from the bundle snapshot (-bundle +winrm):\n%s", diff)
	}
	got := res.Snapshot
	if got.ID != "abc-winrm" || got.Collectors[0].Name != "winrm" || !got.Collectors[0].Complete {
		t.Errorf("id %q, collectors %+v", got.ID, got.Collectors)
	}
	if p := got.Servers[0].WSUS.InstallType.Provenance; p.Collector != "winrm" || !strings.HasSuffix(p.Source, "registry/wsus-setup.reg") {
		t.Errorf("provenance %+v", p)
	}
	// The saved evidence reads back as a bundle to the same facts.
	saved := filepath.Join(t.TempDir(), "saved")
	if err := bundle.Write(context.Background(), saved, res.Evidence); err != nil {
		t.Fatal(err)
	}
	again, err := bundle.Collect(context.Background(), saved, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, again, ignoreProvenance...); diff != "" {
		t.Errorf("saved evidence differs (-bundle +saved):\n%s", diff)
	}
}

// TestFaults: each fault a user meets gives its own error, and one bad
// host does not stop the others.
func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mod     func(c *winrmtest.Config)
		opts    func(o *winrm.Options)
		hostErr error  // the error of the SUP01 host
		collErr string // or a collector error of SUP01
	}{
		{name: "auth", opts: func(o *winrm.Options) { o.Password = "wrong" }, hostErr: winrm.ErrAuth},
		{name: "untrusted", opts: func(o *winrm.Options) { o.CAPEM = nil }, hostErr: winrm.ErrUntrusted},
		{name: "timeout mid-command", mod: func(c *winrmtest.Config) { c.Stall = "logs/SUPSetup.log" }, opts: func(o *winrm.Options) { o.HostTimeout = 2 * time.Second }, hostErr: winrm.ErrTimeout},
		{name: "cut body", mod: func(c *winrmtest.Config) { c.CutBody = "registry/wsus-setup.reg" }, hostErr: winrm.ErrProtocol},
		{name: "truncated output", mod: func(c *winrmtest.Config) { c.Truncate = "registry/wsus-setup.reg" }, collErr: "registry/wsus-setup.reg: output "},
		{name: "reg export fails", mod: func(c *winrmtest.Config) { c.RegFail = "registry/wsus-setup.reg" }, collErr: "Access is denied"},
		{name: "oversized output", mod: func(c *winrmtest.Config) { c.Oversize = "logs/SUPSetup.log"; c.OversizeBytes = 300 << 10 }, opts: func(o *winrm.Options) { o.MaxOutput = 200 << 10 }, collErr: "logs/SUPSetup.log: output too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			targets, ca := responders(t, compliant, func(name string, c *winrmtest.Config) {
				if name == "SUP01" && tc.mod != nil {
					tc.mod(c)
				}
			})
			o := options(ca)
			if tc.opts != nil {
				tc.opts(&o)
			}
			res, err := winrm.Collect(context.Background(), targets, o)
			if tc.name == "auth" || tc.name == "untrusted" {
				// Every host refuses: Collect fails, naming each.
				if err == nil || res.Snapshot != nil || len(res.HostErrors) != 3 {
					t.Fatalf("err %v, %d host errors", err, len(res.HostErrors))
				}
				for _, he := range res.HostErrors {
					if !errors.Is(he, tc.hostErr) {
						t.Errorf("host error %v, want %v", he, tc.hostErr)
					}
				}
				if strings.Contains(err.Error(), password) || strings.Contains(err.Error(), "wrong") {
					t.Errorf("error carries the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			errs := strings.Join(res.Snapshot.Collectors[0].Errors, "\n")
			if res.Snapshot.Collectors[0].Complete {
				t.Errorf("collector run complete despite the fault")
			}
			if tc.hostErr != nil {
				if len(res.HostErrors) != 1 || !errors.Is(res.HostErrors[0], tc.hostErr) {
					t.Fatalf("host errors %v, want one %v", res.HostErrors, tc.hostErr)
				}
				if !strings.Contains(errs, res.HostErrors[0].Host) {
					t.Errorf("collector errors %q do not name the host", errs)
				}
			} else if !strings.Contains(errs, tc.collErr) {
				t.Errorf("collector errors %q, want one containing %q", errs, tc.collErr)
			}
			if tc.name == "reg export fails" {
				// A failed export is not an absent key: WSUS is unknown on
				// SUP01, not "not installed".
				for _, srv := range res.Snapshot.Servers {
					if strings.HasPrefix(srv.FQDN, "SUP01") {
						if v, ok := srv.WSUS.InstallType.Get(); ok {
							t.Errorf("SUP01 install type %q from a failed export", v)
						}
					}
				}
			}
			t.Logf("errors: %s", errs)
		})
	}
}

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want winrm.Target
		err  bool
	}{
		{in: "sup01.corp.example", want: winrm.Target{Host: "sup01.corp.example"}},
		{in: "sup01:5986", want: winrm.Target{Host: "sup01", Port: 5986}},
		{in: "[::1]:5985", want: winrm.Target{Host: "::1", Port: 5985}},
		{in: "sup01:http", err: true},
		{in: "sup01:70000", err: true},
		{in: "", err: true},
		{in: "user@sup01", err: true},
	} {
		got, err := winrm.ParseTarget(tc.in)
		if (err != nil) != tc.err || (!tc.err && got != tc.want) {
			t.Errorf("ParseTarget(%q) = %+v, %v", tc.in, got, err)
		}
	}
}

// TestCommandsMatchLayout: every command writes a path of the bundle
// layout the bundle collector reads, and fits a cmd.exe command line.
func TestCommandsMatchLayout(t *testing.T) {
	known := []string{"registry/wsus-setup.reg", "registry/sms.reg", "sitectrl.ct0", "logs/", "iis/applicationHost.config", "iis/metabase.xml", "certs/"}
	for _, c := range winrm.Commands {
		if n := len(c.CommandLine()); n > 8000 {
			t.Errorf("%v: command line is %d characters, over cmd.exe's 8191", c.Files, n)
		}
		for _, f := range c.Files {
			ok := false
			for _, k := range known {
				ok = ok || f == k || (strings.HasSuffix(k, "/") && strings.HasPrefix(f, k))
			}
			if !ok {
				t.Errorf("%s is not a path of the bundle layout (docs/evidence.md)", f)
			}
		}
	}
}

// TestGatherScriptsCoverCommands: the gather scripts (scripts/) write
// every file the WinRM commands read, under the same name, so the remote
// and the scripted evidence cannot drift apart silently.
func TestGatherScriptsCoverCommands(t *testing.T) {
	for _, script := range []string{"../../scripts/Gather-SupEvidence.ps1"} {
		data, err := os.ReadFile(script)
		if os.IsNotExist(err) {
			t.Skipf("%s is not in this checkout", script)
		}
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ToLower(string(data))
		for _, c := range winrm.Commands {
			for _, f := range c.Files {
				base := strings.ToLower(f[strings.LastIndex(f, "/")+1:])
				if !strings.Contains(text, base) {
					t.Errorf("%s does not gather %s (winrm.Commands does)", script, f)
				}
			}
		}
	}
}

// TestTimeoutCleansUp: a command abandoned at the host deadline is
// signalled to terminate and the shell is deleted.
func TestTimeoutCleansUp(t *testing.T) {
	r := winrmtest.New(t, winrmtest.Config{Dir: filepath.Join(compliant, "SCCM01"), User: user, Password: password, TLS: true, Stall: "logs/WCM.log"})
	tg, _ := winrm.ParseTarget(r.HostPort())
	o := options(r.CAPEM())
	o.HostTimeout = time.Second
	res, err := winrm.Collect(context.Background(), []winrm.Target{tg}, o)
	if err != nil || len(res.HostErrors) != 1 || !errors.Is(res.HostErrors[0], winrm.ErrTimeout) || !strings.Contains(res.HostErrors[0].Error(), "per-host deadline of 1s passed (--winrm-timeout)") {
		t.Fatalf("err %v, host errors %v: want the evidence read before kept and the per-host deadline named", err, res.HostErrors)
	}
	if a := r.Actions(); a["Create"] != 1 || a["Signal"] < 1 || a["Delete"] != 1 {
		t.Errorf("actions %v: want the command signalled and the shell deleted", a)
	}
}

// TestContextCancel: Collect returns promptly when its context ends.
func TestContextCancel(t *testing.T) {
	r := winrmtest.New(t, winrmtest.Config{Dir: filepath.Join(compliant, "SCCM01"), User: user, Password: password, TLS: true, Stall: "logs/WCM.log"})
	tg, _ := winrm.ParseTarget(r.HostPort())
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if _, err := winrm.Collect(ctx, []winrm.Target{tg}, options(r.CAPEM())); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v, want the context's", err)
	}
}

// TestBasicOverHTTPRefused: a server that offers only Basic over plain
// HTTP never gets the password.
func TestBasicOverHTTPRefused(t *testing.T) {
	r := winrmtest.New(t, winrmtest.Config{Dir: filepath.Join(compliant, "SCCM01"), User: user, Password: password})
	tg, _ := winrm.ParseTarget(r.HostPort())
	o := options(nil)
	o.HTTPS = false
	res, err := winrm.Collect(context.Background(), []winrm.Target{tg}, o)
	if err == nil || len(res.HostErrors) != 1 || !errors.Is(res.HostErrors[0], winrm.ErrUnencrypted) || !strings.Contains(err.Error(), "--https") {
		t.Fatalf("err %v", err)
	}
	if a := r.Actions(); len(a) != 0 {
		t.Errorf("the responder served %v without credentials", a)
	}
}

// BenchmarkCollectCompliant collects the three servers of the compliant
// sample bundle from loopback responders over HTTPS.
func BenchmarkCollectCompliant(b *testing.B) {
	var targets []winrm.Target
	var ca []byte
	for _, s := range []string{"SCCM01", "SUP01", "SUPINET01"} {
		r := winrmtest.New(b, winrmtest.Config{Dir: filepath.Join(compliant, s), User: user, Password: password, TLS: true, Chunk: 60000})
		tg, _ := winrm.ParseTarget(r.HostPort())
		targets = append(targets, tg)
		ca = r.CAPEM()
	}
	o := options(ca)
	b.ResetTimer()
	for b.Loop() {
		if _, err := winrm.Collect(context.Background(), targets, o); err != nil {
			b.Fatal(err)
		}
	}
}

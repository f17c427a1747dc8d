package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/supaudit/supaudit/collectors/bundle"
	"github.com/supaudit/supaudit/collectors/probe"
	"github.com/supaudit/supaudit/collectors/winrm"
)

const inventoryFile = "../inventory/testdata/sites.yaml"

// sources are Sources with the commands' defaults.
func sources() Sources {
	return Sources{
		Bundle: bundle.Options{MaxZipEntries: bundle.DefaultMaxZipEntries, MaxFileSize: bundle.DefaultMaxFileSize, MaxTotalSize: bundle.DefaultMaxTotalSize},
		WinRM: WinRMSource{Options: winrm.Options{Auth: winrm.AuthNTLM, ConnectTimeout: winrm.DefaultConnectTimeout, OperationTimeout: winrm.DefaultOperationTimeout,
			HostTimeout: winrm.DefaultHostTimeout, Concurrency: winrm.DefaultConcurrency, MaxOutput: winrm.DefaultMaxOutput}},
		Probe: ProbeSource{Options: probe.Options{Concurrency: probe.DefaultConcurrency, ConnectTimeout: probe.DefaultConnectTimeout, TLSTimeout: probe.DefaultTLSTimeout,
			RequestTimeout: probe.DefaultRequestTimeout, HostTimeout: probe.DefaultHostTimeout, MaxBody: probe.DefaultMaxBody}},
	}
}

func TestSourcesCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(s *Sources)
		want string
	}{
		{"a bundle", func(s *Sources) { s.Dir = "evidence" }, ""},
		{"the probe alone", func(s *Sources) { s.Probe.Targets = []string{"sup01"} }, ""},
		{"nothing", func(*Sources) {}, "--bundle DIR or --winrm HOST is required"},
		{"bundle and WinRM", func(s *Sources) { s.Dir, s.WinRM.All = "evidence", true }, "exclude each other"},
		{"a zero limit", func(s *Sources) { s.Dir, s.Bundle.MaxFileSize = "evidence", 0 }, "--max-file-size 0: want a positive number"},
	} {
		s := sources()
		tc.set(&s)
		err := s.Check()
		if (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestBundleCollector(t *testing.T) {
	s := sources()
	s.Dir, s.Bundle.ID, s.NamesFile = "evidence", "mine", "../docs/examples/sitectrl-names.yaml"
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	c, err := s.BundleCollector()
	if err != nil {
		t.Fatal(err)
	}
	if c.Dir != "evidence" || c.Options.ID != "mine" || c.Options.Now() != now || c.Options.MaxZipEntries != bundle.DefaultMaxZipEntries {
		t.Errorf("collector %+v", c)
	}
	s.NamesFile = filepath.Join(t.TempDir(), "missing.yaml")
	if _, err := s.BundleCollector(); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing names file: err = %v", err)
	}
}

func TestWinRMCollector(t *testing.T) {
	s := sources()
	s.WinRM.Hosts, s.WinRM.Port = []string{"sms01.corp.example", "sup01.corp.example:5999"}, 5986
	c, err := s.WinRMCollector()
	if err != nil {
		t.Fatal(err)
	}
	if got := []int{c.Targets[0].Port, c.Targets[1].Port}; !cmp.Equal(got, []int{5986, 5999}) {
		t.Errorf("ports %v", got)
	}
	if c.Options.Bundle.MaxFileSize != bundle.DefaultMaxFileSize || c.Options.CAPEM != nil {
		t.Errorf("options %+v", c.Options)
	}

	s = sources()
	s.WinRM.All, s.Probe.Inventory, s.Probe.Site = true, inventoryFile, "ABC"
	if hosts, err := s.InventoryHosts(); err != nil || !cmp.Equal(hosts, []string{"cm01.corp.example", "sup01.corp.example", "sup02.corp.example"}) {
		t.Errorf("inventory hosts %v, %v", hosts, err)
	}
	if c, err := s.WinRMCollector(); err != nil || len(c.Targets) != 3 {
		t.Errorf("--winrm-all: %v", err)
	}

	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		set  func(s *Sources)
		want string
	}{
		{"--winrm-all without an inventory", func(s *Sources) { s.WinRM.All = true }, "--winrm-all needs --inventory FILE"},
		{"a bad port", func(s *Sources) { s.WinRM.Port = 70000 }, "--winrm-port 70000: want 1-65535"},
		{"a zero timeout", func(s *Sources) { s.WinRM.Options.HostTimeout = 0 }, "--winrm-timeout 0: want a positive number"},
		{"a bad host", func(s *Sources) { s.WinRM.Hosts = []string{"sms01:port"} }, "--winrm: "},
		{"the probe's CA file serves WinRM", func(s *Sources) { s.Probe.CAFile = filepath.Join(filepath.Dir(ca), "none.pem") }, "--ca-file "},
	} {
		s := sources()
		s.WinRM.Hosts = []string{"sms01.corp.example"}
		tc.set(&s)
		if _, err := s.WinRMCollector(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	s = sources()
	s.WinRM.Hosts, s.Probe.CAFile = []string{"sms01.corp.example"}, ca
	if c, err := s.WinRMCollector(); err != nil || len(c.Options.CAPEM) == 0 {
		t.Errorf("--ca-file for WinRM: %v", err)
	}
}

// TestSaveBundleTo: a folder that is not new or empty is refused before
// collecting; none asked for leaves the collector as it was.
func TestSaveBundleTo(t *testing.T) {
	s := sources()
	c := &winrm.Collector{}
	if err := s.SaveBundleTo(c, nil); err != nil || c.SaveEvidence != nil {
		t.Errorf("no --save-bundle: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "old.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.WinRM.SaveBundle = dir
	if err := s.SaveBundleTo(c, nil); err == nil || !strings.HasPrefix(err.Error(), "--save-bundle ") {
		t.Errorf("a folder with files: err = %v", err)
	}
	s.WinRM.SaveBundle = filepath.Join(dir, "new")
	if err := s.SaveBundleTo(c, nil); err != nil || c.SaveEvidence == nil {
		t.Errorf("a new folder: %v", err)
	}
	if got := s.EvidenceRoot(); got != s.WinRM.SaveBundle {
		t.Errorf("evidence root %q", got)
	}
}

func TestProbeCollector(t *testing.T) {
	s := sources()
	s.Probe.Targets = []string{"sup01.corp.example", "sup.example.com:internet"}
	c, err := s.ProbeCollector()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Targets) != 2 || c.Source() != "probe" || c.Inventory != nil {
		t.Errorf("collector %+v", c)
	}
	for _, tc := range []struct {
		name string
		set  func(p *ProbeSource)
		want string
	}{
		{"--site without an inventory", func(p *ProbeSource) { p.Site = "ABC" }, "--site needs --inventory"},
		{"concurrency", func(p *ProbeSource) { p.Options.Concurrency = 0 }, "--concurrency 0: want 1-4096"},
		{"a zero timeout", func(p *ProbeSource) { p.Options.TLSTimeout = 0 }, "timeouts must be positive"},
		{"max body", func(p *ProbeSource) { p.Options.MaxBody = 0 }, "--max-body must be positive"},
		{"an unknown site", func(p *ProbeSource) { p.Inventory, p.Site = inventoryFile, "NOPE" }, "no site NOPE"},
	} {
		s := sources()
		tc.set(&s.Probe)
		if _, err := s.ProbeCollector(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

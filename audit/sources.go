package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/supaudit/supaudit/collectors/bundle"
	"github.com/supaudit/supaudit/collectors/evidence/extract"
	"github.com/supaudit/supaudit/collectors/probe"
	"github.com/supaudit/supaudit/collectors/winrm"
	"github.com/supaudit/supaudit/internal/capread"
	"github.com/supaudit/supaudit/internal/clock"
	"github.com/supaudit/supaudit/inventory"
)

// Sources are what collect and scan collect from, as they were asked for
// it: the evidence (a bundle folder, or WinRM), then the network probe,
// in merge order. The builders check the options first, so that a bad one
// is refused before anything is read; their errors name the flag.
type Sources struct {
	// Dir is the evidence bundle (--bundle): one sub-folder or .zip file
	// per server.
	Dir string
	// Bundle are the bundle collector's options (--id, --max-zip-entries,
	// --max-file-size, --max-total-size), also those WinRM extracts with.
	Bundle bundle.Options
	// NamesFile overrides the site control names (--sitectrl-names).
	NamesFile string
	WinRM     WinRMSource
	Probe     ProbeSource
	// Now is the run's clock (collected_at, certificate checks).
	Now clock.Func
}

// WinRMSource is collecting the evidence over WinRM (docs/winrm.md).
type WinRMSource struct {
	// Hosts are the servers, host or host:port (--winrm); All adds every
	// server of the probe's inventory (--winrm-all).
	Hosts []string
	All   bool
	// Port is the port of the hosts given without one (--winrm-port; 0:
	// the default of HTTP or HTTPS).
	Port int
	// CAFile is the PEM file of the CAs trusted over HTTPS
	// (--winrm-ca-file; default: the probe's CAFile).
	CAFile string
	// SaveBundle, when set, is a new or empty folder the raw evidence is
	// written to in the bundle layout (--save-bundle).
	SaveBundle string
	// Options are the collector's; WinRMCollector fills in Bundle and
	// CAPEM, the caller the credentials and Progress.
	Options winrm.Options
}

// ProbeSource is probing the SUPs over the network (docs/probe.md).
type ProbeSource struct {
	// Targets are HOST or HOST:internet (--probe).
	Targets []string
	// Inventory is an inventory file whose SUPs are probed and whose roles
	// are added (--inventory); Site picks one of its sites (--site).
	Inventory, Site string
	// CAFile is the PEM bundle of the CAs the clients trust (--ca-file;
	// default: the inventory's).
	CAFile string
	// Options are the probe's; ProbeCollector fills in CAFile and Now,
	// the caller Progress.
	Options probe.Options
}

// Enabled reports whether WinRM collection was asked for.
func (w *WinRMSource) Enabled() bool { return len(w.Hosts) > 0 || w.All }

// Enabled reports whether the probe was asked for.
func (p *ProbeSource) Enabled() bool { return len(p.Targets) > 0 || p.Inventory != "" }

// Inputs are the files and folders the collectors read, which no output
// may overwrite (the WinRM password file is the caller's).
func (s *Sources) Inputs() []string {
	return []string{s.Dir, s.NamesFile, s.Probe.Inventory, s.Probe.CAFile, s.WinRM.CAFile}
}

// EvidenceRoot is the evidence bundle the facts are read from: Dir, or
// the SaveBundle folder of a WinRM collection ("" for neither).
func (s *Sources) EvidenceRoot() string {
	if s.Dir != "" {
		return s.Dir
	}
	return s.WinRM.SaveBundle
}

// positive refuses a limit of 0 or less, which would otherwise mean the
// default silently.
func positive(flag string, v int64) error {
	if v < 1 {
		return fmt.Errorf("%s %d: want a positive number (leave the flag out for the default)", flag, v)
	}
	return nil
}

// Check refuses bad bundle limits, and a run asked for both a bundle and
// WinRM or for no source at all.
func (s *Sources) Check() error {
	for _, l := range []struct {
		flag string
		v    int64
	}{{"--max-zip-entries", int64(s.Bundle.MaxZipEntries)}, {"--max-file-size", s.Bundle.MaxFileSize}, {"--max-total-size", s.Bundle.MaxTotalSize}} {
		if err := positive(l.flag, l.v); err != nil {
			return err
		}
	}
	switch {
	case s.WinRM.Enabled() && s.Dir != "":
		return errors.New("--bundle and --winrm/--winrm-all exclude each other")
	case !s.WinRM.Enabled() && s.Dir == "" && !s.Probe.Enabled():
		return fmt.Errorf("--bundle DIR or --winrm HOST is required")
	}
	return nil
}

// BundleOptions are the bundle collector's options, with the site control
// names of NamesFile.
func (s *Sources) BundleOptions() (bundle.Options, error) {
	o := s.Bundle
	o.Now = s.Now
	if s.NamesFile != "" {
		n, err := extract.LoadNames(s.NamesFile)
		if err != nil {
			return o, err
		}
		var eo extract.Options
		n.Apply(&eo)
		o.SiteMode, o.InternetSUPProperty, o.SUPSettings = eo.SiteMode, eo.InternetSUPProperty, eo.SUPSettings
	}
	return o, nil
}

// BundleCollector is the collector of the evidence bundle Dir.
func (s *Sources) BundleCollector() (*bundle.Collector, error) {
	opts, err := s.BundleOptions()
	if err != nil {
		return nil, err
	}
	return &bundle.Collector{Dir: s.Dir, Options: opts}, nil
}

// InventoryHosts returns the servers of the probe's inventory file for
// WinRM All: the site server and the SUPs.
func (s *Sources) InventoryHosts() ([]string, error) {
	if s.Probe.Inventory == "" {
		return nil, errors.New("--winrm-all needs --inventory FILE")
	}
	inv, err := inventory.Load(s.Probe.Inventory)
	if err != nil {
		return nil, err
	}
	site, err := inv.Site(s.Probe.Site)
	if err != nil {
		return nil, err
	}
	return site.Hosts(), nil
}

// WinRMCollector is the WinRM collector of the servers asked for, its
// options checked, its CA bundle read. The caller adds the credentials
// (Options.User, Options.Password) and the progress, then SaveBundleTo.
func (s *Sources) WinRMCollector() (*winrm.Collector, error) {
	w := &s.WinRM
	hosts := append([]string(nil), w.Hosts...)
	if w.All {
		more, err := s.InventoryHosts()
		if err != nil {
			return nil, err
		}
		hosts = append(hosts, more...)
	}
	o := w.Options
	for _, l := range []struct {
		flag string
		v    int64
	}{{"--winrm-max-output", o.MaxOutput}, {"--winrm-concurrency", int64(o.Concurrency)}, {"--winrm-connect-timeout", int64(o.ConnectTimeout)}, {"--winrm-operation-timeout", int64(o.OperationTimeout)}, {"--winrm-timeout", int64(o.HostTimeout)}} {
		if err := positive(l.flag, l.v); err != nil {
			return nil, err
		}
	}
	if w.Port < 0 || w.Port > 65535 {
		return nil, fmt.Errorf("--winrm-port %d: want 1-65535", w.Port)
	}
	var targets []winrm.Target
	for _, h := range hosts {
		t, err := winrm.ParseTarget(h)
		if err != nil {
			return nil, fmt.Errorf("--winrm: %w", err)
		}
		if t.Port == 0 {
			t.Port = w.Port
		}
		targets = append(targets, t)
	}
	if len(targets) == 0 {
		return nil, errors.New("--winrm-all: the inventory lists no server")
	}
	var err error
	if o.Bundle, err = s.BundleOptions(); err != nil {
		return nil, err
	}
	caFile, caFlag := w.CAFile, "--winrm-ca-file"
	if caFile == "" && s.Probe.CAFile != "" {
		// The probe's --ca-file serves WinRM too.
		caFile, caFlag = s.Probe.CAFile, "--ca-file"
	}
	if caFile != "" {
		pem, err := capread.File(caFile, 16<<20)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", caFlag, caFile, pathErr(err))
		}
		o.CAPEM = pem
	}
	return &winrm.Collector{Targets: targets, Options: o}, nil
}

// SaveBundleTo makes c write the raw evidence it collects to the
// SaveBundle folder, when one is asked for, and notify say so. The folder
// is checked now (and again when writing): a new or empty one, so that the
// saved bundle holds this run's files only.
func (s *Sources) SaveBundleTo(c *winrm.Collector, notify func(msg string)) error {
	dir := s.WinRM.SaveBundle
	if dir == "" {
		return nil
	}
	if err := bundle.CheckWritable(dir); err != nil {
		return fmt.Errorf("--save-bundle %w", err)
	}
	c.SaveEvidence = func(ctx context.Context, ev winrm.Evidence) error {
		if err := bundle.Write(ctx, dir, ev); err != nil {
			return fmt.Errorf("--save-bundle %w; nothing was saved", err)
		}
		notify("saved the raw evidence to " + dir)
		return nil
	}
	return nil
}

// ProbeCollector is the network probe asked for, its options checked, the
// inventory's SUPs added to the targets. An interrupted run (Ctrl-C) still
// returns what was collected, marked incomplete.
func (s *Sources) ProbeCollector() (*probe.Collector, error) {
	p := &s.Probe
	o := p.Options
	if o.Concurrency < 1 || o.Concurrency > 4096 {
		return nil, fmt.Errorf("--concurrency %d: want 1-4096", o.Concurrency)
	}
	for _, d := range []time.Duration{o.ConnectTimeout, o.TLSTimeout, o.RequestTimeout, o.HostTimeout} {
		if d <= 0 {
			return nil, errors.New("timeouts must be positive")
		}
	}
	if o.MaxBody < 1 {
		return nil, errors.New("--max-body must be positive")
	}
	var targets []probe.Target
	for _, a := range p.Targets {
		t, err := probe.ParseTarget(a)
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
	}
	caFile := p.CAFile
	var inv *inventory.Inventory
	var site *inventory.Site
	if p.Inventory != "" {
		var err error
		if inv, err = inventory.Load(p.Inventory); err != nil {
			return nil, err
		}
		if site, err = inv.Site(p.Site); err != nil {
			return nil, err
		}
		if caFile == "" {
			caFile = inv.CAFile
		}
		targets = append(targets, probe.TargetsFor(site, caFile)...)
	} else if p.Site != "" {
		return nil, errors.New("--site needs --inventory")
	}
	if caFile != "" {
		if _, err := probe.LoadCAFile(caFile); err != nil {
			return nil, err
		}
	}
	o.CAFile, o.Now = caFile, s.Now
	label := "probe"
	if p.Inventory != "" {
		label = p.Inventory
	}
	return &probe.Collector{Targets: targets, Options: o, Inventory: inv, Site: site, Label: label}, nil
}

package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/collectors/probe"
	"github.com/supaudit/supaudit/inventory"
)

// probeResolver resolves probe targets; nil means the system resolver.
// Tests set it to map made-up FQDNs to loopback.
var probeResolver probe.Resolver

// probeFlags are the network-probe flags of collect and scan
// (docs/probe.md).
type probeFlags struct {
	targets        []string
	inventory      string
	site           string
	caFile         string
	concurrency    int
	connectTimeout time.Duration
	tlsTimeout     time.Duration
	requestTimeout time.Duration
	hostTimeout    time.Duration
	maxBody        int64
	quiet          bool
}

func (p *probeFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringArrayVar(&p.targets, "probe", nil, "probe this SUP over the network: HOST, or HOST:internet for an Internet-facing SUP (repeatable; see docs/probe.md)")
	f.StringVar(&p.inventory, "inventory", "", "probe the SUPs of an inventory file and add the roles it declares (see docs/inventory.md)")
	f.StringVar(&p.site, "site", "", "site code to take from an inventory that lists several sites")
	f.StringVar(&p.caFile, "ca-file", "", "PEM bundle of CAs the clients trust (default: the inventory's, else the system roots)")
	f.IntVar(&p.concurrency, "concurrency", probe.DefaultConcurrency, "hosts probed at once")
	f.DurationVar(&p.connectTimeout, "connect-timeout", probe.DefaultConnectTimeout, "TCP connect timeout")
	f.DurationVar(&p.tlsTimeout, "tls-timeout", probe.DefaultTLSTimeout, "TLS handshake timeout")
	f.DurationVar(&p.requestTimeout, "request-timeout", probe.DefaultRequestTimeout, "timeout of each HTTP request")
	f.DurationVar(&p.hostTimeout, "host-timeout", probe.DefaultHostTimeout, "deadline for everything probed on one host")
	f.Int64Var(&p.maxBody, "max-body", probe.DefaultMaxBody, "most bytes of a response body read")
	f.BoolVarP(&p.quiet, "quiet", "q", false, "no progress bar and no TLS summary on standard error (scan: the table also shows only the results that do not pass)")
}

func (p *probeFlags) enabled() bool { return len(p.targets) > 0 || p.inventory != "" }

// source names what was probed, for messages.
func (p *probeFlags) source() string {
	if p.inventory != "" {
		return p.inventory
	}
	return "probe"
}

// collector is the network probe the flags ask for. An interrupted run
// (Ctrl-C) still returns what was collected, marked incomplete.
func (p *probeFlags) collector(e *env) (*probe.Collector, error) {
	if p.concurrency < 1 || p.concurrency > 4096 {
		return nil, usageError(fmt.Errorf("--concurrency %d: want 1-4096", p.concurrency))
	}
	for _, d := range []time.Duration{p.connectTimeout, p.tlsTimeout, p.requestTimeout, p.hostTimeout} {
		if d <= 0 {
			return nil, usageError(errors.New("timeouts must be positive"))
		}
	}
	if p.maxBody < 1 {
		return nil, usageError(errors.New("--max-body must be positive"))
	}
	var targets []probe.Target
	for _, a := range p.targets {
		t, err := probe.ParseTarget(a)
		if err != nil {
			return nil, usageError(err)
		}
		targets = append(targets, t)
	}
	caFile := p.caFile
	var inv *inventory.Inventory
	var site *inventory.Site
	if p.inventory != "" {
		var err error
		if inv, err = inventory.Load(p.inventory); err != nil {
			return nil, usageError(err)
		}
		if site, err = inv.Site(p.site); err != nil {
			return nil, usageError(err)
		}
		if caFile == "" {
			caFile = inv.CAFile
		}
		targets = append(targets, probe.TargetsFor(site, caFile)...)
	} else if p.site != "" {
		return nil, usageError(errors.New("--site needs --inventory"))
	}
	if caFile != "" {
		if _, err := probe.LoadCAFile(caFile); err != nil {
			return nil, usageError(err)
		}
	}
	opts := probe.Options{
		Resolver:       probeResolver,
		ConnectTimeout: p.connectTimeout,
		TLSTimeout:     p.tlsTimeout,
		RequestTimeout: p.requestTimeout,
		HostTimeout:    p.hostTimeout,
		MaxBody:        p.maxBody,
		Concurrency:    p.concurrency,
		CAFile:         caFile,
		Now:            e.now,
	}
	c := &probe.Collector{Targets: targets, Options: opts, Inventory: inv, Site: site, Label: p.source()}
	var bar *progressbar.ProgressBar
	if !p.quiet && isTerminal(e.stderr) {
		bar = progressbar.NewOptions(len(targets),
			progressbar.OptionSetWriter(e.tty),
			progressbar.OptionSetDescription("probing"),
			progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond),
		)
		c.Options.Progress = func(done, _ int) { _ = bar.Set(done) }
	}
	c.Done = func(res *probe.Result) {
		if bar != nil {
			_ = bar.Finish()
		}
		if !p.quiet {
			for _, t := range res.TLS {
				match := "names"
				if !t.NameMatches {
					match = "does NOT name"
				}
				trust := "trusted"
				if !t.Trusted {
					trust = "NOT trusted"
				}
				fmt.Fprintf(e.stderr, "supaudit: %s: %s, %s; certificate %s, %s %s\n", t.Source, t.Protocol, t.Cipher, trust, match, t.ClientName)
			}
		}
		if !res.Run.Complete {
			fmt.Fprintf(e.stderr, "supaudit: probe interrupted: writing what was collected, marked incomplete\n")
		}
	}
	return c, nil
}

// inventoryHosts returns the servers of the --inventory file for
// --winrm-all: the site server and the SUPs.
func (p *probeFlags) inventoryHosts() ([]string, error) {
	if p.inventory == "" {
		return nil, errors.New("--winrm-all needs --inventory FILE")
	}
	inv, err := inventory.Load(p.inventory)
	if err != nil {
		return nil, err
	}
	site, err := inv.Site(p.site)
	if err != nil {
		return nil, err
	}
	return site.Hosts(), nil
}

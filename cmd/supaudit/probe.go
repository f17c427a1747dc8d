package main

import (
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/collectors/probe"
)

// probeResolver resolves probe targets; nil means the system resolver.
// Tests set it to map made-up FQDNs to loopback.
var probeResolver probe.Resolver

// registerProbe adds the network-probe flags of collect and scan
// (docs/probe.md).
func (b *bundleFlags) registerProbe(cmd *cobra.Command) {
	p, f := &b.Probe, cmd.Flags()
	f.StringArrayVar(&p.Targets, "probe", nil, "probe this SUP over the network: HOST, or HOST:internet for an Internet-facing SUP (repeatable; see docs/probe.md)")
	f.StringVar(&p.Inventory, "inventory", "", "probe the SUPs of an inventory file and add the roles it declares (see docs/inventory.md)")
	f.StringVar(&p.Site, "site", "", "site code to take from an inventory that lists several sites")
	f.StringVar(&p.CAFile, "ca-file", "", "PEM bundle of CAs the clients trust (default: the inventory's, else the system roots)")
	f.IntVar(&p.Options.Concurrency, "concurrency", probe.DefaultConcurrency, "hosts probed at once")
	f.DurationVar(&p.Options.ConnectTimeout, "connect-timeout", probe.DefaultConnectTimeout, "TCP connect timeout")
	f.DurationVar(&p.Options.TLSTimeout, "tls-timeout", probe.DefaultTLSTimeout, "TLS handshake timeout")
	f.DurationVar(&p.Options.RequestTimeout, "request-timeout", probe.DefaultRequestTimeout, "timeout of each HTTP request")
	f.DurationVar(&p.Options.HostTimeout, "host-timeout", probe.DefaultHostTimeout, "deadline for everything probed on one host")
	f.Int64Var(&p.Options.MaxBody, "max-body", probe.DefaultMaxBody, "most bytes of a response body read")
	f.BoolVarP(&b.quiet, "quiet", "q", false, "no progress bar and no TLS summary on standard error (scan: the table also shows only the results that do not pass)")
}

// probeCollector is the network probe the flags ask for
// (audit.Sources.ProbeCollector), with a progress bar on a terminal and,
// unless --quiet, its TLS summary on standard error.
func (b *bundleFlags) probeCollector(e *env) (*probe.Collector, error) {
	c, err := b.ProbeCollector()
	if err != nil {
		return nil, usageError(err)
	}
	var bar *progressbar.ProgressBar
	if !b.quiet && isTerminal(e.stderr) {
		bar = progressbar.NewOptions(len(c.Targets),
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
		if !b.quiet {
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

package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/audit"
	"github.com/supaudit/supaudit/collectors"
	"github.com/supaudit/supaudit/collectors/bundle"
	"github.com/supaudit/supaudit/output"
)

// bundleFlags are the flags of collect and scan that shape collecting:
// audit.Sources, and what only the command holds.
type bundleFlags struct {
	audit.Sources
	// user and passwordFile are the WinRM credentials, besides the
	// environment and a prompt (winrm.go).
	user, passwordFile string
	// quiet: no probe progress bar and TLS summary (probe.go).
	quiet bool
}

func (b *bundleFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&b.Dir, "bundle", "", "evidence folder: one sub-folder or .zip file per server (see docs/evidence.md)")
	f.StringVar(&b.Bundle.ID, "id", "", "snapshot id (default: <site code>-bundle, -winrm or -probe after the first collector)")
	f.IntVar(&b.Bundle.MaxZipEntries, "max-zip-entries", bundle.DefaultMaxZipEntries, "most entries one server's zip may hold")
	f.Int64Var(&b.Bundle.MaxFileSize, "max-file-size", bundle.DefaultMaxFileSize, "largest evidence file, in bytes")
	f.Int64Var(&b.Bundle.MaxTotalSize, "max-total-size", bundle.DefaultMaxTotalSize, "largest total (uncompressed) evidence of one server, in bytes")
	f.StringVar(&b.NamesFile, "sitectrl-names", "", "YAML/JSON file overriding the site control names no source settles for ConfigMgr 2007: site mode, Internet-based SUP, SUP-03 settings (docs/evidence.md)")
	b.registerWinRM(cmd) // --bundle or --winrm (winrm.go)
	b.registerProbe(cmd) // --probe/--inventory, alone or with --bundle (probe.go)
}

// inputPaths are the files and folders the collectors read, which no
// output may overwrite.
func (b *bundleFlags) inputPaths() []string { return append(b.Inputs(), b.passwordFile) }

// collectors are the collectors the flags ask for (audit.Sources), in
// merge order: the evidence (a bundle, or WinRM) first, then the network
// probe.
func (b *bundleFlags) collectors(e *env) ([]collectors.Collector, error) {
	b.Now, b.Probe.Options.Resolver = e.now, probeResolver
	if err := b.Check(); err != nil {
		return nil, usageError(err)
	}
	var cs []collectors.Collector
	if b.WinRM.Enabled() {
		c, finish, err := b.winrmCollector(e)
		if err != nil {
			return nil, err
		}
		cs = append(cs, finishingCollector{Collector: c, done: finish})
	} else if b.Dir != "" {
		c, err := b.BundleCollector()
		if err != nil {
			return nil, usageError(err)
		}
		cs = append(cs, c)
	}
	if b.Probe.Enabled() {
		c, err := b.probeCollector(e)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// collect runs the collectors the flags ask for (audit.Collect: merged,
// validated) and reports their warnings on standard error.
func (b *bundleFlags) collect(ctx context.Context, e *env) (*audit.Collected, error) {
	cs, err := b.collectors(e)
	if err != nil {
		return nil, err
	}
	col, err := audit.Collect(ctx, cs, audit.CollectOptions{ID: b.Bundle.ID})
	if err != nil {
		return nil, usageError(err)
	}
	for _, w := range col.Warnings {
		fmt.Fprintf(e.stderr, "supaudit: collect: %s\n", w)
	}
	return col, nil
}

func newCollectCmd(e *env) *cobra.Command {
	var bf bundleFlags
	var outPath string
	cmd := &cobra.Command{
		Use:   "collect --bundle DIR [--output site.json]",
		Short: "Turn an evidence bundle into a facts snapshot",
		Long: `Read an evidence bundle (one folder or .zip file per server: registry exports,
ConfigMgr logs, the site control file, IIS configuration, certificates; see
docs/evidence.md) and write the facts snapshot (supaudit/facts/v1 JSON). The
snapshot is validated before it is written; --output is written atomically.
Problems with one server's evidence are reported on standard error and recorded
in the snapshot (collector errors, unknown facts); the other servers are still
collected.

Exit codes:
  0  the snapshot was written
  2  usage error, the bundle could not be read at all, or the run was
     interrupted (what was collected is written, marked incomplete)`,
		Example: `  supaudit collect --bundle fixtures/bundles/compliant --output site.json
  supaudit collect --bundle evidence/ > site.json
  supaudit collect --probe sup01.corp.example --probe sup.example.com:internet --output probe.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			var dest *output.Dest
			if outPath != "" {
				d, err := output.Prepare(outPath, output.NewInputs(bf.inputPaths()...))
				if err != nil {
					return usageError(fmt.Errorf("--output: %w", err))
				}
				defer d.Abort()
				dest = d
			}
			col, err := bf.collect(ctx, e)
			if err != nil {
				return err
			}
			if dest == nil {
				if _, err := e.stdout.Write(col.Data); err != nil {
					return err
				}
			} else {
				// An interrupted collection is written too: the snapshot
				// marks its collectors incomplete.
				if err := dest.WriteBytes(context.WithoutCancel(ctx), col.Data); err != nil {
					return usageError(err)
				}
				fmt.Fprintf(e.stderr, "supaudit: wrote %s\n", outPath)
			}
			if col.Interrupted {
				return usageError(errInterrupted)
			}
			return nil
		},
	}
	bf.register(cmd)
	cmd.Flags().StringVarP(&outPath, "output", "o", "", "write the snapshot to this file (atomically) instead of standard output")
	return cmd
}

// positive refuses a limit flag of 0 or less, which would otherwise mean
// the default silently.
func positive(flag string, v int64) error {
	if v < 1 {
		return usageError(fmt.Errorf("%s %d: want a positive number (leave the flag out for the default)", flag, v))
	}
	return nil
}

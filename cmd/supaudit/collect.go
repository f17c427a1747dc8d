package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/audit"
	"github.com/supaudit/supaudit/collectors"
	"github.com/supaudit/supaudit/collectors/bundle"
	"github.com/supaudit/supaudit/collectors/evidence/extract"
	"github.com/supaudit/supaudit/output"
)

// bundleFlags are the flags of collect and scan that shape collecting.
type bundleFlags struct {
	bundle        string
	id            string
	maxZipEntries int
	maxFileSize   int64
	maxTotalSize  int64
	// names: --sitectrl-names, the site control names file.
	names string
	// winrm: collect over WinRM instead of from --bundle (winrm.go).
	winrm winrmFlags
	probe probeFlags // --probe, --inventory: the network probe (probe.go)
}

func (b *bundleFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&b.bundle, "bundle", "", "evidence folder: one sub-folder or .zip file per server (see docs/evidence.md)")
	f.StringVar(&b.id, "id", "", "snapshot id (default: <site code>-bundle, -winrm or -probe after the first collector)")
	f.IntVar(&b.maxZipEntries, "max-zip-entries", bundle.DefaultMaxZipEntries, "most entries one server's zip may hold")
	f.Int64Var(&b.maxFileSize, "max-file-size", bundle.DefaultMaxFileSize, "largest evidence file, in bytes")
	f.Int64Var(&b.maxTotalSize, "max-total-size", bundle.DefaultMaxTotalSize, "largest total (uncompressed) evidence of one server, in bytes")
	f.StringVar(&b.names, "sitectrl-names", "", "YAML/JSON file overriding the site control names no source settles for ConfigMgr 2007: site mode, Internet-based SUP, SUP-03 settings (docs/evidence.md)")
	b.winrm.register(cmd) // --bundle or --winrm (winrm.go)
	b.probe.register(cmd) // --probe/--inventory, alone or with --bundle (probe.go)
}

// inputPaths are the files and folders the collectors read, which no
// output may overwrite.
func (b *bundleFlags) inputPaths() []string {
	return []string{b.bundle, b.names, b.probe.inventory, b.probe.caFile, b.winrm.caFile, b.winrm.passwordFile}
}

// options are the bundle collector's options from the flags.
func (b *bundleFlags) options(e *env) (bundle.Options, error) {
	o := bundle.Options{ID: b.id, MaxZipEntries: b.maxZipEntries, MaxFileSize: b.maxFileSize, MaxTotalSize: b.maxTotalSize, Now: e.now}
	if b.names != "" {
		n, err := extract.LoadNames(b.names)
		if err != nil {
			return o, usageError(err)
		}
		var eo extract.Options
		n.Apply(&eo)
		o.SiteMode, o.InternetSUPProperty, o.SUPSettings = eo.SiteMode, eo.InternetSUPProperty, eo.SUPSettings
	}
	return o, nil
}

// collectors are the collectors the flags ask for, in merge order: the
// evidence (a bundle, or WinRM) first, then the network probe.
func (b *bundleFlags) collectors(ctx context.Context, e *env) ([]collectors.Collector, error) {
	for _, l := range []struct {
		flag string
		v    int64
	}{{"--max-zip-entries", int64(b.maxZipEntries)}, {"--max-file-size", b.maxFileSize}, {"--max-total-size", b.maxTotalSize}} {
		if err := positive(l.flag, l.v); err != nil {
			return nil, err
		}
	}
	var cs []collectors.Collector
	switch {
	case b.winrm.enabled():
		if b.bundle != "" {
			return nil, usageError(errors.New("--bundle and --winrm/--winrm-all exclude each other"))
		}
		c, err := b.winrm.collector(e, b)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	case b.bundle != "":
		opts, err := b.options(e)
		if err != nil {
			return nil, err
		}
		cs = append(cs, &bundle.Collector{Dir: b.bundle, Options: opts})
	case !b.probe.enabled():
		return nil, usageError(fmt.Errorf("--bundle DIR or --winrm HOST is required"))
	}
	if b.probe.enabled() {
		c, err := b.probe.collector(e)
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
	cs, err := b.collectors(ctx, e)
	if err != nil {
		return nil, err
	}
	col, err := audit.Collect(ctx, cs, audit.CollectOptions{ID: b.id})
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
				f, err := dest.Open(context.WithoutCancel(ctx))
				if err != nil {
					return usageError(err)
				}
				if _, err := f.Write(col.Data); err != nil {
					f.Abort()
					return usageError(err)
				}
				if err := f.Commit(); err != nil {
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

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/supaudit/supaudit/collectors/bundle"
	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/report"
)

// bundleFlags are the flags of collect and scan that shape collecting.
type bundleFlags struct {
	bundle        string
	id            string
	maxZipEntries int
	maxFileSize   int64
	maxTotalSize  int64
	// winrm: collect over WinRM instead of from --bundle (winrm.go).
	winrm winrmFlags
	probe probeFlags // --probe, --inventory: the network probe (probe.go)
}

func (b *bundleFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&b.bundle, "bundle", "", "evidence folder: one sub-folder or .zip file per server (see docs/evidence.md)")
	f.StringVar(&b.id, "id", "", "snapshot id (default: <site code>-bundle)")
	f.IntVar(&b.maxZipEntries, "max-zip-entries", bundle.DefaultMaxZipEntries, "most entries one server's zip may hold")
	f.Int64Var(&b.maxFileSize, "max-file-size", bundle.DefaultMaxFileSize, "largest evidence file, in bytes")
	f.Int64Var(&b.maxTotalSize, "max-total-size", bundle.DefaultMaxTotalSize, "largest total (uncompressed) evidence of one server, in bytes")
	b.winrm.register(cmd) // --bundle or --winrm (winrm.go)
	b.probe.register(cmd) // --probe/--inventory, alone or with --bundle (probe.go)
}

// options are the bundle collector's options from the flags.
func (b *bundleFlags) options(e *env) bundle.Options {
	return bundle.Options{ID: b.id, MaxZipEntries: b.maxZipEntries, MaxFileSize: b.maxFileSize, MaxTotalSize: b.maxTotalSize, Now: e.now}
}

// collect runs the bundle collector and validates the snapshot against
// the facts schema; it returns the snapshot's JSON and its loaded form.
func (b *bundleFlags) collect(ctx context.Context, e *env) ([]byte, *facts.Document, error) {
	if b.winrm.enabled() {
		return b.winrm.collect(ctx, e, b)
	}
	if b.probe.enabled() {
		return b.probe.collectWith(ctx, e, b) // probe, merged with --bundle (probe.go)
	}
	if b.bundle == "" {
		return nil, nil, usageError(fmt.Errorf("--bundle DIR or --winrm HOST is required"))
	}
	snap, err := bundle.Collect(ctx, b.bundle, b.options(e))
	if err != nil {
		return nil, nil, usageError(err)
	}
	for _, c := range snap.Collectors {
		for _, m := range c.Errors {
			fmt.Fprintf(e.stderr, "supaudit: collect: %s\n", m)
		}
	}
	data, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		return nil, nil, usageError(fmt.Errorf("encode snapshot: %w", err))
	}
	data = append(data, '\n')
	doc, err := facts.Parse(b.bundle, data)
	if err != nil {
		return nil, nil, usageError(fmt.Errorf("collected snapshot does not validate (a collector bug): %w", err))
	}
	return data, doc, nil
}

func newCollectCmd(e *env) *cobra.Command {
	var bf bundleFlags
	var output string
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
  2  usage error, or the bundle could not be read at all`,
		Example: `  supaudit collect --bundle fixtures/bundles/compliant --output site.json
  supaudit collect --bundle evidence/ > site.json
  supaudit collect --probe sup01.corp.example --probe sup.example.com:internet --output probe.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			data, _, err := bf.collect(cmd.Context(), e)
			if err != nil {
				return err
			}
			if output == "" {
				_, err := e.stdout.Write(data)
				return err
			}
			if err := report.WriteFileAtomic(output, func(w io.Writer) error {
				_, err := w.Write(data)
				return err
			}); err != nil {
				return usageError(err)
			}
			fmt.Fprintf(e.stderr, "supaudit: wrote %s\n", output)
			return nil
		},
	}
	bf.register(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the snapshot to this file (atomically) instead of standard output")
	return cmd
}

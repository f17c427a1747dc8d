package winrm

import (
	"context"
	"strings"

	"github.com/supaudit/supaudit/facts"
)

// Collector is the WinRM collector as a collectors.Collector.
type Collector struct {
	Targets []Target
	Options Options
	// SaveEvidence, when set, receives the raw evidence read (the bundle
	// layout) before the snapshot is built, also when some hosts failed.
	SaveEvidence func(context.Context, Evidence) error
}

// Name implements collectors.Collector.
func (c *Collector) Name() string { return CollectorName }

// Source implements collectors.Collector: "winrm:" and the servers.
func (c *Collector) Source() string {
	hosts := make([]string, len(c.Targets))
	for i, t := range c.Targets {
		hosts[i] = t.String()
	}
	return "winrm:" + strings.Join(hosts, ",")
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context) (*facts.Snapshot, error) {
	res, err := Collect(ctx, c.Targets, c.Options)
	if res != nil && c.SaveEvidence != nil && len(res.Evidence) > 0 {
		if serr := c.SaveEvidence(ctx, res.Evidence); serr != nil {
			return nil, serr
		}
	}
	if err != nil {
		return nil, err
	}
	return res.Snapshot, nil
}

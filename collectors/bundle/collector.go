package bundle

import (
	"context"

	"github.com/supaudit/supaudit/facts"
)

// Collector is the bundle collector as a collectors.Collector: the
// evidence bundle at Dir, read with Options.
type Collector struct {
	Dir     string
	Options Options
}

// Name implements collectors.Collector.
func (c *Collector) Name() string { return CollectorName }

// Source implements collectors.Collector: the bundle's path.
func (c *Collector) Source() string { return c.Dir }

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context) (*facts.Snapshot, error) {
	return Collect(ctx, c.Dir, c.Options)
}

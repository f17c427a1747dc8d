package probe

import (
	"context"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/internal/clock"
	"github.com/supaudit/supaudit/inventory"
)

// Collector is the network probe as a collectors.Collector.
type Collector struct {
	Targets []Target
	Options Options
	// ID is the snapshot ID; empty means "probe", or "<site>-probe" with
	// an inventory site.
	ID string
	// Inventory and Site, when set, add the roles the inventory declares.
	Inventory *inventory.Inventory
	Site      *inventory.Site
	// Label names what is probed, for messages (the inventory file).
	Label string
	// Done, when set, is called with the run's result before the
	// snapshot is returned (the CLI prints the TLS summary from it).
	Done func(*Result)
}

// Name implements collectors.Collector.
func (c *Collector) Name() string { return CollectorName }

// Source implements collectors.Collector.
func (c *Collector) Source() string {
	if c.Label != "" {
		return c.Label
	}
	return CollectorName
}

// Collect implements collectors.Collector. An interrupted run returns what
// was probed, marked incomplete.
func (c *Collector) Collect(ctx context.Context) (*facts.Snapshot, error) {
	now := clock.Or(c.Options.Now)
	start := now()
	res := Run(ctx, c.Targets, c.Options)
	id := c.ID
	if id == "" {
		id = "probe"
		if c.Site != nil {
			id = c.Site.Code + "-probe"
		}
	}
	snap := res.Snapshot(id, start)
	if c.Inventory != nil {
		c.Inventory.Declare(c.Site, snap)
	}
	if c.Done != nil {
		c.Done(&res)
	}
	return snap, nil
}

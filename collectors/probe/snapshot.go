package probe

import (
	"time"

	"github.com/supaudit/supaudit/facts"
)

// Snapshot turns a run's result into a facts snapshot with the given id,
// collected at at.
func (r Result) Snapshot(id string, at time.Time) *facts.Snapshot {
	servers := make([]facts.Server, 0, len(r.Servers))
	snap := &facts.Snapshot{
		Schema:      facts.SchemaV1,
		ID:          id,
		CollectedAt: at.UTC(),
		Collectors:  []facts.CollectorRun{r.Run},
	}
	for _, s := range r.Servers {
		if i := (&facts.Snapshot{Servers: servers}).ServerIndex(s.FQDN); i >= 0 {
			facts.MergeServer(&servers[i], s)
			continue
		}
		servers = append(servers, s)
	}
	snap.Servers = servers
	return snap
}

package probe

import (
	"time"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/inventory"
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

// DefaultPairs are the candidate WSUS port pairs: the custom WSUS web site
// (8530/8531) and the IIS Default Web Site (80/443).
var DefaultPairs = []PortPair{{8530, 8531}, {80, 443}}

// TargetsFor turns an inventory site's SUPs into probe targets; caFile is
// the default CA bundle (the inventory's, or one given on the command
// line) for the SUPs without their own.
func TargetsFor(s *inventory.Site, caFile string) []Target {
	ts := make([]Target, 0, len(s.SUPs))
	for _, sup := range s.SUPs {
		t := Target{FQDN: sup.FQDN, InternetFQDN: sup.InternetFQDN, Role: sup.Role, CAFile: sup.CAFile}
		if t.CAFile == "" {
			t.CAFile = caFile
		}
		if sup.Ports != nil {
			t.Pairs = []PortPair{{HTTP: sup.Ports.HTTP, HTTPS: sup.Ports.HTTPS}}
		}
		ts = append(ts, t)
	}
	return ts
}

// PortPair is a WSUS web site's HTTP and HTTPS port.
type PortPair struct {
	HTTP  int
	HTTPS int
}

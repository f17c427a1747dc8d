package extract

import "github.com/supaudit/supaudit/facts"

// FromSiteServer is the PortCheck.From of WCM.log's connections: WCM runs
// on the site server and connects to the WSUS server of each SUP.
const FromSiteServer = "site server"

// applyConnections turns WCM.log's connection attempts into reachability
// facts, the last outcome per server and port, tested from the site
// server; and compares the port of each server's last successful
// connection with the WSUS web site's port (registry PortNumber and IIS
// bindings, compared as they were read): a disagreement is a conflict.
func (b *builder) applyConnections() {
	type key struct {
		srv  *facts.Server
		port int
	}
	lastByPort := map[key]wcmConn{}
	lastOKBySrv := map[*facts.Server]wcmConn{}
	var order []key
	for _, c := range b.conns {
		s := b.server(c.server)
		k := key{s, c.port}
		if _, seen := lastByPort[k]; !seen {
			order = append(order, k)
		}
		lastByPort[k] = c
		if c.reachable {
			lastOKBySrv[s] = c
		}
	}
	for _, k := range order {
		c := lastByPort[k]
		k.srv.Ports = append(k.srv.Ports, facts.PortCheck{Port: k.port, Reachable: facts.Known(c.reachable, c.prov), From: FromSiteServer})
	}
	for _, s := range b.servers {
		c, ok := lastOKBySrv[s]
		if !ok || s.WSUS == nil {
			continue
		}
		dst := s.WSUS.Port
		if c.ssl {
			dst = s.WSUS.SSLPort
		}
		if dst == nil || dst.Value == nil || *dst.Value == c.port {
			continue
		}
		dst.Conflicts = append(dst.Conflicts, facts.Observation[int]{Value: c.port, Provenance: c.prov})
	}
}

package extract

import (
	"strings"

	"github.com/supaudit/supaudit/facts"
)

// FromSiteServer is the PortCheck.From of WCM.log's connections: WCM runs
// on the site server and connects to the WSUS server of each SUP.
const FromSiteServer = "site server"

// wcmConns keeps, of all of WCM.log's connection outcomes, the last one per
// server and port (in order of first appearance) and the last successful
// one per server: memory stays constant however long the log.
type wcmConns struct {
	last   map[connKey]wcmConn
	order  []connKey
	lastOK map[string]wcmConn
	okSeq  []string
	seq    int
}

type connKey struct {
	server string // lower case
	port   int
}

func (w *wcmConns) add(c wcmConn) {
	if w.last == nil {
		w.last, w.lastOK = map[connKey]wcmConn{}, map[string]wcmConn{}
	}
	w.seq++
	c.seq = w.seq
	k := connKey{strings.ToLower(c.server), c.port}
	if _, seen := w.last[k]; !seen {
		w.order = append(w.order, k)
	}
	w.last[k] = c
	if c.reachable {
		if _, seen := w.lastOK[k.server]; !seen {
			w.okSeq = append(w.okSeq, k.server)
		}
		w.lastOK[k.server] = c
	}
}

// applyConnections turns WCM.log's connection attempts into reachability
// facts, the last outcome per server and port, tested from the site
// server; and compares the port of each server's last successful
// connection with the WSUS web site's port (registry PortNumber and IIS
// bindings, compared as they were read): a disagreement is a conflict.
func (b *builder) applyConnections() {
	// Names that differ (short name, FQDN) may be one server: keep the
	// latest outcome of each server and port.
	type key struct {
		srv  *facts.Server
		port int
	}
	last := map[key]wcmConn{}
	var order []key
	for _, k := range b.conns.order {
		c := b.conns.last[k]
		sk := key{b.server(c.server), c.port}
		if prev, seen := last[sk]; !seen {
			order = append(order, sk)
		} else if prev.seq > c.seq {
			continue
		}
		last[sk] = c
	}
	for _, k := range order {
		c := last[k]
		k.srv.Ports = append(k.srv.Ports, facts.PortCheck{Port: c.port, Reachable: facts.Known(c.reachable, c.prov), From: FromSiteServer})
	}
	lastOK := map[*facts.Server]wcmConn{}
	var okOrder []*facts.Server
	for _, name := range b.conns.okSeq {
		c := b.conns.lastOK[name]
		s := b.server(c.server)
		if prev, seen := lastOK[s]; !seen {
			okOrder = append(okOrder, s)
		} else if prev.seq > c.seq {
			continue
		}
		lastOK[s] = c
	}
	for _, s := range okOrder {
		c := lastOK[s]
		if s.WSUS == nil {
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

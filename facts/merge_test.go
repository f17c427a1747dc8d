package facts

import "testing"

func TestMerge(t *testing.T) {
	ev := Provenance{Collector: "bundle", Host: "sup01.corp.example", Source: "registry/wsus.reg"}
	pr := Provenance{Collector: "probe", Host: "sup01.corp.example", Source: "http://sup01.corp.example:80/Selfupdate/wuident.cab"}
	base := &Snapshot{ID: "ABC-bundle", Servers: []Server{{
		FQDN:  "SUP01.corp.example",
		WSUS:  &WSUS{Port: Known(8530, ev), Version: Known("3.2.7600.226", ev)},
		Ports: []PortCheck{{Port: 8530, Reachable: UnknownFact[bool]("not in the log", ev)}},
	}}}
	add := &Snapshot{ID: "probe", Collectors: []CollectorRun{{Name: "probe", Complete: true}}, Servers: []Server{
		{FQDN: "sup01.corp.example", WSUS: &WSUS{Port: Known(80, pr), WebSite: Known("default", pr)},
			Ports: []PortCheck{{Port: 8530, Reachable: Known(false, pr)}, {Port: 80, Reachable: Known(true, pr)}}},
		{FQDN: "sup02.corp.example"},
	}}
	m := Merge(base, add)
	if m.ID != "ABC-bundle" || len(m.Servers) != 2 || len(m.Collectors) != 1 {
		t.Fatalf("merged = %+v", m)
	}
	w := m.Servers[0].WSUS
	if v, _ := w.Port.Get(); v != 8530 || len(w.Port.Conflicts) != 1 || w.Port.Conflicts[0].Value != 80 || w.Port.Conflicts[0].Provenance != pr {
		t.Errorf("port = %+v, want 8530 with the probe's 80 as a conflict", w.Port)
	}
	if v, _ := w.WebSite.Get(); v != "default" {
		t.Errorf("web_site = %+v, want the probe's", w.WebSite)
	}
	ps := m.Servers[0].Ports
	if len(ps) != 2 || ps[0].Reachable.Provenance != pr {
		t.Errorf("ports = %+v: a known probe fact replaces an unknown one", ps)
	}
	if Merge(nil, add) != add || Merge(base, nil) != base {
		t.Error("Merge with nil")
	}
}

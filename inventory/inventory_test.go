package inventory

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/supaudit/supaudit/facts"
)

func TestLoad(t *testing.T) {
	inv, err := Load(filepath.Join("testdata", "sites.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join("testdata", "corp-root.pem"); inv.CAFile != want {
		t.Errorf("ca_file = %q, want %q (relative to the inventory)", inv.CAFile, want)
	}
	if _, err := inv.Site(""); err == nil || !strings.Contains(err.Error(), "--site") {
		t.Errorf("Site(\"\") with two sites: err = %v", err)
	}
	site, err := inv.Site("abc")
	if err != nil {
		t.Fatal(err)
	}
	if s := site.SUPs; len(s) != 2 || s[0].Ports == nil || *s[0].Ports != (PortPair{8530, 8531}) || s[1].Ports != nil || s[1].CAFile != "/etc/ssl/certs/public-roots.pem" {
		t.Errorf("sups = %+v", s)
	}
	if h := site.Hosts(); strings.Join(h, ",") != strings.Join([]string{site.SiteServer, site.SUPs[0].FQDN, site.SUPs[1].FQDN}, ",") {
		t.Errorf("hosts = %v", h)
	}
	snap := &facts.Snapshot{Schema: facts.SchemaV1, ID: "x", CollectedAt: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	inv.Declare(site, snap)
	if len(snap.Servers) != 3 {
		t.Fatalf("servers = %+v", snap.Servers)
	}
	s2 := snap.Servers[2]
	if v, _ := s2.SUP.InternetBased.Get(); !v || s2.SUP.Accepts.Provenance.Collector != "inventory" {
		t.Errorf("sup02 role = %+v", s2.SUP)
	}
	if v, _ := snap.Servers[1].SUP.HTTPPort.Get(); v != 8530 {
		t.Errorf("sup01 http port = %v", v)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"empty", "", "no sites"},
		{"unknown field", "sites: [{code: ABC, sups: [], colour: red}]", "colour"},
		{"bad code", "sites: [{code: ABCD, sups: []}]", "sites[0].code"},
		{"duplicate site", "sites: [{code: ABC, sups: []}, {code: abc, sups: []}]", "listed twice"},
		{"bad role", "sites: [{code: ABC, sups: [{fqdn: a.example, role: dmz}]}]", "sups[0].role"},
		{"internet without FQDN", "sites: [{code: ABC, sups: [{fqdn: a.example, role: internet}]}]", "internet_fqdn: required"},
		{"bad ports", "sites: [{code: ABC, sups: [{fqdn: a.example, role: intranet, ports: {http: 80, https: 80}}]}]", "sups[0].ports"},
		{"bad name", "sites: [{code: ABC, sups: [{fqdn: 'a b', role: intranet}]}]", "sups[0].fqdn"},
		{"bad web site", "sites: [{code: ABC, sups: [{fqdn: a.example, role: intranet, web_site: iis}]}]", "web_site"},
		{"not YAML", "sites: [", "inventory t.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("sites: [{code: ABC, sups: [{fqdn: a.example, role: intranet}]}]"))
	// Over 1 MiB: many SUPs, and a long comment.
	var big strings.Builder
	big.WriteString("sites:\n  - code: ABC\n    sups:\n")
	for i := 0; big.Len() < 1200000; i++ {
		fmt.Fprintf(&big, "      - {fqdn: sup%d.corp.example, role: intranet, ports: {http: 8530, https: 8531}}\n", i)
	}
	f.Add([]byte(big.String()))
	f.Add([]byte("# " + strings.Repeat("x", 1200000) + "\nsites: [{code: ABC, sups: []}]\n"))
	f.Add([]byte("ca_file: x\nsites:\n  - code: A1B\n    sups: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		for i := range inv.Sites {
			snap := &facts.Snapshot{}
			inv.Declare(&inv.Sites[i], snap)
			_ = inv.Sites[i].Hosts()
		}
	})
}

package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/supaudit/supaudit/collectors/probe"
	"github.com/supaudit/supaudit/facts"
)

func TestProbeUsageErrors(t *testing.T) {
	tests := [][]string{
		{"collect"},
		{"collect", "--probe", "bad_name"},
		{"collect", "--probe", "sup01.corp.example:dmz"},
		{"collect", "--probe", "sup01.corp.example", "--site", "ABC"},
		{"collect", "--probe", "sup01.corp.example", "--concurrency", "0"},
		{"collect", "--inventory", "does-not-exist.yaml"},
		{"scan", "--inventory", "../../inventory/testdata/sites.yaml"}, // two sites, no --site
	}
	for _, args := range tests {
		if code, _, errOut := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %s)", args, code, errOut)
		}
	}
}

// TestScanInventoryWithBundle probes a fake WSUS on loopback for the
// compliant bundle's SUP (its made-up FQDN mapped to 127.0.0.1): the probe
// finds WSUS on another port than the evidence says, both are kept, and
// SUP-08 reports the disagreement.
func TestScanInventoryWithBundle(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == probe.PathWuident {
			_, _ = w.Write([]byte("MSCF synthetic"))
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	_, p, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	old := probeResolver
	probeResolver = probe.StaticResolver{"sup01.corp.contoso.com": {"127.0.0.1"}}
	t.Cleanup(func() { probeResolver = old })

	dir := t.TempDir()
	inv := filepath.Join(dir, "sites.yaml")
	if err := os.WriteFile(inv, []byte(fmt.Sprintf(`sites:
  - code: ABC
    sups:
      - fqdn: SUP01.corp.contoso.com
        role: intranet
        ports: {http: %s, https: %d}
`, p, closed)), 0o600); err != nil {
		t.Fatal(err)
	}
	snapFile := filepath.Join(dir, "site.json")
	code, out, errOut := runCLI(t, "scan", "--inventory", inv, "--bundle", compliantBundle, "--quiet", "--snapshot", snapFile, "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (findings)\nstderr: %s", code, errOut)
	}
	if !strings.Contains(out, "sources disagree on the WSUS HTTP port") {
		t.Errorf("SUP-08 does not report the disagreement:\n%s", out)
	}
	doc, err := facts.LoadFile(snapFile, facts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var sup01 *facts.Server
	for i, s := range doc.Snapshot.Servers {
		if strings.EqualFold(s.FQDN, "sup01.corp.contoso.com") {
			sup01 = &doc.Snapshot.Servers[i]
		}
	}
	if sup01 == nil || sup01.WSUS == nil || len(sup01.WSUS.Port.Conflicts) != 1 || sup01.WSUS.Port.Conflicts[0].Provenance.Collector != "probe" {
		t.Fatalf("sup01 wsus = %+v, want the bundle's port with the probe's as a conflict", sup01)
	}
	var names []string
	for _, c := range doc.Snapshot.Collectors {
		names = append(names, c.Name)
	}
	if !strings.Contains(strings.Join(names, ","), "probe") {
		t.Errorf("collectors = %v", names)
	}
}

// TestScanAcceptOnlyPorts: a SUP whose ports complete the TCP handshake
// but never answer HTTP or TLS does not "answer" (SUP-04 passed with
// "answers on port …" before); the snapshot says the ports accept but do
// not answer.
func TestScanAcceptOnlyPorts(t *testing.T) {
	hole := func() int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				t.Cleanup(func() { c.Close() })
			}
		}()
		return l.Addr().(*net.TCPAddr).Port
	}
	h1, h2 := hole(), hole()
	old := probeResolver
	probeResolver = probe.StaticResolver{"sup01.corp.contoso.com": {"127.0.0.1"}}
	t.Cleanup(func() { probeResolver = old })
	dir := t.TempDir()
	inv := filepath.Join(dir, "sites.yaml")
	if err := os.WriteFile(inv, []byte(fmt.Sprintf("sites:\n  - code: ABC\n    sups:\n      - fqdn: SUP01.corp.contoso.com\n        role: intranet\n        ports: {http: %d, https: %d}\n", h1, h2)), 0o600); err != nil {
		t.Fatal(err)
	}
	snapFile := filepath.Join(dir, "site.json")
	_, out, errOut := runCLI(t, "scan", "--inventory", inv, "--quiet", "--snapshot", snapFile, "--format", "json", "--request-timeout", "300ms", "--tls-timeout", "300ms")
	if strings.Contains(out, "answers on port") {
		t.Errorf("a port that only accepts is said to answer:\n%s\nstderr: %s", out, errOut)
	}
	doc, err := facts.LoadFile(snapFile, facts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range doc.Snapshot.Servers {
		for _, p := range s.Ports {
			if v, ok := p.Reachable.Get(); !ok || v {
				t.Errorf("%s port %d reachable = %+v, want false", s.FQDN, p.Port, p.Reachable)
			}
			if v, ok := p.Accepts.Get(); !ok || !v {
				t.Errorf("%s port %d accepts = %+v, want true", s.FQDN, p.Port, p.Accepts)
			}
		}
	}
}

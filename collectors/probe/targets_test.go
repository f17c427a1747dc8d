package probe

import (
	"path/filepath"
	"testing"

	"github.com/supaudit/supaudit/inventory"
)

func TestTargetsFor(t *testing.T) {
	inv, err := inventory.Load(filepath.Join("..", "..", "inventory", "testdata", "sites.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	site, err := inv.Site("abc")
	if err != nil {
		t.Fatal(err)
	}
	ts := TargetsFor(site, inv.CAFile)
	if len(ts) != 2 || len(ts[0].Pairs) != 1 || ts[0].Pairs[0] != (PortPair{8530, 8531}) || len(ts[1].Pairs) != 0 {
		t.Errorf("targets = %+v", ts)
	}
	if ts[1].ClientName() != "sup.example.com" || ts[1].CAFile != "/etc/ssl/certs/public-roots.pem" || ts[0].CAFile != inv.CAFile {
		t.Errorf("target 2 = %+v", ts[1])
	}
}

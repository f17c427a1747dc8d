package policies

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/supaudit/supaudit/facts"
)

// manySUPs is the sample snapshot with n copies of its active SUP and n/4
// of its Internet-based SUP (distinct FQDNs), made at test time.
func manySUPs(t testing.TB, n int) *facts.Document {
	t.Helper()
	raw, err := os.ReadFile("../fixtures/snapshots/native-remote-and-internet-sup.json")
	if err != nil {
		t.Fatal(err)
	}
	var snap map[string]any
	if err := json.Unmarshal(raw, &snap); err != nil {
		t.Fatal(err)
	}
	var siteServer, sup, inet map[string]any
	for _, s := range snap["servers"].([]any) {
		m := s.(map[string]any)
		switch m["fqdn"] {
		case "SCCM01.corp.contoso.com":
			siteServer = m
		case "SUP01.corp.contoso.com":
			sup = m
		case "SUPINET01.corp.contoso.com":
			inet = m
		}
	}
	if siteServer == nil || sup == nil || inet == nil {
		t.Fatal("sample snapshot changed: servers not found")
	}
	clone := func(m map[string]any, fqdn string) map[string]any {
		b, _ := json.Marshal(m)
		var c map[string]any
		_ = json.Unmarshal(b, &c)
		c["fqdn"] = fqdn
		return c
	}
	servers := []any{siteServer}
	for i := range n {
		servers = append(servers, clone(sup, fmt.Sprintf("SUP%04d.corp.contoso.com", i)))
	}
	for i := range n / 4 {
		servers = append(servers, clone(inet, fmt.Sprintf("SUPINET%04d.corp.contoso.com", i)))
	}
	snap["servers"] = servers
	b, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := facts.Parse(fmt.Sprintf("sups-%d.json", n), b)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// evalCounter counts the evaluation steps of one query.
type evalCounter struct{ n int }

func (c *evalCounter) Enabled() bool               { return true }
func (c *evalCounter) Config() topdown.TraceConfig { return topdown.TraceConfig{} }
func (c *evalCounter) TraceEvent(ev topdown.Event) {
	if ev.Op == topdown.EvalOp {
		c.n++
	}
}

// TestEvaluationGrowsLinearlyWithServers: the work of judging one snapshot
// grows with the number of SUPs, not with its square or cube (200 active
// SUPs took 25 s when the rules looked servers up by FQDN in partial sets).
// The measure is OPA's count of evaluated expressions, which does not
// depend on the machine's speed.
func TestEvaluationGrowsLinearlyWithServers(t *testing.T) {
	ctx := context.Background()
	e, err := New(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	steps := func(n int) int {
		v, err := ast.InterfaceToValue(manySUPs(t, n).Raw)
		if err != nil {
			t.Fatal(err)
		}
		c := &evalCounter{}
		if _, err := e.pq.Eval(ctx, rego.EvalParsedInput(v), rego.EvalQueryTracer(c), rego.EvalVirtualCache(newFlatCache())); err != nil {
			t.Fatal(err)
		}
		return c.n
	}
	small, large := steps(20), steps(80)
	ratio := float64(large) / float64(small)
	t.Logf("evaluated expressions: %d with 20 SUPs, %d with 80 (x%.2f for x4 the servers)", small, large, ratio)
	if ratio > 5 {
		t.Errorf("4 times the SUPs cost %.1f times the work; want at most 5 (linear)", ratio)
	}
}

package policies

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/supaudit/supaudit/facts"
)

// userPolicy writes one user policy module whose ORG-01 result's message
// is the Rego expression msg, and returns its directory.
func userPolicy(t *testing.T, msg string) string {
	t.Helper()
	dir := t.TempDir()
	src := `package supaudit.checks.org

import data.supaudit.lib

results contains r if some r in org_01

# METADATA
# scope: document
# title: Org step
# custom:
#   id: ORG-01
org_01 contains {"step": "ORG-01", "status": "pass", "subject": lib.site_name, "message": msg} if {
	msg := ` + msg + `
}
`
	if err := os.WriteFile(filepath.Join(dir, "org.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func sampleDoc(t *testing.T) *facts.Document {
	t.Helper()
	doc, err := facts.LoadFile("../fixtures/snapshots/native-remote-and-internet-sup.json", facts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestRestrictedBuiltinsRefused: by default a user policy that calls a
// built-in reaching outside the evaluation does not compile, and the
// error says which flag allows it.
func TestRestrictedBuiltinsRefused(t *testing.T) {
	for _, call := range []string{
		`sprintf("%v", [http.send({"method": "POST", "url": "http://127.0.0.1:9/", "body": input})])`,
		`sprintf("%v", [net.lookup_ip_addr("localhost")])`,
		`sprintf("%d", [count(net.cidr_expand("10.0.0.0/8"))])`,
		`sprintf("%v", [opa.runtime().env])`,
	} {
		_, err := New(context.Background(), Options{PolicyDirs: []string{userPolicy(t, call)}})
		if err == nil {
			t.Errorf("%s: compiled", call)
			continue
		}
		if !strings.Contains(err.Error(), "only with --allow-network") || !strings.Contains(err.Error(), "org.rego") {
			t.Errorf("%s: error does not name the file and the flag: %v", call, err)
		}
	}
}

// TestAllowNetwork: with AllowNetwork the policy may call http.send; here
// it reaches a server on loopback, which counts the request.
func TestAllowNetwork(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok": true}`))
	}))
	defer srv.Close()
	dir := userPolicy(t, `sprintf("status %d", [http.send({"method": "GET", "url": "`+srv.URL+`"}).status_code])`)
	e, err := New(context.Background(), Options{PolicyDirs: []string{dir}, AllowNetwork: true})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := e.Evaluate(context.Background(), sampleDoc(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rs {
		if r.Step == "ORG-01" && r.Message == "status 200" {
			found = true
		}
	}
	if !found || hits.Load() == 0 {
		t.Fatalf("http.send did not run (hits %d, ORG-01 found %v)", hits.Load(), found)
	}
}

// TestEvalTimeout: a user policy that would run for minutes stops at the
// per-snapshot limit, with an error that names the limit; the engine then
// judges the next snapshot as usual.
func TestEvalTimeout(t *testing.T) {
	dir := userPolicy(t, `sprintf("%d", [count([i | some i in numbers.range(1, 1000000000); i % 7 == 3])])`)
	e, err := New(context.Background(), Options{PolicyDirs: []string{dir}, EvalTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = e.Evaluate(context.Background(), sampleDoc(t), nil)
	took := time.Since(start)
	var te *TimeoutError
	if !errors.As(err, &te) || te.Limit != 300*time.Millisecond {
		t.Fatalf("err = %v, want a TimeoutError of 300ms", err)
	}
	if !strings.Contains(err.Error(), "300ms") || !strings.Contains(err.Error(), "native-remote-and-internet-sup.json") {
		t.Errorf("message does not name the limit and the file: %v", err)
	}
	if took > 20*time.Second {
		t.Errorf("stopped after %v", took)
	}
	// The embedded policies alone, with the same limit, judge the sample.
	e2, err := New(context.Background(), Options{EvalTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e2.Evaluate(context.Background(), sampleDoc(t), nil); err != nil {
		t.Fatal(err)
	}
}

// TestCancelIsNotTimeout: a caller's cancellation (Ctrl-C) is not
// reported as the time limit.
func TestCancelIsNotTimeout(t *testing.T) {
	e, err := New(context.Background(), Options{EvalTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = e.Evaluate(ctx, sampleDoc(t), nil)
	var te *TimeoutError
	if err == nil || errors.As(err, &te) {
		t.Fatalf("err = %v, want a cancellation", err)
	}
}

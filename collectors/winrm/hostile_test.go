package winrm_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/supaudit/supaudit/collectors/winrm"
	"github.com/supaudit/supaudit/collectors/winrm/winrmtest"
	"github.com/supaudit/supaudit/facts"
)

// flat is a SOAP envelope whose body holds n empty elements, generated.
func flat(n int) string {
	return `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>` + strings.Repeat("<a/>", n) + `</s:Body></s:Envelope>`
}

// nested is a SOAP envelope whose body nests depth elements, generated.
func nested(depth int) string {
	var b strings.Builder
	b.WriteString(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>`)
	for range depth {
		b.WriteString("<a>")
	}
	for range depth {
		b.WriteString("</a>")
	}
	b.WriteString(`</s:Body></s:Envelope>`)
	return b.String()
}

// TestDeeplyNestedResponse: an endpoint that answers with 40,000 nested
// elements (about 280 KB, well under the response cap) is refused at
// once as a protocol error, well within the timeouts, and an interrupt
// ends the collection promptly.
func TestDeeplyNestedResponse(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"nested 40000", nested(40000), "nested more than"},
		{"flat 500000 (2 MB)", flat(500000), "more than 16384 elements"},
	} {
		t.Run(tc.name, func(t *testing.T) { hostileBody(t, tc.body, tc.want) })
	}
}

func hostileBody(t *testing.T, body, want string) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/soap+xml;charset=UTF-8")
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	tg, err := winrm.ParseTarget(strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	o := winrm.Options{User: user, Password: password, HostTimeout: 5 * time.Second, ConnectTimeout: 2 * time.Second}
	start := time.Now()
	res, err := winrm.Collect(context.Background(), []winrm.Target{tg}, o)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %v", took)
	}
	if err == nil || res == nil || len(res.HostErrors) != 1 || !errors.Is(res.HostErrors[0], winrm.ErrProtocol) || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want a protocol error saying %q", err, want)
	}
	t.Log(err)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = winrm.Collect(ctx, []winrm.Target{tg}, o)
	if took := time.Since(start); took > 2*time.Second || err == nil {
		t.Errorf("interrupted collection: %v after %v", err, took)
	}
}

// TestStalledReceiveKeepsEvidence: a Receive that never answers fails on
// the per-request timeout, and the error names that timer (not
// --winrm-timeout, still far away); what the host gave before is kept,
// the run marked incomplete, and the unread files are unknown facts that
// say why.
func TestStalledReceiveKeepsEvidence(t *testing.T) {
	defer winrm.SetRequestGrace(time.Second)()
	r := winrmtest.New(t, winrmtest.Config{Dir: filepath.Join(compliant, "SUP01"), User: user, Password: password, TLS: true, Stall: "logs/SUPSetup.log"})
	tg, _ := winrm.ParseTarget(r.HostPort())
	o := options(r.CAPEM())
	o.OperationTimeout = time.Second
	o.HostTimeout = 5 * time.Minute
	start := time.Now()
	res, err := winrm.Collect(context.Background(), []winrm.Target{tg}, o)
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("took %v", took)
	}
	if err != nil {
		t.Fatalf("Collect failed although evidence was read: %v", err)
	}
	var pe *winrm.PartialError
	if len(res.HostErrors) != 1 || !errors.As(res.HostErrors[0], &pe) || !errors.Is(res.HostErrors[0], winrm.ErrTimeout) {
		t.Fatalf("host errors = %v, want one partial timeout", res.HostErrors)
	}
	msg := res.HostErrors[0].Error()
	if !strings.Contains(msg, "per-request timeout of 2s (--winrm-operation-timeout 1s + 1s)") || strings.Contains(msg, "--winrm-timeout") {
		t.Errorf("error %q does not name the per-request timer, or blames --winrm-timeout", msg)
	}
	run := res.Snapshot.Collectors[0]
	if run.Complete || !strings.Contains(strings.Join(run.Errors, "\n"), "per-request timeout") {
		t.Errorf("collector run = %+v, want incomplete with the host's error", run)
	}
	if _, ok := res.Evidence["127.0.0.1_"+strings.Split(r.HostPort(), ":")[1]+"/registry/wsus-setup.reg"]; !ok {
		var names []string
		for n := range res.Evidence {
			names = append(names, n)
		}
		t.Fatalf("the registry export read before the stall is not kept: %v", names)
	}
	var srv *facts.Server
	for i := range res.Snapshot.Servers {
		if strings.HasPrefix(strings.ToLower(res.Snapshot.Servers[i].FQDN), "sup01") {
			srv = &res.Snapshot.Servers[i]
		}
	}
	if srv == nil || srv.WSUS == nil {
		t.Fatalf("no SUP01 WSUS facts: %+v", res.Snapshot.Servers)
	}
	if v, ok := srv.WSUS.Version.Get(); !ok || v == "" {
		t.Errorf("WSUS version from the registry read before the stall = %+v", srv.WSUS.Version)
	}
	dir := "127.0.0.1_" + strings.Split(r.HostPort(), ":")[1]
	man := string(res.Evidence[dir+"/manifest.txt"])
	for _, f := range []string{"logs/SUPSetup.log", "iis/applicationHost.config", "certs/wsus-ssl.cer"} {
		if !strings.Contains(man, "not_collected="+f+": the WinRM collection from this server stopped: ") {
			t.Errorf("manifest does not say why %s is missing:\n%s", f, man)
		}
	}
	if strings.Contains(man, "not_collected=registry/") {
		t.Errorf("manifest lists files that were read:\n%s", man)
	}
}

package winrm_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/supaudit/supaudit/collectors/winrm"
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

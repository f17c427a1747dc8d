package probe

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/supaudit/supaudit/facts"
)

// fakeWSUS serves the WSUS paths; the SSL-required web services answer 403
// over plain HTTP when requireSSL is set.
func fakeWSUS(requireSSL bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == PathWuident:
			_, _ = w.Write([]byte("MSCF\x00\x00\x00\x00 synthetic cab"))
		case r.URL.Path == PathServerVersion:
			_, _ = w.Write([]byte(`<?xml version="1.0"?><ServerVersion synthetic="true"/>`))
		case strings.HasSuffix(r.URL.Path, ".asmx"):
			if requireSSL && r.TLS == nil {
				http.Error(w, "Forbidden", http.StatusForbidden)
				return
			}
			_, _ = w.Write([]byte("<html>web service</html>"))
		default:
			http.NotFound(w, r)
		}
	})
}

func port(t testing.TB, u string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return n
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return p
}

func caFile(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(f, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

var loopback = StaticResolver{"sup01.corp.example": {"127.0.0.1"}, "example.com": {"127.0.0.1"}}

func TestProbeHosts(t *testing.T) {
	sslHTTP := httptest.NewServer(fakeWSUS(true))
	defer sslHTTP.Close()
	sslTLS := httptest.NewTLSServer(fakeWSUS(true))
	defer sslTLS.Close()
	plainHTTP := httptest.NewServer(fakeWSUS(false))
	defer plainHTTP.Close()
	notWSUS := httptest.NewServer(http.NotFoundHandler())
	defer notWSUS.Close()
	ca := caFile(t, sslTLS)
	closed := closedPort(t)

	tests := []struct {
		name      string
		target    Target
		resolves  bool
		reachable map[int]bool
		wsusPort  int // 0: no WSUS port fact
		sslPort   int
		sslReq    *bool // every SSL-required vdir; nil: not established
		trusted   *bool // nil: no certificate
	}{
		{
			name:      "WSUS requiring SSL, trusted certificate",
			target:    Target{FQDN: "example.com", Pairs: []PortPair{{port(t, sslHTTP.URL), port(t, sslTLS.URL)}}, CAFile: ca},
			resolves:  true,
			reachable: map[int]bool{port(t, sslHTTP.URL): true, port(t, sslTLS.URL): true},
			wsusPort:  port(t, sslHTTP.URL), sslPort: port(t, sslTLS.URL),
			sslReq: ptr(true), trusted: ptr(true),
		},
		{
			name:      "system roots do not trust the test CA",
			target:    Target{FQDN: "example.com", Pairs: []PortPair{{port(t, sslHTTP.URL), port(t, sslTLS.URL)}}},
			resolves:  true,
			reachable: map[int]bool{port(t, sslHTTP.URL): true, port(t, sslTLS.URL): true},
			wsusPort:  port(t, sslHTTP.URL), sslPort: port(t, sslTLS.URL),
			sslReq: ptr(true), trusted: ptr(false),
		},
		{
			name:      "WSUS over HTTP only, SSL port closed",
			target:    Target{FQDN: "sup01.corp.example", Pairs: []PortPair{{port(t, plainHTTP.URL), closed}}},
			resolves:  true,
			reachable: map[int]bool{port(t, plainHTTP.URL): true, closed: false},
			wsusPort:  port(t, plainHTTP.URL),
			sslReq:    ptr(false),
		},
		{
			name:      "a web server that is not WSUS",
			target:    Target{FQDN: "sup01.corp.example", Pairs: []PortPair{{port(t, notWSUS.URL), closed}}},
			resolves:  true,
			reachable: map[int]bool{port(t, notWSUS.URL): true, closed: false},
		},
		{
			name:     "name does not resolve",
			target:   Target{FQDN: "nowhere.corp.example"},
			resolves: false,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := Run(context.Background(), []Target{tc.target}, Options{Resolver: loopback, ConnectTimeout: 2 * time.Second, RequestTimeout: 5 * time.Second})
			if !res.Run.Complete {
				t.Errorf("run incomplete: %v", res.Run.Errors)
			}
			s := res.Servers[0]
			if v, ok := s.Resolves.Get(); !ok || v != tc.resolves {
				t.Fatalf("resolves = %v, %v; want %v", v, ok, tc.resolves)
			}
			got := map[int]bool{}
			for _, p := range s.Ports {
				v, ok := p.Reachable.Get()
				if !ok {
					t.Errorf("port %d: reachability unknown: %s", p.Port, p.Reachable.Unknown)
				}
				got[p.Port] = v
				// Answering is shown by a URL (an HTTP response) or a TLS
				// handshake; refusing by the TCP connect.
				hp := net.JoinHostPort(tc.target.FQDN, strconv.Itoa(p.Port))
				src := p.Reachable.Provenance.Source
				switch {
				case p.Reachable.Provenance.Collector != CollectorName:
					t.Errorf("port %d: provenance %+v", p.Port, p.Reachable.Provenance)
				case v && src != "http://"+hp+PathWuident && src != "tls://"+hp:
					t.Errorf("port %d answers, shown by %q", p.Port, src)
				case !v && src != "tcp://"+hp:
					t.Errorf("port %d does not answer, shown by %q", p.Port, src)
				}
				if a, ok := p.Accepts.Get(); !ok || a != v || p.Accepts.Provenance.Source != "tcp://"+hp {
					t.Errorf("port %d accepts = %+v, want %v from tcp://", p.Port, p.Accepts, v)
				}
			}
			if len(got) != len(tc.reachable) {
				t.Errorf("ports = %v, want %v", got, tc.reachable)
			}
			for p, want := range tc.reachable {
				if got[p] != want {
					t.Errorf("port %d reachable = %v, want %v", p, got[p], want)
				}
			}
			var w facts.WSUS
			if s.WSUS != nil {
				w = *s.WSUS
			}
			if v, _ := w.Port.Get(); v != tc.wsusPort {
				t.Errorf("wsus.port = %v, want %d", v, tc.wsusPort)
			}
			if v, _ := w.SSLPort.Get(); v != tc.sslPort {
				t.Errorf("wsus.ssl_port = %v, want %d", v, tc.sslPort)
			}
			if tc.sslReq == nil && len(w.SSLRequired) > 0 {
				t.Errorf("ssl_required = %v, want none", w.SSLRequired)
			}
			if tc.sslReq != nil {
				for _, vd := range SSLServices {
					f := w.SSLRequired[vd.VDir]
					if v, ok := f.Get(); !ok || v != *tc.sslReq {
						t.Errorf("ssl_required[%s] = %v, %v; want %v", vd.VDir, v, ok, *tc.sslReq)
					}
				}
			}
			c, ok := w.Certificate.Get()
			switch {
			case tc.trusted == nil && ok:
				t.Errorf("certificate %+v, want none", c)
			case tc.trusted != nil && !ok:
				t.Errorf("no certificate: %+v", w.Certificate)
			case tc.trusted != nil:
				if c.Trusted == nil || *c.Trusted != *tc.trusted {
					t.Errorf("trusted = %v, want %v", c.Trusted, *tc.trusted)
				}
				if !strings.HasPrefix(w.Certificate.Provenance.Source, "tls://example.com:") || len(c.Thumbprint) != 40 {
					t.Errorf("certificate provenance %+v thumbprint %q", w.Certificate.Provenance, c.Thumbprint)
				}
				if len(res.TLS) != 1 || res.TLS[0].Protocol == "" || res.TLS[0].Cipher == "" || !res.TLS[0].NameMatches {
					t.Errorf("TLS info %+v", res.TLS)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// blackHole accepts connections and never answers; it returns its port.
func blackHole(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return l.Addr().(*net.TCPAddr).Port
}

// TestSilentServer: a server that accepts and never answers costs one
// request timeout per port, and the facts say that the port accepts
// connections but does not answer (before, it was taken as answering and
// SUP-04 passed: "answers on port 8530, 8531").
func TestSilentServer(t *testing.T) {
	hole := blackHole(t)
	hole2 := blackHole(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := Run(ctx, []Target{{FQDN: "sup01.corp.example", Pairs: []PortPair{{hole, hole2}}}}, Options{
		Resolver: loopback, ConnectTimeout: time.Second, TLSTimeout: 300 * time.Millisecond, RequestTimeout: 300 * time.Millisecond, HostTimeout: 10 * time.Second,
	})
	if ctx.Err() != nil {
		t.Fatal("the probe did not give up on its own")
	}
	s := res.Servers[0]
	if len(s.Ports) != 2 {
		t.Fatalf("ports = %+v", s.Ports)
	}
	for _, p := range s.Ports {
		if v, ok := p.Reachable.Get(); !ok || v || !isTrue(p.Accepts) {
			t.Errorf("port %d: reachable %+v, accepts %+v: want not answering, accepting", p.Port, p.Reachable, p.Accepts)
		}
	}
	if src := s.Ports[1].Reachable.Provenance.Source; !strings.HasPrefix(src, "tls://") {
		t.Errorf("SSL port not answering shown by %q, want the TLS handshake", src)
	}
	if s.WSUS != nil {
		t.Errorf("wsus = %+v, want nothing", s.WSUS)
	}
	if !strings.Contains(strings.Join(res.Run.Errors, "\n"), "sup01.corp.example: http://sup01.corp.example:") {
		t.Errorf("errors = %v, want the timed-out request", res.Run.Errors)
	}
}

// TestEndlessBody: a server streaming an endless body is read up to
// MaxBody and abandoned; the server gets to write little more than that
// plus the socket buffers.
func TestEndlessBody(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		buf := []byte(strings.Repeat("MSCF", 8192))
		for {
			n, err := w.Write(buf)
			written.Add(int64(n))
			if err != nil || r.Context().Err() != nil {
				return
			}
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const maxBody = 64 << 10
	res := Run(ctx, []Target{{FQDN: "sup01.corp.example", Pairs: []PortPair{{port(t, srv.URL), closedPort(t)}}}}, Options{
		Resolver: loopback, RequestTimeout: 2 * time.Second, MaxBody: maxBody,
	})
	if ctx.Err() != nil {
		t.Fatal("the probe did not give up on its own")
	}
	if v, _ := res.Servers[0].WSUS.Port.Get(); v != port(t, srv.URL) {
		t.Errorf("wsus.port = %v: the capped body should still show WSUS (MSCF)", v)
	}
	// 7 requests, each read to maxBody; the rest is kernel buffering.
	if n := written.Load(); n > 7*maxBody+64<<20 {
		t.Errorf("server wrote %d bytes: body not capped", n)
	}
}

// TestInterrupt: a cancelled run returns every target, marked incomplete.
func TestInterrupt(t *testing.T) {
	hole := blackHole(t)
	targets := make([]Target, 20)
	r := StaticResolver{}
	for i := range targets {
		name := "sup" + strconv.Itoa(i) + ".corp.example"
		r[name] = []string{"127.0.0.1"}
		targets[i] = Target{FQDN: name, Pairs: []PortPair{{hole, hole}}}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var started atomic.Int32
	res := Run(ctx, targets, Options{
		Resolver: r, Concurrency: 2, RequestTimeout: 10 * time.Second, TLSTimeout: 10 * time.Second,
		Dial: func(ctx context.Context, n, a string) (net.Conn, error) {
			if started.Add(1) == 3 {
				cancel()
			}
			var d net.Dialer
			return d.DialContext(ctx, n, a)
		},
	})
	if res.Run.Complete {
		t.Error("interrupted run marked complete")
	}
	if len(res.Servers) != len(targets) {
		t.Fatalf("%d servers, want %d", len(res.Servers), len(targets))
	}
	for i, s := range res.Servers {
		if s.FQDN != targets[i].FQDN {
			t.Errorf("server %d = %q, want %q", i, s.FQDN, targets[i].FQDN)
		}
	}
	if !strings.Contains(strings.Join(res.Run.Errors, "\n"), "interrupted") {
		t.Errorf("errors = %v", res.Run.Errors)
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in      string
		want    Target
		wantErr bool
	}{
		{"sup01.corp.example", Target{FQDN: "sup01.corp.example"}, false},
		{"sup.example.com:internet", Target{FQDN: "sup.example.com", InternetFQDN: "sup.example.com", Role: "internet"}, false},
		{"sup01:both", Target{FQDN: "sup01", Role: "both"}, false},
		{"sup01:8530", Target{}, true},
		{"", Target{}, true},
		{"bad_name", Target{}, true},
	}
	for _, tc := range tests {
		got, err := ParseTarget(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseTarget(%q) error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && (got.FQDN != tc.want.FQDN || got.Role != tc.want.Role || got.InternetFQDN != tc.want.InternetFQDN) {
			t.Errorf("ParseTarget(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"sup01.corp.example", "a:internet", ":", "x:y:z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if tg, err := ParseTarget(s); err == nil && tg.FQDN == "" {
			t.Errorf("ParseTarget(%q): empty FQDN without error", s)
		}
	})
}

func TestStaticResolverNotFound(t *testing.T) {
	_, err := StaticResolver{}.LookupHost(context.Background(), "x.example")
	var de *net.DNSError
	if !errors.As(err, &de) || !de.IsNotFound {
		t.Errorf("err = %v, want not found", err)
	}
}

// TestHostDeadline: the per-host deadline cuts requests and handshakes
// that their own, longer timeouts would let run.
func TestHostDeadline(t *testing.T) {
	hole, hole2 := blackHole(t), blackHole(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := Run(ctx, []Target{{FQDN: "sup01.corp.example", Pairs: []PortPair{{hole, hole2}}}}, Options{
		Resolver: loopback, TLSTimeout: time.Minute, RequestTimeout: time.Minute, HostTimeout: 300 * time.Millisecond,
	})
	if ctx.Err() != nil {
		t.Fatal("the per-host deadline did not stop the probe")
	}
	if !strings.Contains(strings.Join(res.Run.Errors, "\n"), "per-host deadline") {
		t.Errorf("errors = %v, want the per-host deadline", res.Run.Errors)
	}
	if c := res.Servers[0].WSUS; c != nil && c.Certificate != nil && c.Certificate.Value != nil {
		t.Errorf("certificate from a silent server: %+v", c.Certificate)
	}
}

// TestStalledAndTruncatedBodies: a body that stops coming costs one
// request timeout for the port (before: one per WSUS path, seven), and a
// body cut short is not taken as evidence (a cut cabinet file still
// starts with MSCF) and is reported as cut.
func TestStalledAndTruncatedBodies(t *testing.T) {
	stall := make(chan struct{})
	defer close(stall)
	var stalledRequests atomic.Int64
	stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stalledRequests.Add(1)
		w.Header().Set("Content-Length", "100000")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("MSCF"))
		w.(http.Flusher).Flush()
		select {
		case <-stall:
		case <-r.Context().Done():
		}
	}))
	defer stalled.Close()
	cut := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("MSCF and no more"))
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer cut.Close()
	const reqTO = 500 * time.Millisecond
	opts := Options{Resolver: loopback, ConnectTimeout: time.Second, TLSTimeout: 300 * time.Millisecond, RequestTimeout: reqTO, HostTimeout: 20 * time.Second}

	start := time.Now()
	res := Run(context.Background(), []Target{{FQDN: "sup01.corp.example", Pairs: []PortPair{{port(t, stalled.URL), closedPort(t)}}}}, opts)
	// Seven request timeouts before; one now. The bound leaves room for a
	// loaded CI machine and still tells the two apart.
	if took := time.Since(start); took > 5*reqTO {
		t.Errorf("a stalled body took %v, want about one request timeout (%v), not one per request", took, reqTO)
	}
	if n := stalledRequests.Load(); n != 1 {
		t.Errorf("%d requests to the stalling port, want 1", n)
	}
	if s := res.Servers[0]; s.WSUS != nil && s.WSUS.Port != nil {
		t.Errorf("wsus.port = %+v from a body that never completed", s.WSUS.Port)
	}
	if errs := strings.Join(res.Run.Errors, "\n"); !strings.Contains(errs, "the response body stalled after 4 bytes (request timeout 500ms)") {
		t.Errorf("errors %q do not say the body stalled", errs)
	}
	if p := res.Servers[0].Ports[0]; !isTrue(p.Reachable) {
		t.Errorf("port %d sent a status line: it answers; got %+v", p.Port, p.Reachable)
	}

	res = Run(context.Background(), []Target{{FQDN: "sup01.corp.example", Pairs: []PortPair{{port(t, cut.URL), closedPort(t)}}}}, opts)
	if s := res.Servers[0]; s.WSUS != nil && s.WSUS.Port != nil {
		t.Errorf("wsus.port = %+v from a truncated body", s.WSUS.Port)
	}
	if errs := strings.Join(res.Run.Errors, "\n"); !strings.Contains(errs, "the response body was cut short after 16 bytes") || !strings.Contains(errs, "not used as evidence") {
		t.Errorf("errors %q do not say the body was cut short", errs)
	}
}

// TestSHA1ChainTrusted: a certificate chain signed with SHA-1 (as a
// Windows Server 2003 enterprise CA issues it) is trusted when it leads to
// a root of the CA file, and the facts name each signature algorithm so
// that params.certificate.sha1_signatures can flag it; a root it does not
// lead to is still untrusted.
func TestSHA1ChainTrusted(t *testing.T) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	serial := int64(0)
	mk := func(cn string, parent *x509.Certificate, parentKey *rsa.PrivateKey, ca bool) (*x509.Certificate, *rsa.PrivateKey) {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		serial++
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC),
			SignatureAlgorithm: x509.SHA1WithRSA, BasicConstraintsValid: true, IsCA: ca,
		}
		if ca {
			tmpl.KeyUsage = x509.KeyUsageCertSign
		} else {
			tmpl.DNSNames = []string{"example.com"}
			tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
			tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		}
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c, key
	}
	root, rootKey := mk("Contoso Root CA (SHA-1)", nil, nil, true)
	leaf, leafKey := mk("example.com", root, rootKey, false)
	other, _ := mk("Another Root CA", nil, nil, true)
	srv := httptest.NewUnstartedServer(fakeWSUS(true))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leaf.Raw}, PrivateKey: leafKey}}}
	srv.StartTLS()
	defer srv.Close()
	write := func(c *x509.Certificate) string {
		f := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(f, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	for _, tc := range []struct {
		name    string
		ca      string
		trusted bool
	}{
		{"the SHA-1 root of the CA file", write(root), true},
		{"a root the chain does not lead to", write(other), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := Target{FQDN: "example.com", Pairs: []PortPair{{closedPort(t), port(t, srv.URL)}}, CAFile: tc.ca}
			res := Run(context.Background(), []Target{target}, Options{Resolver: loopback, ConnectTimeout: 2 * time.Second, RequestTimeout: 5 * time.Second, Now: func() time.Time { return at }})
			s := res.Servers[0]
			if s.WSUS == nil || s.WSUS.Certificate == nil || s.WSUS.Certificate.Value == nil {
				t.Fatalf("no certificate fact: %+v", s.WSUS)
			}
			c := s.WSUS.Certificate.Value
			if c.Trusted == nil || *c.Trusted != tc.trusted {
				t.Errorf("trusted = %v, want %v", c.Trusted, tc.trusted)
			}
			if c.SignatureAlgorithm != "SHA1-RSA" {
				t.Errorf("signature algorithm %q, want SHA1-RSA", c.SignatureAlgorithm)
			}
			if tc.trusted && (len(c.Chain) != 1 || !c.Chain[0].Root || c.Chain[0].SignatureAlgorithm != "SHA1-RSA") {
				t.Errorf("chain %+v, want the SHA-1 root", c.Chain)
			}
		})
	}
}

package probe

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/inventory"
	"github.com/supaudit/supaudit/policies"
)

// lookTool finds a program on PATH or in the sbin folders (nginx lives in
// /usr/sbin, which is not on every user's PATH).
func lookTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range []string{"/usr/sbin", "/usr/local/sbin", "/sbin"} {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// pki makes a trusted root CA, a rogue CA and the server certificates of
// the scenarios (all synthetic, valid for loopback tests only) with fixed
// validity windows, so that the probe, judged at nginxNow, sees the same
// certificates on any day: CAs 2025-2037, leaves 2026-2036, the expired
// leaf 2020-2021.
type pki struct {
	dir   string
	certs map[string]*x509.Certificate
	keys  map[string]*ecdsa.PrivateKey
}

// nginxNow is the probe's clock and the snapshot's collected_at.
var nginxNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func newPKI(dir string) *pki {
	return &pki{dir: dir, certs: map[string]*x509.Certificate{}, keys: map[string]*ecdsa.PrivateKey{}}
}

func (p *pki) issue(t *testing.T, name string, tmpl *x509.Certificate, ca string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = big.NewInt(int64(len(p.certs) + 1000))
	parent, signer := tmpl, key
	if ca != "" {
		parent, signer = p.certs[ca], p.keys[ca]
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	p.certs[name], p.keys[name] = cert, key
	for file, block := range map[string]*pem.Block{
		name + ".pem": {Type: "CERTIFICATE", Bytes: der},
		name + ".key": {Type: "EC PRIVATE KEY", Bytes: kder},
	} {
		if err := os.WriteFile(filepath.Join(p.dir, file), pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func (p *pki) ca(t *testing.T, name, cn string) {
	p.issue(t, name, &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2037, 1, 1, 0, 0, 0, 0, time.UTC),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, "")
}

// leaf issues name.pem/name.key from ca for the DNS names; with expired the
// validity window is 2020-2021.
func (p *pki) leaf(t *testing.T, name, ca string, expired bool, dns ...string) {
	from, until := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC)
	if expired {
		from, until = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	p.issue(t, name, &x509.Certificate{
		Subject:               pkix.Name{CommonName: dns[0]},
		DNSNames:              dns,
		NotBefore:             from,
		NotAfter:              until,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca)
}

func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ps []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ps = append(ps, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		_ = l.Close()
	}
	return ps
}

// startNginx writes the WSUS tree and an nginx configuration into dir and
// runs nginx in the foreground until the test ends.
//
// Pair A plays the custom WSUS web site (8530/8531): its web services do
// not require SSL. Pair B plays the IIS Default Web Site (80/443): the five
// web services answer 403 over plain HTTP. The certificate on B's SSL port
// is chosen by SNI, one per scenario.
func startNginx(t *testing.T, nginx, dir string, a, b PortPair, vhosts map[string]string) {
	www := filepath.Join(dir, "www")
	files := map[string]string{
		"Selfupdate/wuident.cab":                       "MSCF\x00\x00\x00\x00 synthetic cabinet for tests",
		"ClientWebService/wusserverversion.xml":        `<?xml version="1.0" encoding="utf-8"?><!-- synthetic --><ServerVersion/>`,
		"ClientWebService/client.asmx":                 "synthetic web service",
		"SimpleAuthWebService/SimpleAuth.asmx":         "synthetic web service",
		"DssAuthWebService/DssAuth.asmx":               "synthetic web service",
		"ServerSyncWebService/ServerSync.asmx":         "synthetic web service",
		"ApiRemoting30/WebService.asmx":                "synthetic web service",
		"ReportingWebService/ReportingWebService.asmx": "synthetic web service",
	}
	for f, c := range files {
		p := filepath.Join(www, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var c strings.Builder
	if os.Geteuid() == 0 {
		c.WriteString("user root root;\n")
	}
	fmt.Fprintf(&c, `worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 256; }
http {
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  root %[2]s;
  ssl_protocols TLSv1.2 TLSv1.3;
  server { listen 127.0.0.1:%[3]d; }
  server { listen 127.0.0.1:%[4]d ssl; ssl_certificate %[1]s/sup01.pem; ssl_certificate_key %[1]s/sup01.key; }
  server {
    listen 127.0.0.1:%[5]d;
    location ~ ^/(ApiRemoting30|ClientWebService|DssAuthWebService|ServerSyncWebService|SimpleAuthWebService)/[^/]*\.asmx$ { return 403; }
  }
`, dir, www, a.HTTP, a.HTTPS, b.HTTP)
	first := true
	for name, cert := range vhosts {
		def := ""
		if first {
			def = " default_server"
			first = false
		}
		fmt.Fprintf(&c, "  server { listen 127.0.0.1:%d ssl%s; server_name %s; ssl_certificate %s/%s.pem; ssl_certificate_key %s/%s.key; }\n", b.HTTPS, def, name, dir, cert, dir, cert)
	}
	c.WriteString("}\n")
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(c.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nginx, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", conf, "-g", "daemon off;")
	// Output to a file, not a pipe: a worker outliving the master would
	// keep a pipe open and Wait would never return.
	outFile, err := os.Create(filepath.Join(dir, "nginx.out"))
	if err != nil {
		t.Fatal(err)
	}
	defer outFile.Close()
	cmd.Stdout, cmd.Stderr = outFile, outFile
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		// SIGTERM: the master stops its workers (fast shutdown) and exits;
		// SIGKILL would orphan the worker.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	out := &bytes.Buffer{}
	readOut := func() string { b, _ := os.ReadFile(outFile.Name()); out.Write(b); return out.String() }
	deadline := time.Now().Add(15 * time.Second)
	for _, p := range []int{a.HTTP, a.HTTPS, b.HTTP, b.HTTPS} {
		for {
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", p), time.Second)
			if err == nil {
				_ = c.Close()
				break
			}
			select {
			case err := <-exited:
				log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
				t.Fatalf("nginx exited: %v\n%s\n%s", err, readOut(), log)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("nginx does not listen on %d: %s", p, readOut())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// TestNginxEndToEnd probes a real web server (nginx) serving the WSUS
// paths on two port pairs, with certificates of fixed validity, and judges
// the facts with the embedded policies: SUP-04, SUP-08 and SUP-10 for a
// valid, an expired, a wrongly named and an untrusted certificate on the
// Internet-based SUP, and for an Internet-based SUP that does not answer.
func TestNginxEndToEnd(t *testing.T) {
	nginx := lookTool("nginx")
	if nginx == "" {
		t.Skip("nginx is not installed (Debian packages nginx-light/nginx and openssl; .ci/packages.d/probe.txt)")
	}
	dir := t.TempDir()
	p := newPKI(dir)
	p.ca(t, "root", "Synthetic Test Root CA")
	p.ca(t, "rogue", "Synthetic Untrusted CA")
	p.leaf(t, "sup01", "root", false, "sup01.corp.example")
	p.leaf(t, "valid", "root", false, "inet-valid.example.com", "sup02.corp.example")
	p.leaf(t, "expired", "root", true, "inet-expired.example.com", "sup02.corp.example")
	p.leaf(t, "wrongname", "root", false, "other.example.net")
	p.leaf(t, "untrusted", "rogue", false, "inet-untrusted.example.com", "sup02.corp.example")
	ports := freePorts(t, 6)
	a, b := PortPair{ports[0], ports[1]}, PortPair{ports[2], ports[3]}
	down := PortPair{ports[4], ports[5]} // nothing listens here
	startNginx(t, nginx, dir, a, b, map[string]string{
		"inet-valid.example.com":     "valid",
		"inet-expired.example.com":   "expired",
		"inet-wrongname.example.com": "wrongname",
		"inet-untrusted.example.com": "untrusted",
	})

	resolver := StaticResolver{}
	for _, n := range []string{"cm01.corp.example", "sup01.corp.example", "sup02.corp.example"} {
		resolver[n] = []string{"127.0.0.1"}
	}
	engine, err := policies.New(context.Background(), policies.Options{Params: map[string]any{
		// The test's free ports play 8530/8531 and 80/443.
		"ports": map[string]any{
			"custom":  map[string]any{"http": a.HTTP, "https": a.HTTPS},
			"default": map[string]any{"http": b.HTTP, "https": b.HTTPS},
		},
	}})
	if err != nil {
		t.Fatal(err)
	}

	type verdict struct{ step, subject, status string }
	tests := []struct {
		name    string
		variant string
		pair    PortPair
		want    []verdict
		message string // in the SUP-10 result for sup02
	}{
		{"valid certificate", "valid", b, []verdict{
			{"SUP-04", "sup02.corp.example", "pass"}, {"SUP-08", "sup02.corp.example", "pass"},
			// Everything the network shows is right; whether wsusutil
			// configuressl ran (UsingSSL) is only in the registry.
			{"SUP-10", "sup02.corp.example", "unknown"},
		}, "whether WSUS uses SSL is unknown"},
		{"expired certificate", "expired", b, []verdict{
			{"SUP-04", "sup02.corp.example", "pass"}, {"SUP-08", "sup02.corp.example", "pass"}, {"SUP-10", "sup02.corp.example", "fail"},
		}, "expired"},
		{"certificate for another name", "wrongname", b, []verdict{
			{"SUP-04", "sup02.corp.example", "pass"}, {"SUP-08", "sup02.corp.example", "pass"}, {"SUP-10", "sup02.corp.example", "fail"},
		}, "does not name the Internet FQDN inet-wrongname.example.com"},
		{"certificate from an untrusted CA", "untrusted", b, []verdict{
			{"SUP-04", "sup02.corp.example", "pass"}, {"SUP-08", "sup02.corp.example", "pass"}, {"SUP-10", "sup02.corp.example", "fail"},
		}, "is not trusted"},
		{"Internet-based SUP does not answer", "valid", down, []verdict{
			{"SUP-04", "sup02.corp.example", "fail"}, {"SUP-08", "sup02.corp.example", "fail"}, {"SUP-10", "sup02.corp.example", "unknown"},
		}, "certificate bound to the WSUS web site is unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := fmt.Sprintf(`ca_file: root.pem
sites:
  - code: ABC
    site_server: cm01.corp.example
    sups:
      - fqdn: sup01.corp.example
        role: intranet
        ports: {http: %d, https: %d}
        web_site: custom
      - fqdn: sup02.corp.example
        internet_fqdn: inet-%s.example.com
        role: internet
        ports: {http: %d, https: %d}
        web_site: default
`, a.HTTP, a.HTTPS, tc.variant, tc.pair.HTTP, tc.pair.HTTPS)
			invFile := filepath.Join(dir, "sites-"+tc.variant+".yaml")
			if err := os.WriteFile(invFile, []byte(inv), 0o600); err != nil {
				t.Fatal(err)
			}
			doc := probeInventory(t, invFile, resolver)
			rs, err := engine.Evaluate(context.Background(), doc, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := map[[2]string]string{}
			var msg10 []string
			for _, r := range rs {
				k := [2]string{r.Step, r.Subject}
				if got[k] == "" || got[k] == "pass" {
					got[k] = string(r.Status)
				}
				if r.Step == "SUP-10" && r.Subject == "sup02.corp.example" {
					msg10 = append(msg10, r.Message)
				}
			}
			want := append([]verdict{
				{"SUP-04", "sup01.corp.example", "pass"}, {"SUP-04", "site ABC", "pass"}, {"SUP-08", "sup01.corp.example", "pass"},
			}, tc.want...)
			for _, w := range want {
				if g := got[[2]string{w.step, w.subject}]; g != w.status {
					t.Errorf("%s %s = %q, want %q (all: %v; SUP-10 messages %q)", w.step, w.subject, g, w.status, got, msg10)
				}
			}
			if !strings.Contains(strings.Join(msg10, "\n"), tc.message) {
				t.Errorf("SUP-10 messages %q, want one containing %q", msg10, tc.message)
			}
			// The facts behind the verdicts.
			var sup01 *facts.Server
			for i := range doc.Snapshot.Servers {
				if doc.Snapshot.Servers[i].FQDN == "sup01.corp.example" {
					sup01 = &doc.Snapshot.Servers[i]
				}
			}
			if sup01 == nil || sup01.WSUS == nil {
				t.Fatal("no WSUS facts for sup01")
			}
			for _, vd := range SSLServices {
				if v, ok := sup01.WSUS.SSLRequired[vd.VDir].Get(); !ok || v {
					t.Errorf("sup01 ssl_required[%s] = %v, %v; want false (pair A serves it over HTTP)", vd.VDir, v, ok)
				}
			}
			if c, ok := sup01.WSUS.Certificate.Get(); !ok || c.Trusted == nil || !*c.Trusted {
				t.Errorf("sup01 certificate %+v: want trusted (root.pem)", sup01.WSUS.Certificate)
			}
		})
	}
}

// probeInventory probes an inventory's single site, as `supaudit scan
// --inventory` does, and returns the validated snapshot.
func probeInventory(t *testing.T, file string, r Resolver) *facts.Document {
	t.Helper()
	inv, err := inventory.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	site, err := inv.Site("")
	if err != nil {
		t.Fatal(err)
	}
	res := Run(context.Background(), TargetsFor(site, inv.CAFile), Options{Resolver: r, ConnectTimeout: 2 * time.Second, RequestTimeout: 5 * time.Second, Now: func() time.Time { return nginxNow }})
	snap := res.Snapshot("ABC-probe", nginxNow)
	inv.Declare(site, snap)
	data, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := facts.Parse(file, data)
	if err != nil {
		t.Fatalf("snapshot does not validate: %v\n%s", err, data)
	}
	return doc
}

package bundle

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/supaudit/supaudit/facts"
)

// TestGenerateLogCaseBundles writes the bundles under
// fixtures/bundles/log-ssl-cases: each is the compliant bundle
// (fixtures/bundles/compliant) with the evidence files of one case
// replaced, in the formats of the public sources named in the README
// below and in docs/sources.md. It runs only with SUPAUDIT_GEN_FIXTURES=1;
// the output is committed with an expected-results file beside each
// bundle (NAME.expected.yaml, judged by `supaudit verify fixtures`).
//
//	SUPAUDIT_GEN_FIXTURES=1 go test ./collectors/bundle -run TestGenerateLogCaseBundles
func TestGenerateLogCaseBundles(t *testing.T) {
	if os.Getenv("SUPAUDIT_GEN_FIXTURES") != "1" {
		t.Skip("set SUPAUDIT_GEN_FIXTURES=1 to regenerate fixtures/bundles/log-ssl-cases")
	}
	root := filepath.Join("..", "..", "fixtures", "bundles", "log-ssl-cases")
	base := compliantFiles(t)
	for name, over := range logCaseBundles(t, true) {
		dir := filepath.Join(root, name)
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		for p, data := range base {
			if _, ok := over[p]; !ok {
				writeFixture(t, filepath.Join(dir, filepath.FromSlash(p)), data)
			}
		}
		for p, data := range over {
			writeFixture(t, filepath.Join(dir, filepath.FromSlash(p)), data)
		}
	}
	writeFixture(t, filepath.Join(root, "README.md"), []byte(logCasesReadme))
}

const logCasesReadme = `# Log, port and SSL cases built from public samples

Written by TestGenerateLogCaseBundles (collectors/bundle/gen_logcases_test.go).
Each bundle is the compliant bundle (../compliant: site ABC, native mode,
remote active SUP SUP01, Internet-based SUP SUPINET01) with the files of one
case replaced; NAME.expected.yaml beside it holds its expected results
('supaudit verify fixtures'). Values are SYNTHETIC; the line formats are those
of the public sources named (docs/sources.md, "Logs", "IIS configuration",
"Certificates").

* sync-statmsg-only/ - wsyncmgr.log records synchronization only as
  SMS_WSUS_SYNC_MANAGER status messages (STATMSG: ID=6701 started, 6702 done;
  the line format of Microsoft's "Track software update synchronization"
  article, the IDs of the ConfigMgr 2007 "Troubleshooting Software Updates
  Synchronization" topic). SUP-14 passes, timed by GMTDATE (it used to be
  "never synchronized").
* sync-statmsg-failed/ - the last status message is 6703 (failed): SUP-14
  fails and its message carries the error text of the insertion strings.
* sync-long-trailer/ - wsyncmgr.log written with the SMS 2.0-era long
  trailer "<Thu Nov 19 02:03:57.000 2026 GMT Standard Time>" (SMS 2.0 KB
  samples), and one "Sync failed" line whose time cannot be read: that line
  is kept with an unknown time and a collector warning; SUP-14 passes.
* wcm-unreachable/ - WCM.log's attempt to connect to SUP01 on 8531 ends with
  "System.Net.WebException: Unable to connect to the remote server",
  "Remote configuration failed on WSUS Server." and "Setting new
  configuration state to 3 (WSUS_CONFIG_FAILED)" (current-branch wording,
  Microsoft's WSUS configuration manager troubleshooting article): port 8531
  of SUP01 is not reachable from the site server; SUP-04 and SUP-08 fail
  saying so, with the WCM.log line.
* port-sources-disagree/ - SUP01's registry says PortNumber 8530 but its IIS
  http binding is 80: SUP-08 fails naming both sources (the registry used to
  hide the binding).
* ssl-whole-site/ - SUPINET01's IIS 6 metabase requires SSL on the web site
  root (AccessSSLFlags on /LM/W3SVC/1/ROOT), so Content inherits it: SUP-10
  fails ("How to Configure the WSUS Web Site to Use SSL": do not require SSL
  on the whole site).
* ssl-client-certs/ - client certificates Accept (AccessSSLNegotiateCert) on
  ClientWebService and Require (AccessSSLFlags 328 = 8 | 64 | 256) on
  SimpleAuthWebService (IIS 6.0 SDK AccessSSLFlags bits): SUP-10 fails
  (clients fail with 0x80072f0c).
* sha1-chain/ - SUPINET01's certificate and its root are signed with SHA-1
  (sha1WithRSAEncryption), as a Windows Server 2003 enterprise CA issues them:
  the chain is trusted (SUP-10 passes); it used to be "not trusted".

No .json files here: 'supaudit check fixtures/**/*.json' would take them for
snapshots.
`

// compliantFiles reads the committed compliant bundle, keyed by slash path.
func compliantFiles(t *testing.T) map[string][]byte {
	t.Helper()
	root := filepath.Join("..", "..", "fixtures", "bundles", "compliant")
	out := map[string][]byte{}
	err := fs.WalkDir(os.DirFS(root), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		out[p] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const (
	syncComp = "SMS_WSUS_SYNC_MANAGER"
	wcmComp  = "SMS_WSUS_CONFIGURATION_MANAGER"
)

func trailerLine(comp, text, at string) string {
	return text + "  $$<" + comp + "><" + at + "><thread=3404 (0xD4C)>\r\n"
}

// statMsg is a STATMSG line in the layout of Microsoft's "Track software
// update synchronization" article (SupportArticles-docs).
func statMsg(id int, sev, gmt string, istr ...string) string {
	var b strings.Builder
	b.WriteString("STATMSG: ID=")
	b.WriteString(strconv.Itoa(id))
	b.WriteString(" SEV=" + sev + ` LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=SCCM01.corp.contoso.com SITE=ABC PID=432 TID=3404 GMTDATE=` + gmt)
	for i := 0; i < 10; i++ {
		v := ""
		if i < len(istr) {
			v = istr[i]
		}
		b.WriteString(" ISTR" + strconv.Itoa(i) + `="` + v + `"`)
	}
	b.WriteString(" NUMATTRS=0")
	return b.String()
}

// logCaseBundles returns, per case, the files that replace the compliant
// bundle's. withCerts generates the sha1-chain certificates (new keys each
// time; TestLogCaseBundles does not compare them).
func logCaseBundles(t *testing.T, withCerts bool) map[string]map[string][]byte {
	base := compliantFiles(t)
	sup01IIS := string(base["SUP01/iis/applicationHost.config"])
	inetIIS := string(base["SUPINET01/iis/metabase.xml"])
	replaceOnce := func(s, old, new string) string {
		if !strings.Contains(s, old) {
			t.Fatalf("the compliant bundle has no %q", old)
		}
		return strings.Replace(s, old, new, 1)
	}
	out := map[string]map[string][]byte{
		"sync-statmsg-only": {"SCCM01/logs/wsyncmgr.log": []byte(
			trailerLine(syncComp, "Found local sync request file", "11-19-2026 02:00:04.000+000") +
				trailerLine(syncComp, statMsg(6701, "I", "Thu Nov 19 02:00:05.000 2026"), "11-19-2026 02:00:05.000+000") +
				trailerLine(syncComp, "Synchronizing update 7d2e6d5a-6d62-4a6b-9d1c-0a4f0b1d6e11 - Security Update for Windows XP (KB958644)", "11-19-2026 02:03:54.000+000") +
				trailerLine(syncComp, statMsg(6702, "I", "Thu Nov 19 02:03:57.000 2026"), "11-19-2026 02:03:57.000+000"))},
		"sync-statmsg-failed": {"SCCM01/logs/wsyncmgr.log": []byte(
			trailerLine(syncComp, statMsg(6702, "I", "Wed Nov 18 02:03:57.000 2026"), "11-18-2026 02:03:57.000+000") +
				trailerLine(syncComp, statMsg(6701, "I", "Thu Nov 19 02:00:05.000 2026"), "11-19-2026 02:00:05.000+000") +
				trailerLine(syncComp, statMsg(6703, "E", "Thu Nov 19 02:00:26.000 2026", "WSUS server not configured. Please refer to WCM.log for configuration error details.", "CWSyncMgr::DoSync"), "11-19-2026 02:00:26.000+000"))},
		"sync-long-trailer": {"SCCM01/logs/wsyncmgr.log": []byte(
			trailerLine(syncComp, "Sync failed: WSUS server not configured. Please refer to WCM.log for configuration error details. Source: CWSyncMgr::DoSync", "the 18th, early") +
				trailerLine(syncComp, "Starting Sync", "Thu Nov 19 02:00:05.000 2026 GMT Standard Time") +
				trailerLine(syncComp, "Sync succeeded. Setting sync alert to canceled state on site ABC", "Thu Nov 19 02:03:57.000 2026 GMT Standard Time") +
				trailerLine(syncComp, "Sync time: 0d00h03m53s", "Thu Nov 19 02:03:57.000 2026 GMT Standard Time"))},
		"wcm-unreachable": {"SCCM01/logs/WCM.log": []byte(
			trailerLine(wcmComp, "Attempting connection to WSUS server: SUP01.CORP.CONTOSO.COM, port: 8531, useSSL: True", "11-20-2026 08:14:05.000+000") +
				trailerLine(wcmComp, "System.Net.WebException: Unable to connect to the remote server~~   at Microsoft.UpdateServices.Administration.AdminProxy.CreateUpdateServer(Object[] args)", "11-20-2026 08:14:26.000+000") +
				trailerLine(wcmComp, "Remote configuration failed on WSUS Server.", "11-20-2026 08:14:26.000+000") +
				trailerLine(wcmComp, "Setting new configuration state to 3 (WSUS_CONFIG_FAILED)", "11-20-2026 08:14:26.000+000") +
				trailerLine(wcmComp, "Attempting connection to WSUS server: SUPINET01.CORP.CONTOSO.COM, port: 443, useSSL: True", "11-20-2026 08:15:05.000+000") +
				trailerLine(wcmComp, "Successfully connected to server: SUPINET01.CORP.CONTOSO.COM, port: 443, useSSL: True", "11-20-2026 08:15:06.000+000"))},
		"port-sources-disagree": {"SUP01/iis/applicationHost.config": []byte(replaceOnce(sup01IIS, `bindingInformation="*:8530:"`, `bindingInformation="*:80:"`))},
		"ssl-whole-site":        {"SUPINET01/iis/metabase.xml": []byte(replaceOnce(inetIIS, "Location =\"/LM/W3SVC/1/ROOT\"\r\n", "Location =\"/LM/W3SVC/1/ROOT\"\r\n\t\tAccessSSLFlags=\"AccessSSL | AccessSSL128\"\r\n"))},
		"ssl-client-certs": {"SUPINET01/iis/metabase.xml": []byte(replaceOnce(replaceOnce(inetIIS,
			"Location =\"/LM/W3SVC/1/ROOT/ClientWebService\"\r\n\t\tAccessFlags=\"AccessRead | AccessScript\"\r\n\t\tAccessSSLFlags=\"AccessSSL | AccessSSL128\"",
			"Location =\"/LM/W3SVC/1/ROOT/ClientWebService\"\r\n\t\tAccessFlags=\"AccessRead | AccessScript\"\r\n\t\tAccessSSLFlags=\"AccessSSL | AccessSSLNegotiateCert | AccessSSL128\""),
			"Location =\"/LM/W3SVC/1/ROOT/SimpleAuthWebService\"\r\n\t\tAccessFlags=\"AccessRead | AccessScript\"\r\n\t\tAccessSSLFlags=\"AccessSSL | AccessSSL128\"",
			"Location =\"/LM/W3SVC/1/ROOT/SimpleAuthWebService\"\r\n\t\tAccessFlags=\"AccessRead | AccessScript\"\r\n\t\tAccessSSLFlags=\"328\""))},
	}
	if withCerts {
		root, leaf := sha1Certs(t, []string{"sup.contoso.com", "SUPINET01.corp.contoso.com"}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC))
		out["sha1-chain"] = map[string][]byte{"SUPINET01/certs/wsus-ssl.cer": leaf, "SUPINET01/certs/roots/contoso-root.cer": root}
	} else {
		out["sha1-chain"] = map[string][]byte{}
	}
	return out
}

// sha1Certs makes an RSA root and server certificate signed with SHA-1
// (sha1WithRSAEncryption), as a Windows Server 2003 certification
// authority issues them.
func sha1Certs(t *testing.T, names []string, notBefore, notAfter time.Time) (rootPEM, leafPEM []byte) {
	t.Helper()
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Contoso Enterprise Root CA (SYNTHETIC, Windows Server 2003 style)", Organization: []string{"Contoso Ltd"}},
		NotBefore: notBefore.AddDate(-1, 0, 0), NotAfter: notAfter.AddDate(1, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		SignatureAlgorithm: x509.SHA1WithRSA,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0], Organization: []string{"Contoso Ltd"}, Country: []string{"US"}},
		DNSNames: names, NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		SignatureAlgorithm: x509.SHA1WithRSA,
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return crlf(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))), crlf(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER})))
}

// TestLogCaseBundles: the committed bundles are what the generator writes
// (the sha1-chain certificates aside, which get new keys each time), and
// the facts each case is about are collected as intended.
func TestLogCaseBundles(t *testing.T) {
	root := filepath.Join("..", "..", "fixtures", "bundles", "log-ssl-cases")
	for name, files := range logCaseBundles(t, false) {
		for p, data := range files {
			got, err := os.ReadFile(filepath.Join(root, name, filepath.FromSlash(p)))
			if err != nil || string(got) != string(data) {
				t.Errorf("%s/%s differs from the generator (%v); run SUPAUDIT_GEN_FIXTURES=1 go test ./collectors/bundle -run TestGenerateLogCaseBundles", name, p, err)
			}
		}
	}
	sup := func(t *testing.T, bundle string) *facts.Snapshot {
		return collect(t, filepath.Join(root, bundle), Options{})
	}
	t.Run("sync-statmsg-only", func(t *testing.T) {
		s := sup(t, "sync-statmsg-only")
		if v, _ := s.Sync.Status.Get(); v != "succeeded" {
			t.Errorf("status %q", v)
		}
		if v, _ := s.Sync.LastSuccess.Get(); !v.Equal(time.Date(2026, 11, 19, 2, 3, 57, 0, time.UTC)) || s.Sync.LastSuccess.Provenance.Line != 4 {
			t.Errorf("last success %v at %+v", v, s.Sync.LastSuccess.Provenance)
		}
	})
	t.Run("sync-statmsg-failed", func(t *testing.T) {
		s := sup(t, "sync-statmsg-failed")
		if v, _ := s.Sync.LastError.Get(); v != "WSUS server not configured. Please refer to WCM.log for configuration error details.; CWSyncMgr::DoSync" {
			t.Errorf("last error %q", v)
		}
	})
	t.Run("sync-long-trailer", func(t *testing.T) {
		s := sup(t, "sync-long-trailer")
		if v, _ := s.Sync.LastSuccess.Get(); !v.Equal(time.Date(2026, 11, 19, 2, 3, 57, 0, time.UTC)) {
			t.Errorf("last success %v", v)
		}
		if w := strings.Join(s.Collectors[0].Warnings, "\n"); !strings.Contains(w, "SCCM01/logs/wsyncmgr.log:1: unparsed time") {
			t.Errorf("warnings %q", w)
		}
	})
	t.Run("wcm-unreachable", func(t *testing.T) {
		s := sup(t, "wcm-unreachable")
		srv := find(t, s, "SUP01.corp.contoso.com")
		if len(srv.Ports) != 1 || srv.Ports[0].Port != 8531 || srv.Ports[0].From != "site server" || srv.Ports[0].Reachable.Provenance.Line != 2 {
			t.Fatalf("ports %+v", srv.Ports)
		}
		if v, ok := srv.Ports[0].Reachable.Get(); !ok || v {
			t.Errorf("reachable %v %v", v, ok)
		}
	})
	t.Run("ssl", func(t *testing.T) {
		s := sup(t, "ssl-whole-site")
		w := find(t, s, "SUPINET01.corp.contoso.com").WSUS
		if v, _ := w.SSLRequired["Content"].Get(); !v {
			t.Errorf("Content ssl_required %+v", w.SSLRequired["Content"])
		}
		s = sup(t, "ssl-client-certs")
		w = find(t, s, "SUPINET01.corp.contoso.com").WSUS
		if a, _ := w.ClientCertificates["ClientWebService"].Get(); a != "accept" {
			t.Errorf("ClientWebService %q", a)
		}
		if r, _ := w.ClientCertificates["SimpleAuthWebService"].Get(); r != "require" {
			t.Errorf("SimpleAuthWebService %q", r)
		}
		if i, _ := w.ClientCertificates["ApiRemoting30"].Get(); i != "ignore" {
			t.Errorf("ApiRemoting30 %q", i)
		}
	})
	t.Run("sha1-chain", func(t *testing.T) {
		s := sup(t, "sha1-chain")
		c, _ := find(t, s, "SUPINET01.corp.contoso.com").WSUS.Certificate.Get()
		if c.Trusted == nil || !*c.Trusted || c.SignatureAlgorithm != "SHA1-RSA" || len(c.Chain) != 1 || !c.Chain[0].Root || c.Chain[0].SignatureAlgorithm != "SHA1-RSA" {
			t.Errorf("certificate %+v", c)
		}
	})
}

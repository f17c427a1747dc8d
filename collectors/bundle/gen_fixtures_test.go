package bundle

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// TestGenerateFixtures writes the synthetic evidence bundles under
// fixtures/bundles. It runs only with SUPAUDIT_GEN_FIXTURES=1; the output
// is committed, so regenerate only when the layout changes (the
// certificates get new keys and thumbprints each time).
//
//	SUPAUDIT_GEN_FIXTURES=1 go test ./collectors/bundle -run TestGenerateFixtures
func TestGenerateFixtures(t *testing.T) {
	if os.Getenv("SUPAUDIT_GEN_FIXTURES") != "1" {
		t.Skip("set SUPAUDIT_GEN_FIXTURES=1 to regenerate fixtures/bundles")
	}
	root := filepath.Join("..", "..", "fixtures", "bundles")
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	for path, data := range compliantBundle(t) {
		writeFixture(t, filepath.Join(root, "compliant", path), data)
	}
	for path, data := range failingBundle() {
		writeFixture(t, filepath.Join(root, "failing", path), data)
	}
	writeFixture(t, filepath.Join(root, "README.md"), []byte(fixturesReadme))
}

const fixturesReadme = `# Synthetic evidence bundles

SYNTHETIC evidence for the bundle collector (collectors/bundle), written by
TestGenerateFixtures in collectors/bundle/gen_fixtures_test.go. Formats follow
docs/evidence.md; values are invented. Not verbatim exports.

* compliant/ - site ABC (ConfigMgr 2007 SP2, native mode): site server SCCM01
  with the WSUS 3.0 SP2 console, remote active SUP SUP01 (custom web site,
  8530/8531, SSL), active Internet-based SUP SUPINET01 (Default Web Site,
  80/443, SSL, certificate valid until 2036). Every automatable step passes.
* failing/ - site XYZ (ConfigMgr 2007 SP1, mixed mode): the site server SCCM02
  is its own SUP with WSUS 3.0 RTM (SUP-06), the SUP role's ports 80/443 do not
  match the custom WSUS web site's 8530/8531 (SUP-08), and wsyncmgr.log holds no
  synchronization outcome (SUP-14, never synchronized).

compliant.expected.yaml and failing.expected.yaml hold their expected results:
'supaudit verify fixtures' collects each bundle folder that has an expected-results
file beside it, then judges it. cases/ holds bundles built from public samples
(cases/README.md).

No .json files here: 'supaudit check fixtures/**/*.json' would take them for
snapshots.
`

func writeFixture(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// utf16le encodes s (LF line ends become CRLF) as UTF-16LE with a BOM, as
// regedit writes a version 5 export.
func utf16le(s string) []byte {
	s = strings.ReplaceAll(s, "\n", "\r\n")
	u := utf16.Encode([]rune(s))
	out := make([]byte, 2+2*len(u))
	out[0], out[1] = 0xFF, 0xFE
	for i, c := range u {
		binary.LittleEndian.PutUint16(out[2+2*i:], c)
	}
	return out
}

func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

func manifestFile(host, fqdn, roles string, extra ...string) []byte {
	s := fmt.Sprintf("# SYNTHETIC manifest written by the evidence script\nhost=%s\nfqdn=%s\ncollected_at=2026-11-20T09:30:00Z\nscript_version=0.1.0\nroles=%s\n", host, fqdn, roles)
	for _, e := range extra {
		s += e + "\n"
	}
	return crlf(s)
}

func wsusReg(installType int, version string, port int, ssl int, siteIndex int) []byte {
	s := "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup]\n"
	s += fmt.Sprintf("\"InstallType\"=dword:%08x\n\"VersionString\"=%q\n", installType, version)
	if installType == 1 {
		s += fmt.Sprintf("\"PortNumber\"=dword:%08x\n\"UsingSSL\"=dword:%08x\n\"IISTargetWebSiteIndex\"=dword:%08x\n", port, ssl, siteIndex)
		s += "\"ContentDir\"=\"C:\\\\WSUS\"\n\"TargetDir\"=\"C:\\\\Program Files\\\\Update Services\\\\\"\n\"SqlServerName\"=\"MYSERVER\\\\MICROSOFT##SSEE\"\n\"SqlDatabaseName\"=\"SUSDB\"\n"
	}
	return utf16le(s + "\n")
}

func smsReg(code, version, server string) []byte {
	return utf16le(fmt.Sprintf(`Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\Microsoft\SMS\Identification]
"Site Code"=%q
"Site Server"=%q

[HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\Microsoft\SMS\Setup]
"Full Version"=%q
"Version"="%s"
"Installation Directory"="C:\\Program Files (x86)\\Microsoft Configuration Manager"

`, code, server, version, strings.Split(version, ".")[2]))
}

func supRole(site, server string, http, https, ssl, inf, intranet int) string {
	return fmt.Sprintf(`BEGIN_SYSTEM_RESOURCE_USAGE
	<SMS Software Update Point>
	<["Display=\\%[2]s\"]MSWNET:["SMS_SITE=%[1]s"]\\%[2]s\>
	<Windows NT Server>
	PROPERTY <WSUSIISPort><REG_DWORD><><%[3]d>
	PROPERTY <WSUSIISSSLPort><REG_DWORD><><%[4]d>
	PROPERTY <SSLWSUS><REG_DWORD><><%[5]d>
	PROPERTY <IsINF><REG_DWORD><><%[6]d>
	PROPERTY <IsIntranet><REG_DWORD><><%[7]d>
	PROPERTY <UseProxy><REG_DWORD><><0>
END_SYSTEM_RESOURCE_USAGE
`, site, server, http, https, ssl, inf, intranet)
}

func siteSystem(site, server, public string) string {
	s := fmt.Sprintf(`BEGIN_SYSTEM_RESOURCE_USAGE
	<SMS Site System>
	<["Display=\\%[2]s\"]MSWNET:["SMS_SITE=%[1]s"]\\%[2]s\>
	<Windows NT Server>
	PROPERTY <Server Remote Name><REG_SZ><%[2]s><0>
`, site, server)
	if public != "" {
		s += fmt.Sprintf("\tPROPERTY <Server Remote Public Name><REG_SZ><%s><0>\n", public)
	}
	return s + "END_SYSTEM_RESOURCE_USAGE\n"
}

func siteCtrl(site, siteServer, activeSUP string, httpPort, httpsPort, ssl, iisSSLState int, roles ...string) []byte {
	s := fmt.Sprintf(`SITE CONTROL FILE [6487][2.00]
BEGIN_FILE_DEFINITION
	<2>
	<Setup-based site creation>
	<%[1]s>
	<%[1]s>
	<1273658000>
	<1>
END_FILE_DEFINITION
BEGIN_COMPONENT
	<SMS_SITE_COMPONENT_MANAGER>
	<%[2]s>
	SITE_KEY_FLAGS <1>
	PROPERTY <IISSSLState><REG_DWORD><><%[7]d>
END_COMPONENT
BEGIN_COMPONENT
	<SMS_WSUS_CONFIGURATION_MANAGER>
	<%[2]s>
	SITE_KEY_FLAGS <1>
	PROPERTY <DefaultWSUS><REG_SZ><%[3]s><0>
	PROPERTY <DefaultWSUSIISPort><REG_DWORD><><%[4]d>
	PROPERTY <DefaultWSUSIISSSLPort><REG_DWORD><><%[5]d>
	PROPERTY <SSLDefaultWSUS><REG_DWORD><><%[6]d>
END_COMPONENT
`, site, siteServer, activeSUP, httpPort, httpsPort, ssl, iisSSLState)
	return crlf(s + strings.Join(roles, ""))
}

// smsLine writes a server-component log line with the "$$" trailer; the
// times are UTC (bias +0).
func smsLine(comp string, t time.Time, thread int, text string) string {
	return fmt.Sprintf("%s  $$<%s><%s+000><thread=%d (0x%X)>\n", text, comp, t.Format("01-02-2006 15:04:05.000"), thread, thread)
}

func wcmLog(t0 time.Time, conns ...string) []byte {
	const c = "SMS_WSUS_CONFIGURATION_MANAGER"
	var b strings.Builder
	b.WriteString(smsLine(c, t0, 3412, "SMS_EXECUTIVE started SMS_WSUS_CONFIGURATION_MANAGER as thread ID 3412 (0xD54)."))
	b.WriteString(smsLine(c, t0.Add(time.Second), 3412, "Checking for supported version of WSUS (min WSUS 3.0 SP1)"))
	b.WriteString(smsLine(c, t0.Add(2*time.Second), 3412, "Supported WSUS version found"))
	for i, conn := range conns {
		tt := t0.Add(time.Duration(3+2*i) * time.Second)
		b.WriteString(smsLine(c, tt, 3412, "Attempting connection to WSUS server: "+conn))
		b.WriteString(smsLine(c, tt.Add(time.Second), 3412, "Successfully connected to server: "+conn))
	}
	b.WriteString(smsLine(c, t0.Add(20*time.Second), 3412, "Configuration successful. Will wait for 1 minute for any subscription or proxy changes"))
	b.WriteString(smsLine(c, t0.Add(21*time.Second), 3412, "Setting new configuration state to 2 (WSUS_CONFIG_SUCCESS)"))
	return crlf(b.String())
}

func wsyncLog(site string, t0 time.Time, succeed bool) []byte {
	const c = "SMS_WSUS_SYNC_MANAGER"
	var b strings.Builder
	b.WriteString(smsLine(c, t0, 3404, "Found local sync request file"))
	if succeed {
		b.WriteString(smsLine(c, t0.Add(time.Second), 3404, "Starting Sync"))
		b.WriteString(smsLine(c, t0.Add(3*time.Minute+50*time.Second), 3404, "Synchronizing update 7d2e6d5a-6d62-4a6b-9d1c-0a4f0b1d6e11 - Security Update for Windows XP (KB958644)"))
		b.WriteString(smsLine(c, t0.Add(3*time.Minute+53*time.Second), 3404, "Sync succeeded. Setting sync alert to canceled state on site "+site))
		b.WriteString(smsLine(c, t0.Add(3*time.Minute+53*time.Second), 3404, "Updated 130 items in SMS database, new update source content version is 34"))
		b.WriteString(smsLine(c, t0.Add(3*time.Minute+53*time.Second), 3404, "Sync time: 0d00h03m53s"))
	} else {
		b.WriteString(smsLine(c, t0.Add(time.Second), 3404, "Waiting for changes for 60 minutes"))
	}
	return crlf(b.String())
}

func supSetupLog(version string) []byte {
	return crlf(`<11/02/26 10:12:01> SMSWSUS Setup Started....
<11/02/26 10:12:01> Installing the SMSWSUS
<11/02/26 10:12:02> Checking for supported version of WSUS (min WSUS 3.0 SP1)
<11/02/26 10:12:02> Supported WSUS version found
<11/02/26 10:12:02> Supported WSUS Server version (` + version + `) is installed.
<11/02/26 10:12:05> Installation was successful.
`)
}

func wsusCtrlLog(t0 time.Time) []byte {
	const c = "SMS_WSUS_CONTROL_MANAGER"
	return crlf(smsLine(c, t0, 2212, "Checking runtime v2.0.50727...") +
		smsLine(c, t0.Add(time.Second), 2212, "Supported WSUS version found") +
		smsLine(c, t0.Add(2*time.Second), 2212, "Attempting connection to local WSUS server") +
		smsLine(c, t0.Add(3*time.Second), 2212, "Successfully connected to local WSUS server"))
}

func sslLocation(site, vdir string) string {
	return fmt.Sprintf(`    <location path="%s/%s">
        <system.webServer>
            <security>
                <access sslFlags="Ssl, Ssl128" />
            </security>
        </system.webServer>
    </location>
`, site, vdir)
}

func appHostConfig(ssl bool) []byte {
	s := `<?xml version="1.0" encoding="UTF-8"?>
<!-- SYNTHETIC applicationHost.config (IIS 7.0) of a WSUS 3.0 SP2 server on the custom
     "WSUS Administration" web site; invented values, not a verbatim export. -->
<configuration>
    <system.applicationHost>
        <sites>
            <site name="Default Web Site" id="1" serverAutoStart="true">
                <application path="/">
                    <virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot" />
                </application>
                <bindings>
                    <binding protocol="http" bindingInformation="*:80:" />
                </bindings>
            </site>
            <site name="WSUS Administration" id="1766342021">
                <application path="/" applicationPool="WsusPool">
                    <virtualDirectory path="/" physicalPath="C:\Program Files\Update Services\WebServices\Root" />
                    <virtualDirectory path="/Content" physicalPath="C:\WSUS\WsusContent" />
                    <virtualDirectory path="/SelfUpdate" physicalPath="C:\Program Files\Update Services\SelfUpdate" />
                </application>
`
	for _, v := range []string{"ApiRemoting30", "ClientWebService", "DssAuthWebService", "ServerSyncWebService", "SimpleAuthWebService", "ReportingWebService", "Inventory"} {
		s += fmt.Sprintf(`                <application path="/%[1]s" applicationPool="WsusPool">
                    <virtualDirectory path="/" physicalPath="C:\Program Files\Update Services\WebServices\%[1]s" />
                </application>
`, v)
	}
	s += `                <bindings>
                    <binding protocol="http" bindingInformation="*:8530:" />
                    <binding protocol="https" bindingInformation="*:8531:" />
                </bindings>
            </site>
        </sites>
    </system.applicationHost>
    <system.webServer>
        <security>
            <access sslFlags="None" />
        </security>
    </system.webServer>
`
	if ssl {
		for _, v := range []string{"ApiRemoting30", "ClientWebService", "DssAuthWebService", "ServerSyncWebService", "SimpleAuthWebService"} {
			s += sslLocation("WSUS Administration", v)
		}
	}
	return crlf(s + "</configuration>\n")
}

func metabaseXML() []byte {
	s := `<?xml version ="1.0"?>
<!-- SYNTHETIC IIS 6.0 metabase.xml excerpt (Windows Server 2003) with WSUS 3.0 SP2 on the
     Default Web Site; invented values, not a verbatim file. -->
<configuration xmlns="urn:microsoft-catalog:XML_Metabase_V64_0">
<MBProperty>
<IIsWebService	Location ="/LM/W3SVC"
		AccessFlags="AccessRead | AccessScript"
		AppPoolId="DefaultAppPool"
	>
</IIsWebService>
<IIsWebServer	Location ="/LM/W3SVC/1"
		AppPoolId="DefaultAppPool"
		SecureBindings=":443:"
		ServerBindings=":80:"
		ServerComment="Default Web Site"
	>
</IIsWebServer>
<IIsWebVirtualDir	Location ="/LM/W3SVC/1/ROOT"
		AccessFlags="AccessRead | AccessScript"
		Path="c:\inetpub\wwwroot"
	>
</IIsWebVirtualDir>
<IIsWebVirtualDir	Location ="/LM/W3SVC/1/ROOT/Content"
		AccessFlags="AccessRead"
		Path="D:\WSUS\WsusContent"
	>
</IIsWebVirtualDir>
`
	for _, v := range []string{"ApiRemoting30", "ClientWebService", "DssAuthWebService", "ServerSyncWebService", "SimpleAuthWebService"} {
		s += fmt.Sprintf(`<IIsWebVirtualDir	Location ="/LM/W3SVC/1/ROOT/%[1]s"
		AccessFlags="AccessRead | AccessScript"
		AccessSSLFlags="AccessSSL | AccessSSL128"
		AppPoolId="WsusPool"
		Path="C:\Program Files\Update Services\WebServices\%[1]s"
	>
</IIsWebVirtualDir>
`, v)
	}
	return crlf(s + "</MBProperty>\n</configuration>\n")
}

// testCerts makes a root CA and a server certificate for names, valid from
// notBefore to notAfter, PEM-encoded.
func testCerts(t *testing.T, names []string, notBefore, notAfter time.Time) (rootPEM, leafPEM []byte) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Contoso Root CA (SYNTHETIC)", Organization: []string{"Contoso Ltd"}},
		NotBefore:             notBefore.AddDate(-1, 0, 0),
		NotAfter:              notAfter.AddDate(1, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: names[0], Organization: []string{"Contoso Ltd"}, Country: []string{"US"}},
		DNSNames:     names,
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return crlf(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))), crlf(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER})))
}

func compliantBundle(t *testing.T) map[string][]byte {
	const site = "ABC"
	sync := time.Date(2026, 11, 19, 2, 0, 4, 0, time.UTC)
	wcm := time.Date(2026, 11, 20, 8, 14, 2, 0, time.UTC)
	root, leaf := testCerts(t, []string{"sup.contoso.com", "SUPINET01.corp.contoso.com"}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC))
	return map[string][]byte{
		"SCCM01/manifest.txt":                    manifestFile("SCCM01", "SCCM01.corp.contoso.com", "site_server"),
		"SCCM01/registry/sms.reg":                smsReg(site, "4.00.6487.2000", "SCCM01.corp.contoso.com"),
		"SCCM01/registry/wsus-setup.reg":         wsusReg(2, "3.2.7600.226", 0, 0, 0),
		"SCCM01/sitectrl.ct0":                    siteCtrl(site, "SCCM01.corp.contoso.com", "SUP01.corp.contoso.com", 8530, 8531, 1, 63, siteSystem(site, "SCCM01.corp.contoso.com", ""), siteSystem(site, "SUP01.corp.contoso.com", ""), siteSystem(site, "SUPINET01.corp.contoso.com", "sup.contoso.com"), supRole(site, "SUP01.corp.contoso.com", 8530, 8531, 1, 0, 1), supRole(site, "SUPINET01.corp.contoso.com", 80, 443, 1, 1, 0)),
		"SCCM01/logs/WCM.log":                    wcmLog(wcm, "SUP01.CORP.CONTOSO.COM, port: 8531, useSSL: True", "SUPINET01.CORP.CONTOSO.COM, port: 443, useSSL: True"),
		"SCCM01/logs/wsyncmgr.log":               wsyncLog(site, sync, true),
		"SUP01/manifest.txt":                     manifestFile("SUP01", "SUP01.corp.contoso.com", "sup"),
		"SUP01/registry/wsus-setup.reg":          wsusReg(1, "3.2.7600.226", 8530, 1, 1766342021),
		"SUP01/iis/applicationHost.config":       appHostConfig(true),
		"SUP01/logs/WSUSCtrl.log":                wsusCtrlLog(wcm),
		"SUP01/logs/SUPSetup.log":                supSetupLog("3.2.7600.226"),
		"SUPINET01/manifest.txt":                 manifestFile("SUPINET01", "SUPINET01.corp.contoso.com", "internet_sup"),
		"SUPINET01/registry/wsus-setup.reg":      wsusReg(1, "3.2.7600.226", 80, 1, 1),
		"SUPINET01/iis/metabase.xml":             metabaseXML(),
		"SUPINET01/certs/wsus-ssl.cer":           leaf,
		"SUPINET01/certs/roots/contoso-root.cer": root,
		"SUPINET01/logs/SUPSetup.log":            supSetupLog("3.2.7600.226"),
	}
}

func failingBundle() map[string][]byte {
	const site = "XYZ"
	wcm := time.Date(2026, 11, 20, 8, 14, 2, 0, time.UTC)
	return map[string][]byte{
		"SCCM02/manifest.txt":               manifestFile("SCCM02", "SCCM02.corp.contoso.com", "site_server,sup"),
		"SCCM02/registry/sms.reg":           smsReg(site, "4.00.6221.1000", "SCCM02.corp.contoso.com"),
		"SCCM02/registry/wsus-setup.reg":    wsusReg(1, "3.0.6000.273", 8530, 0, 1766342021),
		"SCCM02/sitectrl.ct0":               siteCtrl(site, "SCCM02.corp.contoso.com", "SCCM02.corp.contoso.com", 80, 443, 0, 224, siteSystem(site, "SCCM02.corp.contoso.com", ""), supRole(site, "SCCM02.corp.contoso.com", 80, 443, 0, 0, 1)),
		"SCCM02/iis/applicationHost.config": appHostConfig(false),
		"SCCM02/logs/WCM.log":               wcmLog(wcm, "SCCM02.CORP.CONTOSO.COM, port: 8530, useSSL: False"),
		"SCCM02/logs/wsyncmgr.log":          wsyncLog(site, wcm, false),
		"SCCM02/logs/SUPSetup.log":          supSetupLog("3.0.6000.273"),
	}
}

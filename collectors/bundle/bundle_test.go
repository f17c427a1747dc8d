package bundle

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/supaudit/supaudit/collectors/evidence/extract"
	"github.com/supaudit/supaudit/facts"
)

const compliantDir = "../../fixtures/bundles/compliant"

// collect runs Collect and checks that the snapshot validates against the
// facts schema.
func collect(t *testing.T, root string, opts Options) *facts.Snapshot {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) }
	}
	snap, err := Collect(context.Background(), root, opts)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	data, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := facts.Parse("collected.json", data); err != nil {
		t.Fatalf("snapshot does not validate: %v\n%s", err, data)
	}
	return snap
}

func find(t *testing.T, s *facts.Snapshot, fqdn string) *facts.Server {
	t.Helper()
	for i := range s.Servers {
		if strings.EqualFold(s.Servers[i].FQDN, fqdn) {
			return &s.Servers[i]
		}
	}
	t.Fatalf("no server %s in %+v", fqdn, s.Servers)
	return nil
}

// want checks a fact's value and provenance source and line.
func want[T comparable](t *testing.T, name string, f *facts.Fact[T], value T, source string, line int) {
	t.Helper()
	v, ok := f.Get()
	if !ok {
		t.Errorf("%s: unknown (%+v), want %v", name, f, value)
		return
	}
	if v != value {
		t.Errorf("%s = %v, want %v", name, v, value)
	}
	if f.Provenance.Collector != CollectorName || f.Provenance.Source != source || (line >= 0 && f.Provenance.Line != line) {
		t.Errorf("%s provenance = %+v, want source %s line %d", name, f.Provenance, source, line)
	}
}

func TestCollectCompliant(t *testing.T) {
	s := collect(t, compliantDir, Options{})
	if len(s.Collectors) != 1 || !s.Collectors[0].Complete {
		t.Errorf("collectors = %+v, want one complete run", s.Collectors)
	}
	if s.ID != "abc-bundle" || !s.CollectedAt.Equal(time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("id %q collected_at %v", s.ID, s.CollectedAt)
	}
	want(t, "site.code", s.Site.Code, "ABC", "SCCM01/registry/sms.reg", 4)
	want(t, "site.configmgr_version", s.Site.ConfigMgrVersion, "4.00.6487.2000", "SCCM01/registry/sms.reg", 8)
	want(t, "site.site_server", s.Site.SiteServer, "SCCM01.corp.contoso.com", "SCCM01/registry/sms.reg", 5)
	want(t, "site.mode", s.Site.Mode, "native", "SCCM01/sitectrl.ct0", -1)

	sccm := find(t, s, "SCCM01.corp.contoso.com")
	want(t, "SCCM01 install_type", sccm.WSUS.InstallType, facts.InstallConsole, "SCCM01/registry/wsus-setup.reg", 4)
	want(t, "SCCM01 version", sccm.WSUS.Version, "3.2.7600.226", "SCCM01/registry/wsus-setup.reg", 5)
	if sccm.WSUS.Port != nil {
		t.Errorf("console install has a port fact: %+v", sccm.WSUS.Port)
	}

	sup := find(t, s, "SUP01.corp.contoso.com")
	want(t, "SUP01 install_type", sup.WSUS.InstallType, facts.InstallServer, "SUP01/registry/wsus-setup.reg", 4)
	want(t, "SUP01 port", sup.WSUS.Port, 8530, "SUP01/registry/wsus-setup.reg", 6)
	want(t, "SUP01 using_ssl", sup.WSUS.UsingSSL, true, "SUP01/registry/wsus-setup.reg", 7)
	want(t, "SUP01 web_site", sup.WSUS.WebSite, "custom", "SUP01/registry/wsus-setup.reg", 8)
	want(t, "SUP01 ssl_port", sup.WSUS.SSLPort, 8531, "SUP01/iis/applicationHost.config", -1)
	for _, vd := range []string{"ApiRemoting30", "ClientWebService", "DssAuthWebService", "ServerSyncWebService", "SimpleAuthWebService"} {
		want(t, "SUP01 ssl_required "+vd, sup.WSUS.SSLRequired[vd], true, "SUP01/iis/applicationHost.config", -1)
	}
	want(t, "SUP01 ssl_required Content", sup.WSUS.SSLRequired["Content"], false, "SUP01/iis/applicationHost.config", -1)
	want(t, "SUP01 sup.present", sup.SUP.Present, true, "SCCM01/sitectrl.ct0", -1)
	want(t, "SUP01 sup.active", sup.SUP.Active, true, "SCCM01/sitectrl.ct0", -1)
	want(t, "SUP01 sup.internet_based", sup.SUP.InternetBased, false, "SCCM01/sitectrl.ct0", -1)
	want(t, "SUP01 sup.accepts", sup.SUP.Accepts, facts.AcceptsIntranet, "SCCM01/sitectrl.ct0", -1)
	want(t, "SUP01 sup.http_port", sup.SUP.HTTPPort, 8530, "SCCM01/sitectrl.ct0", -1)
	want(t, "SUP01 sup.https_port", sup.SUP.HTTPSPort, 8531, "SCCM01/sitectrl.ct0", -1)
	want(t, "SUP01 sup.ssl", sup.SUP.SSL, true, "SCCM01/sitectrl.ct0", -1)
	if len(sup.Ports) != 1 || sup.Ports[0].Port != 8531 {
		t.Fatalf("SUP01 ports = %+v, want 8531 from WCM.log", sup.Ports)
	}
	want(t, "SUP01 8531 reachable", sup.Ports[0].Reachable, true, "SCCM01/logs/WCM.log", -1)
	if sup.Ports[0].Reachable.Provenance.Host != "SCCM01.corp.contoso.com" {
		t.Errorf("reachability host = %q, want the site server (where WCM.log was read)", sup.Ports[0].Reachable.Provenance.Host)
	}

	inet := find(t, s, "SUPINET01.corp.contoso.com")
	want(t, "SUPINET01 internet_fqdn", inet.InternetFQDN, "sup.contoso.com", "SCCM01/sitectrl.ct0", -1)
	want(t, "SUPINET01 web_site", inet.WSUS.WebSite, "default", "SUPINET01/registry/wsus-setup.reg", -1)
	want(t, "SUPINET01 ssl_port", inet.WSUS.SSLPort, 443, "SUPINET01/iis/metabase.xml", -1)
	want(t, "SUPINET01 internet_based", inet.SUP.InternetBased, true, "SCCM01/sitectrl.ct0", -1)
	want(t, "SUPINET01 active", inet.SUP.Active, true, "SCCM01/sitectrl.ct0", -1)
	want(t, "SUPINET01 accepts", inet.SUP.Accepts, facts.AcceptsInternet, "SCCM01/sitectrl.ct0", -1)
	c, ok := inet.WSUS.Certificate.Get()
	if !ok || c.Trusted == nil || !*c.Trusted || c.NotAfter.Year() != 2036 || inet.WSUS.Certificate.Provenance.Source != "SUPINET01/certs/wsus-ssl.cer" {
		t.Errorf("SUPINET01 certificate = %+v (%+v)", c, inet.WSUS.Certificate)
	}

	want(t, "sync.status", s.Sync.Status, facts.SyncSucceeded, "SCCM01/logs/wsyncmgr.log", 4)
	want(t, "sync.last_success", s.Sync.LastSuccess, time.Date(2026, 11, 19, 2, 3, 57, 0, time.UTC), "SCCM01/logs/wsyncmgr.log", 4)
	want(t, "sync.last_attempt", s.Sync.LastAttempt, time.Date(2026, 11, 19, 2, 3, 57, 0, time.UTC), "SCCM01/logs/wsyncmgr.log", 4)
}

// writeFiles writes files (path -> content) below dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const regHeader = "Windows Registry Editor Version 5.00\r\n\r\n"

func TestWSUSRegistry(t *testing.T) {
	setup := `[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Update Services\Server\Setup]` + "\r\n"
	tests := []struct {
		name        string
		reg         string // "" = no file
		installType string // "" = unknown
		version     string
		port        int
		webSite     string
	}{
		{"server", setup + "\"InstallType\"=dword:00000001\r\n\"VersionString\"=\"3.1.6001.65\"\r\n\"PortNumber\"=dword:00000050\r\n\"IISTargetWebSiteIndex\"=dword:00000001\r\n", facts.InstallServer, "3.1.6001.65", 80, "default"},
		{"console", setup + "\"InstallType\"=dword:00000002\r\n\"VersionString\"=\"3.2.7600.226\"\r\n\"PortNumber\"=dword:00002152\r\n", facts.InstallConsole, "3.2.7600.226", 0, ""},
		{"key absent", "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Other]\r\n\"x\"=\"y\"\r\n", facts.InstallNone, "", 0, ""},
		{"wow6432node", `[HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\Microsoft\Update Services\Server\Setup]` + "\r\n\"InstallType\"=dword:00000001\r\n\"IISTargetWebSiteIndex\"=dword:00000005\r\n", facts.InstallServer, "", 0, "custom"},
		{"wsus 2.0 install type", setup + "\"InstallType\"=dword:00000080\r\n", "", "", 0, ""},
		{"bad version and port", setup + "\"InstallType\"=dword:00000001\r\n\"VersionString\"=\"three\"\r\n\"PortNumber\"=dword:00012345\r\n", facts.InstallServer, "", 0, ""},
		{"no file", "", "", "", 0, ""},
		{"garbage", "not a registry file", "", "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"SUP01/manifest.txt": "fqdn=SUP01.corp.contoso.com\n"}
			if tt.reg != "" {
				reg := tt.reg
				if !strings.HasPrefix(reg, "not") {
					reg = regHeader + reg
				}
				files["SUP01/Registry/WSUS-Setup.REG"] = reg
			}
			writeFiles(t, dir, files)
			s := collect(t, dir, Options{})
			w := find(t, s, "SUP01.corp.contoso.com").WSUS
			if w == nil {
				t.Fatal("no wsus facts")
			}
			got, ok := w.InstallType.Get()
			if tt.installType == "" {
				if ok || w.InstallType == nil || w.InstallType.Unknown == "" {
					t.Errorf("install_type = %+v, want an unknown fact with a reason", w.InstallType)
				}
			} else if got != tt.installType {
				t.Errorf("install_type = %q (%+v), want %q", got, w.InstallType, tt.installType)
			}
			if v, _ := w.Version.Get(); v != tt.version {
				t.Errorf("version = %q, want %q", v, tt.version)
			}
			if v, _ := w.Port.Get(); v != tt.port {
				t.Errorf("port = %d, want %d", v, tt.port)
			}
			if v, _ := w.WebSite.Get(); v != tt.webSite {
				t.Errorf("web_site = %q, want %q", v, tt.webSite)
			}
		})
	}
}

func wcmLine(text, at string) string {
	return text + "  $$<SMS_WSUS_CONFIGURATION_MANAGER><" + at + "+000><thread=3412 (0xD54)>\r\n"
}

func syncLine(text, at string) string {
	return text + "  $$<SMS_WSUS_SYNC_MANAGER><" + at + "+000><thread=3404 (0xD4C)>\r\n"
}

// TestLogs covers WCM.log connections (port facts and conflicts with the
// registry port) and wsyncmgr.log outcomes, rolled .lo_ files included.
func TestLogs(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"SITE/manifest.txt":           "fqdn=SITE.contoso.com\nroles=site_server\n",
		"SUP/manifest.txt":            "fqdn=SUP.contoso.com\n",
		"SUP/registry/wsus-setup.reg": regHeader + `[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Update Services\Server\Setup]` + "\r\n\"InstallType\"=dword:00000001\r\n\"PortNumber\"=dword:00002152\r\n",
		"SITE/logs/WCM.lo_":           wcmLine("Successfully connected to server: SUP.CONTOSO.COM, port: 8530, useSSL: False", "11-01-2026 10:00:00.000"),
		"SITE/logs/WCM.log":           wcmLine("Attempting connection to WSUS server: SUP.CONTOSO.COM, port: 80, useSSL: False", "11-02-2026 10:00:00.000") + wcmLine("Successfully connected to server: SUP.CONTOSO.COM, port: 80, useSSL: False", "11-02-2026 10:00:01.000"),
		"SITE/logs/wsyncmgr.lo_":      syncLine("Sync succeeded. Setting sync alert to canceled state on site ABC", "11-01-2026 02:03:57.000"),
		"SITE/logs/wsyncmgr.log":      syncLine("Starting Sync", "11-02-2026 02:00:00.000") + syncLine("Sync failed: WSUS server not configured. Please refer to WCM.log for configuration error details. Source: CWSyncMgr::DoSync", "11-02-2026 02:00:04.000") + syncLine("Sync failed. Will retry in 60 minutes", "11-02-2026 02:00:05.000"),
	})
	s := collect(t, dir, Options{})
	sup := find(t, s, "SUP.contoso.com")
	if len(sup.Ports) != 2 || sup.Ports[0].Port != 8530 || sup.Ports[1].Port != 80 {
		t.Fatalf("ports = %+v, want 8530 then 80", sup.Ports)
	}
	want(t, "8530 reachable", sup.Ports[0].Reachable, true, "SITE/logs/WCM.lo_", 1)
	want(t, "80 reachable", sup.Ports[1].Reachable, true, "SITE/logs/WCM.log", 2)
	want(t, "port", sup.WSUS.Port, 8530, "SUP/registry/wsus-setup.reg", 5)
	if c := sup.WSUS.Port.Conflicts; len(c) != 1 || c[0].Value != 80 || c[0].Provenance.Source != "SITE/logs/WCM.log" || c[0].Provenance.Line != 2 {
		t.Errorf("port conflicts = %+v, want 80 from SITE/logs/WCM.log:2", c)
	}
	want(t, "sync.status", s.Sync.Status, facts.SyncFailed, "SITE/logs/wsyncmgr.log", 3)
	want(t, "sync.last_attempt", s.Sync.LastAttempt, time.Date(2026, 11, 2, 2, 0, 5, 0, time.UTC), "SITE/logs/wsyncmgr.log", 3)
	want(t, "sync.last_success", s.Sync.LastSuccess, time.Date(2026, 11, 1, 2, 3, 57, 0, time.UTC), "SITE/logs/wsyncmgr.lo_", 1)
}

// TestMissingEvidence: a server folder with nothing but a manifest, and a
// site server without its site control file, give unknown facts and
// collector errors, never a crash.
func TestMissingEvidence(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"SITE/manifest.txt":      "host=SITE\nfqdn=SITE.contoso.com\nroles=site_server\ncollected_at=not-a-time\n",
		"SITE/registry/sms.reg":  regHeader + `[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SMS\Identification]` + "\r\n\"Site Code\"=\"TOOLONG\"\r\n",
		"SITE/sitectrl.ct0":      "BEGIN_COMPONENT\n\t<SMS_WSUS_CONFIGURATION_MANAGER>\n",
		"EMPTY/manifest.txt":     "fqdn=EMPTY.contoso.com\n",
		"NOMANIFEST/logs/x.txt":  "x",
		"bad_name!/manifest.txt": "fqdn=not a host\n",
	})
	s := collect(t, dir, Options{})
	if s.Collectors[0].Complete || len(s.Collectors[0].Errors) == 0 {
		t.Fatalf("collector run = %+v, want errors", s.Collectors[0])
	}
	joined := strings.Join(s.Collectors[0].Errors, "\n")
	for _, w := range []string{"SITE/manifest.txt:4: collected_at", "NOMANIFEST/manifest.txt: not found", "bad_name!"} {
		if !strings.Contains(joined, w) {
			t.Errorf("errors do not mention %q:\n%s", w, joined)
		}
	}
	// The truncated site control file is read as far as it goes; its
	// unclosed block is a warning with its line.
	if w := strings.Join(s.Collectors[0].Warnings, "\n"); w != "SITE/sitectrl.ct0:1: BEGIN_COMPONENT is never closed" {
		t.Errorf("warnings = %q", w)
	}
	if s.Site.Code == nil || s.Site.Code.Unknown == "" {
		t.Errorf("site.code = %+v, want unknown (bad site code)", s.Site.Code)
	}
	if s.Site.Mode == nil || s.Site.Mode.Unknown == "" {
		t.Errorf("site.mode = %+v, want unknown", s.Site.Mode)
	}
	e := find(t, s, "EMPTY.contoso.com")
	if e.WSUS == nil || e.WSUS.InstallType == nil || e.WSUS.InstallType.Unknown == "" || e.WSUS.InstallType.Provenance.Source != "EMPTY/registry/wsus-setup.reg" {
		t.Errorf("EMPTY install_type = %+v, want unknown naming the missing file", e.WSUS)
	}
	find(t, s, "NOMANIFEST")
}

// TestSiteModeRule: the site mode interpretation is overridable, and a
// manifest site_mode hint is used when the site control file has none.
func TestSiteModeRule(t *testing.T) {
	s := collect(t, compliantDir, Options{SiteMode: extract.SiteModeRule{Component: "SMS_SITE_COMPONENT_MANAGER", Property: "IISSSLState", NativeMask: 0x400}})
	if v, _ := s.Site.Mode.Get(); v != "mixed" {
		t.Errorf("mode with mask 0x400 = %q, want mixed (63 has no bit 10)", v)
	}
	s = collect(t, compliantDir, Options{SiteMode: extract.SiteModeRule{Component: "SMS_SITE_COMPONENT_MANAGER", Property: "NoSuchProperty", NativeMask: 1}})
	if s.Site.Mode == nil || !strings.Contains(s.Site.Mode.Unknown, "not verified") {
		t.Errorf("mode = %+v, want unknown saying it is not verified", s.Site.Mode)
	}
}

// zipOf builds a zip archive of files (name -> content), written in order.
func zipOf(t *testing.T, names []string, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeZip(t *testing.T, path string, files map[string]string) {
	t.Helper()
	var names []string
	for n := range files {
		names = append(names, n)
	}
	if err := os.WriteFile(path, zipOf(t, names, files), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestZipWindowsPaths: backslash separators, other letter case and a
// single top-level folder inside the zip.
func TestZipWindowsPaths(t *testing.T) {
	dir := t.TempDir()
	writeZip(t, filepath.Join(dir, "SUP01.zip"), map[string]string{
		`SUP01\MANIFEST.TXT`:               "fqdn=SUP01.corp.contoso.com\r\n",
		`SUP01\Registry\Wsus-Setup.Reg`:    regHeader + `[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Update Services\Server\Setup]` + "\r\n\"InstallType\"=dword:00000001\r\n",
		`SUP01\IIS\APPLICATIONHOST.CONFIG`: `<configuration><system.applicationHost><sites><site name="WSUS Administration" id="5"><application path="/ClientWebService"/><bindings><binding protocol="https" bindingInformation="*:8531:"/></bindings></site></sites></system.applicationHost></configuration>`,
	})
	s := collect(t, dir, Options{})
	sup := find(t, s, "SUP01.corp.contoso.com")
	want(t, "install_type", sup.WSUS.InstallType, facts.InstallServer, `SUP01/Registry/Wsus-Setup.Reg`, 4)
	want(t, "ssl_port", sup.WSUS.SSLPort, 8531, `SUP01/IIS/APPLICATIONHOST.CONFIG`, 1)
}

// TestZipUnsafe: zip-slip entries and zip bombs fail their server clearly;
// the other servers are still collected.
func TestZipUnsafe(t *testing.T) {
	big := strings.Repeat("\x00", 2<<20)
	many := map[string]string{}
	for i := 0; i < 30; i++ {
		many[filepath.Join("logs", string(rune('a'+i%26))+strings.Repeat("x", i)+".log")] = "x"
	}
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  string
	}{
		{"dotdot", map[string]string{"manifest.txt": "fqdn=BAD\n", "../../evil.txt": "x"}, Options{}, `escapes the folder`},
		{"dotdot backslash", map[string]string{`logs\..\..\evil.txt`: "x"}, Options{}, `escapes the folder`},
		{"absolute", map[string]string{"/etc/passwd": "x"}, Options{}, "absolute path"},
		{"drive letter", map[string]string{`C:\Windows\evil.txt`: "x"}, Options{}, "drive letter"},
		{"too many entries", many, Options{MaxZipEntries: 10}, "30 entries, over the limit of 10"},
		{"file too large", map[string]string{"logs/WCM.log": big}, Options{MaxFileSize: 1 << 20}, "over the per-file limit"},
		{"total too large", map[string]string{"logs/WCM.log": big, "logs/wsyncmgr.log": big}, Options{MaxTotalSize: 3 << 20}, "in total"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeZip(t, filepath.Join(dir, "BAD.zip"), tt.files)
			writeFiles(t, dir, map[string]string{"GOOD/manifest.txt": "fqdn=GOOD.contoso.com\n"})
			s := collect(t, dir, tt.opts)
			errs := strings.Join(s.Collectors[0].Errors, "\n")
			if !strings.Contains(errs, "BAD.zip") || !strings.Contains(errs, tt.want) || !strings.Contains(errs, ErrUnsafeZip.Error()) {
				t.Errorf("errors = %q, want BAD.zip: %s", errs, tt.want)
			}
			find(t, s, "GOOD.contoso.com")
			for _, srv := range s.Servers {
				if strings.EqualFold(srv.FQDN, "BAD") {
					t.Errorf("the rejected zip's server was collected: %+v", srv)
				}
			}
		})
	}
}

func TestZipRootAndErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "SUP01.zip")
	writeZip(t, p, map[string]string{"manifest.txt": "fqdn=SUP01.corp.contoso.com\n"})
	s := collect(t, p, Options{})
	find(t, s, "SUP01.corp.contoso.com")

	if err := os.WriteFile(p, []byte("PK not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Collect(context.Background(), p, Options{}); err == nil || !strings.Contains(err.Error(), "not a readable zip") {
		t.Errorf("Collect(corrupt zip) = %v", err)
	}
	if _, err := Collect(context.Background(), filepath.Join(dir, "missing"), Options{}); err == nil {
		t.Error("Collect(missing) succeeded")
	}
	empty := t.TempDir()
	if _, err := Collect(context.Background(), empty, Options{}); err == nil || !strings.Contains(err.Error(), "no server evidence") {
		t.Errorf("Collect(empty) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Collect(ctx, compliantDir, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Collect(cancelled) = %v, want context.Canceled", err)
	}
}

func TestNormalizeZipName(t *testing.T) {
	for in, want := range map[string]string{
		`a\b\c.log`: "a/b/c.log",
		"a/./b":     "a/b",
		"a//b":      "a/b",
	} {
		if got, err := normalizeZipName(in); err != nil || got != want {
			t.Errorf("normalizeZipName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "/x", `\x`, `\\server\share\x`, "C:x", "../x", `a\..\..\x`, "a/../../x", "x\x00y"} {
		if got, err := normalizeZipName(in); err == nil {
			t.Errorf("normalizeZipName(%q) = %q, want an error", in, got)
		}
	}
}

// FuzzCollectZip: no zip archive, however malformed, panics the collector.
func FuzzCollectZip(f *testing.F) {
	f.Add([]byte("PK\x03\x04"))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("registry/wsus-setup.reg")
	w.Write([]byte(regHeader + `[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Update Services\Server\Setup]` + "\r\n\"InstallType\"=dword:00000001\r\n"))
	zw.Close()
	f.Add(buf.Bytes())
	// Over 1 MiB: a large stored log and a duplicated entry.
	{
		var zb bytes.Buffer
		zw := zip.NewWriter(&zb)
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: "logs/WCM.log", Method: zip.Store})
		w.Write(bytes.Repeat([]byte("Successfully connected to server: SUP01, port: 8530, useSSL: False\r\n"), 20000))
		w, _ = zw.Create("logs/wcm.LOG")
		w.Write([]byte("x"))
		zw.Close()
		f.Add(zb.Bytes())
	}
	// Every sample server's evidence, zipped: seeds that reach every parser.
	for _, server := range []string{"SCCM01", "SUP01", "SUPINET01"} {
		var zb bytes.Buffer
		zw := zip.NewWriter(&zb)
		root := filepath.Join(compliantDir, server)
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			w, err := zw.Create(filepath.ToSlash(rel))
			if err != nil {
				return err
			}
			_, err = w.Write(data)
			return err
		})
		zw.Close()
		f.Add(zb.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "S.zip"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = Collect(context.Background(), dir, Options{MaxFileSize: 1 << 20, MaxTotalSize: 4 << 20})
	})
}

// TestZipEqualsFolder: a server's evidence zipped (with Windows
// separators and a top-level folder) gives the same snapshot as the
// folder.
func TestZipEqualsFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(compliantDir)); err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(collect(t, dir, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	var names []string
	src := filepath.Join(dir, "SUPINET01")
	err = filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := strings.ReplaceAll(filepath.ToSlash(rel), "/", `\`)
		data, err := os.ReadFile(p)
		files[name] = string(data)
		names = append(names, name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "SUPINET01.zip"), zipOf(t, names, files), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(collect(t, dir, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("zipped evidence gives a different snapshot:\nfolder: %s\nzip:    %s", want, got)
	}
}

// TestFolderBackslashNames: files whose names hold Windows separators are
// found as if they were in folders.
func TestFolderBackslashNames(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"SUP01/manifest.txt":            "fqdn=SUP01.corp.contoso.com\n",
		`SUP01/Registry\WSUS-Setup.reg`: regHeader + `[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Update Services\Server\Setup]` + "\r\n\"InstallType\"=dword:00000002\r\n",
	})
	s := collect(t, dir, Options{})
	want(t, "install_type", find(t, s, "SUP01.corp.contoso.com").WSUS.InstallType, facts.InstallConsole, "SUP01/Registry/WSUS-Setup.reg", 4)
}

// TestSiteControlRoles covers the SUP role extraction: the active SUP, the
// Internet-based SUP named by a component property or inferred from the
// role, accepted clients, and a missing DefaultWSUS.
func TestSiteControlRoles(t *testing.T) {
	role := func(server string, inf, intranet int) string {
		return "BEGIN_SYSTEM_RESOURCE_USAGE\n\t<SMS Software Update Point>\n\t<[\"Display=\\\\" + server + "\\\"]MSWNET:[\"SMS_SITE=ABC\"]\\\\" + server + "\\>\n\t<Windows NT Server>\n" +
			"\tPROPERTY <IsINF><REG_DWORD><><" + string(rune('0'+inf)) + ">\n\tPROPERTY <IsIntranet><REG_DWORD><><" + string(rune('0'+intranet)) + ">\nEND_SYSTEM_RESOURCE_USAGE\n"
	}
	comp := func(props string) string {
		return "BEGIN_COMPONENT\n\t<SMS_WSUS_CONFIGURATION_MANAGER>\n\t<SITE.contoso.com>\n" + props + "END_COMPONENT\n"
	}
	type sup struct{ active, internet, accepts string } // "" = unknown / absent
	tests := []struct {
		name string
		scf  string
		want map[string]sup
	}{
		{"inferred internet SUP", comp("\tPROPERTY <DefaultWSUS><REG_SZ><SUPA.contoso.com><0>\n") + role("SUPA.contoso.com", 0, 1) + role("SUPB.contoso.com", 1, 0),
			map[string]sup{"SUPA.contoso.com": {"true", "false", "intranet"}, "SUPB.contoso.com": {"true", "true", "internet"}}},
		{"named internet SUP", comp("\tPROPERTY <DefaultWSUS><REG_SZ><SUPA><0>\n\tPROPERTY <DefaultINFWSUS><REG_SZ><SUPB.contoso.com><0>\n") + role("SUPA.contoso.com", 1, 1) + role("SUPB.contoso.com", 1, 1) + role("SUPC.contoso.com", 1, 0),
			map[string]sup{"SUPA.contoso.com": {"true", "false", "both"}, "SUPB.contoso.com": {"true", "true", "both"}, "SUPC.contoso.com": {"false", "false", "internet"}}},
		{"no DefaultWSUS", comp("") + role("SUPA.contoso.com", 0, 0),
			map[string]sup{"SUPA.contoso.com": {"", "false", ""}}},
	}
	str := func(f *facts.Fact[bool]) string {
		if v, ok := f.Get(); ok {
			return map[bool]string{true: "true", false: "false"}[v]
		}
		return ""
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"SITE/manifest.txt": "fqdn=SITE.contoso.com\nroles=site_server\n", "SITE/sitectrl.ct0": tt.scf})
			s := collect(t, dir, Options{})
			for fqdn, w := range tt.want {
				r := find(t, s, fqdn).SUP
				acc, _ := r.Accepts.Get()
				got := sup{str(r.Active), str(r.InternetBased), acc}
				if got != w {
					t.Errorf("%s: (active, internet_based, accepts) = %v, want %v", fqdn, got, w)
				}
				if r.Present == nil || r.Present.Provenance.Source != "SITE/sitectrl.ct0" || r.Present.Provenance.Line == 0 {
					t.Errorf("%s: present provenance %+v", fqdn, r.Present)
				}
			}
			if p, _ := find(t, s, "SITE.contoso.com").SUP.Present.Get(); p {
				t.Error("the site server without a role has present = true")
			}
		})
	}
}

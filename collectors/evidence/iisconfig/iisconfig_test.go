package iisconfig

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func parseFile(t *testing.T, name string) *Config {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	c, err := Parse(fh, name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestApplicationHost(t *testing.T) {
	c := parseFile(t, "applicationHost_synthetic.config")
	if len(c.Sites) != 2 {
		t.Fatalf("sites %d", len(c.Sites))
	}
	def := c.Sites[0]
	if def.ID != 1 || def.Name != "Default Web Site" || !reflect.DeepEqual(def.HTTPPorts, []int{80}) || def.HTTPSPorts != nil || def.Line != 15 {
		t.Errorf("default site %+v", def)
	}
	s := c.FindWSUSSite(0)
	if s == nil || s.ID != 1766342021 || s.Name != "WSUS Administration" {
		t.Fatalf("FindWSUSSite(0) = %+v", s)
	}
	if !reflect.DeepEqual(s.HTTPPorts, []int{8530}) || !reflect.DeepEqual(s.HTTPSPorts, []int{8531}) || len(s.Bindings) != 3 || s.Bindings[2].IP != "[::]" {
		t.Errorf("ports %v %v bindings %+v", s.HTTPPorts, s.HTTPSPorts, s.Bindings)
	}
	if got := c.FindWSUSSite(1); got == nil || got.ID != 1 {
		t.Errorf("FindWSUSSite(1) = %+v", got)
	}
	tests := []struct {
		path    string
		require bool
		flags   string
	}{
		{"ApiRemoting30", true, "Ssl"},
		{"/clientwebservice/", true, "Ssl, Ssl128"},
		{"DssAuthWebService", true, "Ssl"},
		{"ServerSyncWebService", true, "Ssl"},
		{"SimpleAuthWebService", true, "Ssl"},
		{"ReportingWebService", false, "None"},
		{"Content", false, "None"},
		{"Content/private", false, "SslRequireCert"},
		{"", false, "None"},
	}
	for _, tt := range tests {
		v, ok := s.VDir(tt.path)
		if !ok {
			t.Errorf("%q missing", tt.path)
			continue
		}
		if v.RequireSSL != tt.require || v.SSLFlags != tt.flags || v.Line == 0 || v.SSLLine == 0 {
			t.Errorf("%q = %+v, want require %v flags %q", tt.path, v, tt.require, tt.flags)
		}
	}
	if v, _ := s.VDir("ClientWebService"); v.Line != 33 {
		t.Errorf("ClientWebService defined at line %d, want 33", v.Line)
	}
}

func TestMetabase(t *testing.T) {
	c := parseFile(t, "metabase_synthetic.xml")
	if len(c.Sites) != 2 {
		t.Fatalf("sites %d", len(c.Sites))
	}
	s := c.FindWSUSSite(0)
	if s == nil || s.ID != 1 || s.Name != "Default Web Site" || s.Line != 12 {
		t.Fatalf("wsus site %+v", s)
	}
	if !reflect.DeepEqual(s.HTTPPorts, []int{80}) || !reflect.DeepEqual(s.HTTPSPorts, []int{443}) {
		t.Errorf("ports %v %v", s.HTTPPorts, s.HTTPSPorts)
	}
	tests := []struct {
		path    string
		require bool
	}{
		{"ApiRemoting30", true}, {"ClientWebService", true}, {"Content", false}, {"", false},
		{"SimpleAuthWebService", true}, {"SimpleAuthWebService/bin", true}, // 264 = 0x108, inherited by bin
	}
	for _, tt := range tests {
		v, ok := s.VDir(tt.path)
		if !ok || v.RequireSSL != tt.require {
			t.Errorf("%q = %+v ok=%v, want require %v", tt.path, v, ok, tt.require)
		}
	}
	if v, _ := s.VDir("ClientWebService"); v.Line != 30 || v.SSLFlags != "AccessSSL | AccessSSL128" {
		t.Errorf("ClientWebService %+v", v)
	}
	in := c.Sites[1]
	if in.Name != "Intranet" || !reflect.DeepEqual(in.HTTPPorts, []int{8080, 8081}) || in.Bindings[1].Host != "intranet.contoso.com" {
		t.Errorf("multi-line ServerBindings: %+v", in)
	}
	if c.FindWSUSSite(2).Name != "Intranet" {
		t.Error("FindWSUSSite(2)")
	}
}

func TestTable(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		wantErr string
		check   func(*testing.T, *Config)
	}{
		{name: "syntax error names line", input: "<configuration>\n<sites>\n<site name=\"x\" id=\"1\">\n</sites>", wantErr: "t.xml:4: xml:"},
		{name: "empty", input: "", check: func(t *testing.T, c *Config) {
			if len(c.Sites) != 0 || c.FindWSUSSite(0) != nil {
				t.Error("expected no sites")
			}
		}},
		{name: "unknown encoding", input: `<?xml version="1.0" encoding="ebcdic"?><a/>`, wantErr: "t.xml:1:"},
		{name: "numeric sslFlags", input: `<configuration><system.applicationHost><sites><site name="S" id="3"><application path="/ClientWebService"/></site></sites></system.applicationHost>
<location path="S/ClientWebService"><system.webServer><security><access sslFlags="264"/></security></system.webServer></location></configuration>`, check: func(t *testing.T, c *Config) {
			if v, ok := c.FindWSUSSite(0).VDir("ClientWebService"); !ok || !v.RequireSSL || v.SSLLine != 2 {
				t.Errorf("%+v", v)
			}
		}},
		{name: "location for unknown site ignored", input: `<configuration><location path="Nope/X"><system.webServer><security><access sslFlags="Ssl"/></security></system.webServer></location></configuration>`, check: func(t *testing.T, c *Config) {
			if len(c.Sites) != 0 {
				t.Error("unexpected site")
			}
		}},
		{name: "longest site name wins", input: `<configuration><system.applicationHost><sites><site name="WSUS" id="1"/><site name="WSUS Admin" id="2"/></sites></system.applicationHost>
<location path="WSUS Admin/ClientWebService"><system.webServer><security><access sslFlags="Ssl"/></security></system.webServer></location></configuration>`, check: func(t *testing.T, c *Config) {
			if s := c.FindWSUSSite(0); s == nil || s.ID != 2 {
				t.Errorf("%+v", s)
			}
		}},
		{name: "utf-16 with BOM", input: "\xff\xfe" + utf16le(`<?xml version="1.0" encoding="utf-16"?><configuration><system.applicationHost><sites><site name="A" id="1"><bindings><binding protocol="HTTP" bindingInformation="*:80:"/></bindings></site></sites></system.applicationHost></configuration>`), check: func(t *testing.T, c *Config) {
			if len(c.Sites) != 1 || c.Sites[0].HTTPPorts[0] != 80 {
				t.Errorf("%+v", c.Sites)
			}
		}},
		{name: "bad bindings skipped", input: `<x><sites><site name="A" id="1"><bindings><binding protocol="http" bindingInformation="*:0:"/><binding protocol="http" bindingInformation="nonsense"/><binding protocol="http" bindingInformation="*:99999:"/></bindings></site></sites></x>`, check: func(t *testing.T, c *Config) {
			if len(c.Sites[0].Bindings) != 0 {
				t.Errorf("%+v", c.Sites[0].Bindings)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(strings.NewReader(tt.input), "t.xml")
			if tt.wantErr != "" {
				var pe *ParseError
				if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func utf16le(s string) string {
	var b strings.Builder
	for _, r := range s { // ASCII only in tests
		b.WriteByte(byte(r))
		b.WriteByte(0)
	}
	return b.String()
}

func TestMaxFileSize(t *testing.T) {
	_, err := ParseWithOptions(strings.NewReader(strings.Repeat(" ", 100)), "big.xml", Options{MaxFileSize: 10})
	if err == nil || !strings.Contains(err.Error(), "big.xml:0: file exceeds 10 bytes") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParseIISConfig(f *testing.F) {
	files, _ := filepath.Glob("testdata/*_synthetic.*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseBytes(data, "fuzz.xml")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		_ = c.FindWSUSSite(1)
		for i := range c.Sites {
			for p := range c.Sites[i].VirtualDirs {
				if _, ok := c.Sites[i].VDir(p); !ok {
					t.Fatalf("VDir(%q) not found", p)
				}
			}
		}
	})
}

// TestClientCertificates: the client certificate setting of each virtual
// directory, IIS 7 sslFlags keywords and numbers (SslNegotiateCert 32,
// SslRequireCert 64) and IIS 6 AccessSSLFlags (AccessSSLNegotiateCert
// 0x20, AccessSSLRequireCert 0x40), inherited from the site root.
func TestClientCertificates(t *testing.T) {
	iis7 := func(flags map[string]string) string {
		s := `<configuration><system.applicationHost><sites><site name="W" id="5"><application path="/"/><application path="/ClientWebService"/><application path="/Content"/></site></sites></system.applicationHost>`
		for p, f := range flags {
			s += `<location path="W` + p + `"><system.webServer><security><access sslFlags="` + f + `"/></security></system.webServer></location>`
		}
		return s + `</configuration>`
	}
	iis6 := func(root, cws string) string {
		s := `<configuration><MBProperty><IIsWebServer Location="/LM/W3SVC/1" ServerComment="Default Web Site"/><IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT"`
		if root != "" {
			s += ` AccessSSLFlags="` + root + `"`
		}
		s += `/><IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT/ClientWebService"`
		if cws != "" {
			s += ` AccessSSLFlags="` + cws + `"`
		}
		return s + `/><IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT/Content"/></MBProperty></configuration>`
	}
	tests := []struct {
		name, input      string
		cws, content     string
		cwsSSL, contentS bool
	}{
		{"iis7 ignore", iis7(map[string]string{"/ClientWebService": "Ssl, Ssl128"}), ClientCertIgnore, "", true, false},
		{"iis7 accept", iis7(map[string]string{"/ClientWebService": "Ssl, SslNegotiateCert"}), ClientCertAccept, "", true, false},
		{"iis7 require", iis7(map[string]string{"/ClientWebService": "Ssl, SslNegotiateCert, SslRequireCert"}), ClientCertRequire, "", true, false},
		{"iis7 numeric 8|32|64", iis7(map[string]string{"/ClientWebService": "104"}), ClientCertRequire, "", true, false},
		{"iis7 whole site requires SSL", iis7(map[string]string{"": "Ssl"}), ClientCertIgnore, ClientCertIgnore, true, true},
		{"iis6 accept", iis6("", "AccessSSL | AccessSSLNegotiateCert"), ClientCertAccept, "", true, false},
		{"iis6 numeric require", iis6("", "328"), ClientCertRequire, "", true, false},
		{"iis6 whole site with client certs", iis6("AccessSSL | AccessSSLNegotiateCert | AccessSSLRequireCert", ""), ClientCertRequire, ClientCertRequire, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(strings.NewReader(tt.input), "t.xml")
			if err != nil {
				t.Fatal(err)
			}
			s := c.FindWSUSSite(0)
			if s == nil {
				t.Fatal("no WSUS site")
			}
			cws, _ := s.VDir("ClientWebService")
			content, _ := s.VDir("Content")
			if cws.ClientCert != tt.cws || cws.RequireSSL != tt.cwsSSL {
				t.Errorf("ClientWebService: client %q ssl %v, want %q %v", cws.ClientCert, cws.RequireSSL, tt.cws, tt.cwsSSL)
			}
			if content.ClientCert != tt.content || content.RequireSSL != tt.contentS {
				t.Errorf("Content: client %q ssl %v, want %q %v", content.ClientCert, content.RequireSSL, tt.content, tt.contentS)
			}
		})
	}
}

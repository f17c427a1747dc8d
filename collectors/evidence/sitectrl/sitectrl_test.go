package sitectrl

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func parseFile(t *testing.T, name string) *File {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := Parse(fh, name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSDKExample(t *testing.T) {
	f := parseFile(t, "sdk_client_component_verbatim.ct0")
	if f.Header != nil || len(f.Blocks) != 1 {
		t.Fatalf("header %v blocks %d", f.Header, len(f.Blocks))
	}
	b := f.Component("sms client base components")
	if b == nil || b.Keyword != "CLIENT_COMPONENT" || b.Line != 1 || b.EndLine != 20 {
		t.Fatalf("component: %+v", b)
	}
	if len(b.Values) != 2 || b.Values[1].Text != "65537" || b.Values[1].Line != 3 {
		t.Errorf("values %+v", b.Values)
	}
	if n, ok := b.SiteKeyFlags(); !ok || n != 1 {
		t.Errorf("SITE_KEY_FLAGS %d %v", n, ok)
	}
	if p := b.Property("Component Verify Interval"); p == nil || p.Type != "REG_SZ" || p.String != "00011700001000F0" || p.DWord != 0 || p.Line != 5 {
		t.Errorf("REG_SZ property %+v", p)
	}
	if p := b.Property("component maintenance interval (minutes)"); p == nil || p.Type != "REG_DWORD" || p.DWord != 1500 {
		t.Errorf("REG_DWORD property %+v", p)
	}
	pl := b.PropertyList("Copy Queue")
	if pl == nil || len(pl.Items) != 2 || pl.Items[0].Line != 9 {
		t.Fatalf("property list %+v", pl)
	}
	typ, name, val, ok := ParseListItem(pl.Items[1].Text)
	if !ok || typ != "REG_DWORD" || name != "Wakeup cycle" || val != "1380" {
		t.Errorf("list item %q %q %q %v", typ, name, val, ok)
	}
	ml := b.MultiStringList("Retry Sequence")
	if ml == nil || !reflect.DeepEqual(ml.Qualifiers, []string{"Copy Queue"}) || len(ml.Items) != 4 || ml.Items[3].Text != "360" {
		t.Fatalf("multi-string list %+v", ml)
	}
	if n, ok := ml.Block.SiteKeyFlags(); !ok || n != 1 {
		t.Error("list SITE_KEY_FLAGS")
	}
}

func TestSyntheticSiteControl(t *testing.T) {
	f := parseFile(t, "sitectrl_synthetic.ct0")
	if f.Header == nil || f.Header.Build != "6487" || f.Header.Syntax != "2.00" || f.Header.Line != 1 {
		t.Fatalf("header %+v", f.Header)
	}
	wcm := f.Component("SMS_WSUS_CONFIGURATION_MANAGER")
	if wcm == nil {
		t.Fatal("WCM component missing")
	}
	if p := wcm.Property("DefaultWSUS"); p == nil || p.String != "SUP01.contoso.com" || p.Line != 14 {
		t.Errorf("DefaultWSUS %+v", p)
	}
	if len(f.Components()) != 2 {
		t.Errorf("components %d", len(f.Components()))
	}
	roles := f.SiteSystemRoles(RoleSoftwareUpdatePoint)
	if len(roles) != 1 {
		t.Fatalf("roles %d", len(roles))
	}
	r := roles[0]
	if r.Keyword != "SYSTEM_RESOURCE_USAGE" || r.Line != 24 {
		t.Errorf("role block %s line %d", r.Keyword, r.Line)
	}
	nal, ok := r.NAL()
	if !ok || nal.Server != "SUP01.contoso.com" || nal.SiteCode != "ABC" || nal.Type != "MSWNET" || nal.Display != `\\SUP01.contoso.com\` {
		t.Errorf("NAL %+v", nal)
	}
	for _, tt := range []struct {
		name string
		want uint32
	}{{"WSUSIISPort", 8530}, {"WSUSIISSSLPort", 8531}, {"SSLWSUS", 0}, {"IsINF", 0}, {"IsIntranet", 1}} {
		if p := r.Property(tt.name); p == nil || p.DWord != tt.want {
			t.Errorf("%s = %+v, want %d", tt.name, p, tt.want)
		}
	}
	if got := f.SiteSystemRoles("SMS Site System"); len(got) != 1 {
		t.Errorf("site system roles %d", len(got))
	}
}

func TestParseNAL(t *testing.T) {
	tests := []struct {
		in      string
		server  string
		site    string
		wantErr bool
	}{
		{`["Display=\\SUP01.contoso.com\"]MSWNET:["SMS_SITE=ABC"]\\SUP01.contoso.com\`, "SUP01.contoso.com", "ABC", false},
		{`MSWNET:["SMS_SITE=XYZ"]\\SRV\`, "SRV", "XYZ", false},
		{`["Display=\\DISP\"]MSWNET:`, "DISP", "", false},
		{`\\SRV\`, "", "", true},
		{`["Display=\\X`, "", "", true},
		{`MSWNET:["SMS_SITE=ABC"]`, "", "", true},
	}
	for _, tt := range tests {
		n, err := ParseNAL(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("%q: err %v", tt.in, err)
			continue
		}
		if err == nil && (n.Server != tt.server || n.SiteCode != tt.site) {
			t.Errorf("%q: %+v", tt.in, n)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, input, wantErr string
	}{
		{"unclosed", "BEGIN_COMPONENT\n<x>\n", "t.ct0:1: BEGIN_COMPONENT is never closed"},
		{"mismatched", "BEGIN_A\nEND_B\n", "t.ct0:2: END_B does not close BEGIN_A (line 1)"},
		{"stray end", "END_A\n", "t.ct0:1: END_A without BEGIN_A"},
		{"value outside", "<x>\n", "t.ct0:1: value outside any block"},
		{"short property", "BEGIN_A\nPROPERTY <a><REG_SZ>\nEND_A\n", "t.ct0:2: PROPERTY has 2 fields"},
		{"bad angles", "BEGIN_A\n<a><b\nEND_A\n", "t.ct0:2: unterminated"},
		{"garbage", "BEGIN_A\nhello world!\nEND_A\n", `t.ct0:2: unexpected line "hello world!"`},
		{"bad header", "SITE CONTROL FILE [1]\n", "t.ct0:1: malformed header"},
		{"too deep", strings.Repeat("BEGIN_A\n", MaxDepth+1), "nested deeper than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.input), "t.ct0")
			var pe *ParseError
			if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestValueWithAngle(t *testing.T) {
	f, err := Parse(strings.NewReader("BEGIN_A\nPROPERTY <Q><REG_SZ><a > b><0>\nEND_A\n"), "t")
	if err != nil {
		t.Fatal(err)
	}
	if p := f.Blocks[0].Property("Q"); p.String != "a > b" {
		t.Errorf("%+v", p)
	}
}

func TestMaxFileSize(t *testing.T) {
	_, err := ParseWithOptions(strings.NewReader(strings.Repeat("\n", 100)), "big.ct0", Options{MaxFileSize: 10})
	if err == nil || !strings.Contains(err.Error(), "big.ct0:0: file exceeds 10 bytes") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParseSiteControl(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.ct0")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseBytes(data, "fuzz.ct0")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		for _, c := range file.Components() {
			_ = c.Property(c.Name())
			_, _ = c.SiteKeyFlags()
		}
		for _, r := range file.SiteSystemRoles(RoleSoftwareUpdatePoint) {
			_, _ = r.NAL()
			_ = r.PropertyList("x")
			_ = r.MultiStringList("x")
		}
		for _, b := range file.Blocks {
			for _, v := range b.Values {
				_, _ = ParseNAL(v.Text)
				_, _, _, _ = ParseListItem(v.Text)
			}
		}
	})
}

func TestParseNALNoPanic(t *testing.T) {
	// Regression: found by FuzzParseSiteControl (testdata/fuzz/...).
	for _, in := range []string{`["]`, `["]MSWNET:["]`, `[""]X:["`, `["`} {
		_, _ = ParseNAL(in)
	}
}

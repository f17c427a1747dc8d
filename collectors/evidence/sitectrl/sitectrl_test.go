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
	if p := b.Property("Component Verify Interval"); p == nil || p.Type != "REG_SZ" || p.String != "00011700001000F0" || p.DWordRaw != "0" || p.Line != 5 {
		t.Errorf("REG_SZ property %+v", p)
	}
	if p := b.Property("component maintenance interval (minutes)"); p == nil || p.Type != "REG_DWORD" || p.DWordRaw != "1500" {
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
		if p := r.Property(tt.name); p == nil {
			t.Errorf("%s missing", tt.name)
		} else if n, err := p.DWord(); err != nil || n != tt.want {
			t.Errorf("%s = %d (%v), want %d", tt.name, n, err, tt.want)
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

// TestKBQ277745 reads the site control file excerpt printed in the SMS 2.0
// KB article Q277745: groups separated by white space ("<Client
// Properties> <3>"), the keyword spelled "Property", a malformed line, lines
// the article wrapped, and no END_ line. Every readable line is kept and
// each unreadable one is a warning with its line.
func TestKBQ277745(t *testing.T) {
	f := parseFile(t, "kb_q277745_verbatim.ct0")
	if len(f.Blocks) != 1 {
		t.Fatalf("blocks %d", len(f.Blocks))
	}
	b := f.Blocks[0]
	if b.Keyword != "CLIENT_CONFIGURATION" || b.EndLine != 0 {
		t.Errorf("block %s end %d", b.Keyword, b.EndLine)
	}
	if len(b.Values) != 2 || b.Values[0].Text != "Client Properties" || b.Values[1].Text != "3" || b.Values[1].Line != 2 {
		t.Errorf("values %+v", b.Values)
	}
	if d := b.Directive("target_platform"); d == nil || d.Keyword != "TARGET_PLATFORM" || len(d.Values) != 1 || d.Values[0] != "ALL" {
		t.Errorf("TARGET_PLATFORM %+v", d)
	}
	if n, ok := b.SiteKeyFlags(); !ok || n != 0 {
		t.Errorf("SITE_KEY_FLAGS %d %v", n, ok)
	}
	if len(b.Properties) != 27 {
		t.Errorf("%d properties, want 27", len(b.Properties))
	}
	p := b.Property(`Bin\i386\Wuser.exe`)
	if p == nil || p.Type != "Client Program" || p.Line != 44 {
		t.Fatalf("Wuser.exe %+v", p)
	}
	if n, err := p.DWord(); err != nil || n != 2 {
		t.Errorf("Wuser.exe DWORD %d %v", n, err)
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.Error())
	}
	want := []string{
		"kb_q277745_verbatim.ct0:6: PROPERTY has 3 fields, want <Name><Type><String><DWord>",
		`kb_q277745_verbatim.ct0:13: unexpected line "Property <Bin\\Alpha\\Mslmclin.dll><Client": unterminated`,
		`kb_q277745_verbatim.ct0:14: unexpected line "Program><><4>"`,
	}
	if len(got) != 14 {
		t.Errorf("%d warnings, want 14:\n%s", len(got), strings.Join(got, "\n"))
	}
	for i, w := range want {
		if i >= len(got) || !strings.HasPrefix(got[i], w) {
			t.Errorf("warning %d = %q, want prefix %q", i, got[i], w)
		}
	}
	if last := got[len(got)-1]; last != "kb_q277745_verbatim.ct0:1: BEGIN_CLIENT_CONFIGURATION is never closed" {
		t.Errorf("last warning %q", last)
	}
}

// TestTolerant: each unreadable line is a warning with its line; the blocks
// around it are kept.
func TestTolerant(t *testing.T) {
	tests := []struct {
		name, input string
		warnings    []string
		check       func(t *testing.T, f *File)
	}{
		{"groups separated by white space", "BEGIN_COMPONENT\n<SMS_WSUS_CONFIGURATION_MANAGER> <SITE01>\nPROPERTY <DefaultWSUS> <REG_SZ> <SUP01> <0>\nEND_COMPONENT\n", nil,
			func(t *testing.T, f *File) {
				c := f.Component("SMS_WSUS_CONFIGURATION_MANAGER")
				if c == nil || len(c.Values) != 2 || c.Values[1].Text != "SITE01" {
					t.Fatalf("component %+v", c)
				}
				if p := c.Property("DefaultWSUS"); p == nil || p.String != "SUP01" {
					t.Errorf("DefaultWSUS %+v", p)
				}
			}},
		{"keywords in any case", "begin_Component\n<X>\nproperty <P><REG_DWORD><><7>\nSite_Key_Flags <1>\nEnd_COMPONENT\n", nil,
			func(t *testing.T, f *File) {
				c := f.Component("x")
				if c == nil || c.Keyword != "COMPONENT" || c.EndLine != 5 {
					t.Fatalf("component %+v", c)
				}
				if n, _ := c.Property("P").DWord(); n != 7 {
					t.Errorf("P = %d", n)
				}
				if n, ok := c.SiteKeyFlags(); !ok || n != 1 {
					t.Errorf("SITE_KEY_FLAGS %d %v", n, ok)
				}
			}},
		{"NUL and Ctrl-Z padding", "BEGIN_A\r\n<x>\r\nEND_A\r\n\x00\x00\x00\x00\x1a", nil, nil},
		{"NUL padding on a line", "BEGIN_A\x00\x00\n<x>\nEND_A\x00\n", nil, nil},
		{"header with spaces", "site control file [6487] [2.00]\nBEGIN_A\nEND_A\n", nil,
			func(t *testing.T, f *File) {
				if f.Header == nil || f.Header.Build != "6487" || f.Header.Syntax != "2.00" {
					t.Errorf("header %+v", f.Header)
				}
			}},
		{"unknown line kept out", "BEGIN_A\n<x>\nhello world!\nEND_A\nBEGIN_B\nEND_B\n", []string{`t.ct0:3: unexpected line "hello world!"`}, nil},
		{"value outside", "<x>\nBEGIN_A\nEND_A\n", []string{"t.ct0:1: value outside any block"}, nil},
		{"stray end", "END_Q\nBEGIN_A\nEND_A\n", []string{"t.ct0:1: END_Q without BEGIN_Q"}, nil},
		{"control characters are quoted", "BEGIN_A\nEND_\x1b[31m\nEND_A\n", []string{`t.ct0:2: malformed block end "END_\x1b[31m"`}, nil},
		{"mismatched end", "BEGIN_A\nEND_B\nEND_A\n", []string{"t.ct0:2: END_B does not close BEGIN_A (line 1)"}, nil},
		{"inner block not closed", "BEGIN_A\nBEGIN_PROPERTY_LIST\n<L>\nEND_A\nBEGIN_B\nEND_B\n", []string{"t.ct0:2: BEGIN_PROPERTY_LIST is not closed before END_A (line 4)"},
			func(t *testing.T, f *File) {
				if len(f.Blocks) != 2 || f.Blocks[0].EndLine != 4 || len(f.Blocks[0].Children) != 1 {
					t.Errorf("blocks %+v", f.Blocks)
				}
			}},
		{"unclosed at end", "BEGIN_A\n<x>\n", []string{"t.ct0:1: BEGIN_A is never closed"}, nil},
		{"short property", "BEGIN_A\nPROPERTY <a><REG_SZ>\nEND_A\n", []string{"t.ct0:2: PROPERTY has 2 fields"}, nil},
		{"property outside", "PROPERTY <a><REG_SZ><><1>\nBEGIN_A\nEND_A\n", []string{"t.ct0:1: PROPERTY outside any block"}, nil},
		{"bad angles", "BEGIN_A\n<a><b\nEND_A\n", []string{"t.ct0:2: unterminated"}, nil},
		{"bad header", "SITE CONTROL FILE [1]\nBEGIN_A\nEND_A\n", []string{"t.ct0:1: malformed header"}, nil},
		{"late header", "BEGIN_A\nEND_A\nSITE CONTROL FILE [1][2]\n", []string{"t.ct0:3: header line"}, nil},
		{"too deep", strings.Repeat("BEGIN_A\n", MaxDepth+2) + strings.Repeat("END_A\n", MaxDepth+2) + "BEGIN_B\nEND_B\n", []string{"t.ct0:65: blocks nested deeper than 64"},
			func(t *testing.T, f *File) {
				if len(f.Blocks) != 2 || f.Blocks[1].Keyword != "B" {
					t.Errorf("blocks after the skipped ones: %d", len(f.Blocks))
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tt.input), "t.ct0")
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Warnings) != len(tt.warnings) {
				t.Fatalf("warnings %v, want %q", f.Warnings, tt.warnings)
			}
			for i, w := range tt.warnings {
				if !strings.HasPrefix(f.Warnings[i].Error(), w) {
					t.Errorf("warning %q, want prefix %q", f.Warnings[i], w)
				}
			}
			if tt.check != nil {
				tt.check(t, f)
			}
		})
	}
}

func TestNotASiteControlFile(t *testing.T) {
	for _, tt := range []struct{ input, want string }{
		{"", "t.ct0:0: empty: no site control file content"},
		{"\x00\x00\x00", "t.ct0:0: empty: no site control file content"},
		{"SITE_KEY_FLAGS <1>\n", "t.ct0:1: not a site control file: no BEGIN_ block or SITE CONTROL FILE header"},
		{"hello\nworld\n", `t.ct0:1: not a site control file: no BEGIN_ block or SITE CONTROL FILE header, 2 unreadable lines (first: unexpected line "hello")`},
	} {
		_, err := Parse(strings.NewReader(tt.input), "t.ct0")
		var pe *ParseError
		if err == nil || !errors.As(err, &pe) || err.Error() != tt.want {
			t.Errorf("%q: err = %v, want %q", tt.input, err, tt.want)
		}
	}
}

func TestWarningsCapped(t *testing.T) {
	f, err := Parse(strings.NewReader("BEGIN_A\n"+strings.Repeat("junk\n", 500)+"END_A\n"), "t.ct0")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings) != MaxWarnings || f.Unreadable != 500 || f.Warnings[MaxWarnings-1].Msg != "401 further unreadable lines are not reported" {
		t.Errorf("%d warnings, last %v", len(f.Warnings), f.Warnings[len(f.Warnings)-1])
	}
}

func TestDWord(t *testing.T) {
	for _, tt := range []struct {
		raw     string
		want    uint32
		wantErr string
	}{
		{"0", 0, ""},
		{"63", 63, ""},
		{" 8531 ", 8531, ""},
		{"4294967295", 4294967295, ""},
		{"", 0, "IISSSLState has no DWORD value"},
		{"abc", 0, `IISSSLState DWORD value "abc" is not a decimal number`},
		{"on", 0, `IISSSLState DWORD value "on" is not a decimal number`},
		{"4294967296", 0, `IISSSLState DWORD value "4294967296" is out of the DWORD range 0-4294967295`},
		{"4294975827", 0, `IISSSLState DWORD value "4294975827" is out of the DWORD range 0-4294967295`},
		{"-4294967233", 0, `IISSSLState DWORD value "-4294967233" is negative`},
		{"-1", 0, `IISSSLState DWORD value "-1" is negative`},
		{"0x1F", 0, `IISSSLState DWORD value "0x1F" is not a decimal number`},
	} {
		p := Property{Name: "IISSSLState", DWordRaw: tt.raw}
		n, err := p.DWord()
		if tt.wantErr == "" {
			if err != nil || n != tt.want {
				t.Errorf("%q: %d, %v", tt.raw, n, err)
			}
			continue
		}
		if err == nil || err.Error() != tt.wantErr {
			t.Errorf("%q: err = %v, want %q", tt.raw, err, tt.wantErr)
		}
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
		for _, w := range file.Warnings {
			if w.Line < 1 {
				t.Fatalf("warning without a line: %v", w)
			}
			if strings.ContainsFunc(w.Error(), func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Fatalf("raw control character in a warning: %q", w.Error())
			}
		}
		for _, c := range file.Components() {
			if p := c.Property(c.Name()); p != nil {
				_, _ = p.DWord()
			}
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

// TestLargeInput: a site control file over 1 MiB (many blocks, unreadable
// lines and NUL padding between them) is read in one pass, keeping every
// block and capping the warnings.
func TestLargeInput(t *testing.T) {
	var b strings.Builder
	blocks := 0
	for b.Len() < 3<<20 {
		b.WriteString("BEGIN_COMPONENT\r\n\t<C> <S>\r\n\tPROPERTY <P><REG_DWORD><><1>\r\n\t?? junk ??\r\n\x00\x00END_COMPONENT\r\n")
		blocks++
	}
	f, err := ParseBytes([]byte(b.String()), "big.ct0")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Blocks) != blocks || len(f.Warnings) != MaxWarnings {
		t.Errorf("%d blocks (want %d), %d warnings", len(f.Blocks), blocks, len(f.Warnings))
	}
}

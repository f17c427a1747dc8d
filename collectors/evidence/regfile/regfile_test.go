package regfile

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/supaudit/supaudit/internal/textenc"
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

const setupKey = `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Update Services\Server\Setup`

func TestSyntheticWSUSSetupUTF16(t *testing.T) {
	f := parseFile(t, "wsus_setup_synthetic_v5_utf16le.reg")
	if f.Version != 5 || len(f.Keys) != 1 {
		t.Fatalf("version %d keys %d", f.Version, len(f.Keys))
	}
	k := f.Key(`hklm\software\microsoft\update services\server\setup\`)
	if k == nil || k.Line != 6 {
		t.Fatalf("key lookup: %+v", k)
	}
	tests := []struct {
		name string
		kind Kind
		str  string
		num  uint64
		line int
	}{
		{"InstallType", KindDWord, "", 1, 7},
		{"versionstring", KindString, "3.2.7600.226", 0, 8},
		{"PortNumber", KindDWord, "", 8530, 9},
		{"UsingSSL", KindDWord, "", 0, 10},
		{"IISTargetWebSiteIndex", KindDWord, "", 2, 11},
		{"ContentDir", KindString, `C:\WSUS`, 0, 12},
		{"TargetDir", KindString, `C:\Program Files\Update Services\`, 0, 13},
		{"SqlServerName", KindString, `MYSERVER\MICROSOFT##SSEE`, 0, 14},
		{"SqlDatabaseName", KindString, "SUSDB", 0, 15},
	}
	for _, tt := range tests {
		v := k.Value(tt.name)
		if v == nil {
			t.Errorf("%s missing", tt.name)
			continue
		}
		if v.Type != tt.kind || v.String != tt.str || v.Uint != tt.num || v.Line != tt.line {
			t.Errorf("%s = %+v, want kind %v str %q num %d line %d", tt.name, *v, tt.kind, tt.str, tt.num, tt.line)
		}
	}
	if k.Value("ServerCertificateName") != nil {
		t.Error("unexpected value")
	}
}

func TestTypes(t *testing.T) {
	f := parseFile(t, "types_synthetic_v5_utf8.reg")
	k := f.Key(`HKEY_LOCAL_MACHINE\SOFTWARE\Supaudit\Types`)
	if k == nil {
		t.Fatal("key missing")
	}
	check := func(name string, want Value) {
		t.Helper()
		v := k.Value(name)
		if v == nil {
			t.Fatalf("%s missing", name)
		}
		got := *v
		got.Bytes, got.Name = nil, ""
		want.Name = ""
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
		}
	}
	check("@", Value{Type: KindString, String: "default value", Line: 5})
	check("Quote", Value{Type: KindString, String: `say "hi" to C:\temp\`, Line: 6})
	check("Expand", Value{Type: KindExpandString, String: `%ProgramFiles%\Update Services\`, Line: 7})
	check("Multi", Value{Type: KindMultiString, Strings: []string{"ClientWebService", "SimpleAuthWebService", "Ünïcødé €"}, Line: 10})
	check("QWord", Value{Type: KindQWord, Uint: 10000000000, Line: 15})
	check("Binary", Value{Type: KindBinary, Line: 16})
	check("None", Value{Type: KindNone, Line: 17})
	check("BigEndian", Value{Type: KindDWordBigEndian, Uint: 8530, Line: 18})
	check("Gone", Value{Type: KindDeleted, Deleted: true, Line: 19})
	if b := k.Value("Binary").Bytes; string(b) != "\xde\xad\xbe\xef" {
		t.Errorf("binary bytes %x", b)
	}
	if f.Keys[1].Path != `HKEY_LOCAL_MACHINE\SOFTWARE\Supaudit\Obsolete` || !f.Keys[1].Deleted || f.Keys[1].Line != 21 {
		t.Errorf("deleted key: %+v", f.Keys[1])
	}
	if f.Key(`HKLM\SOFTWARE\Supaudit\Obsolete`) != nil {
		t.Error("deleted key returned by Key")
	}
	if v := f.Key(`HKLM\SOFTWARE\Wow6432Node\Microsoft\SMS\Setup`).Value("full version"); v == nil || v.String != "4.00.6487.2000" {
		t.Errorf("wow64 key: %+v", v)
	}
}

func TestREGEDIT4(t *testing.T) {
	f := parseFile(t, "wsus_setup_synthetic_v4_ansi.reg")
	k := f.Key(setupKey)
	if f.Version != 4 || k == nil {
		t.Fatalf("version %d key %v", f.Version, k)
	}
	if v := k.Value("Note"); v.String != "café €" {
		t.Errorf("cp1252 decode: %q", v.String)
	}
	if v := k.Value("ContentDir"); v.Type != KindExpandString || v.String != `C:\WSUS` {
		t.Errorf("ANSI hex(2): %+v", v)
	}
}

func TestParseTable(t *testing.T) {
	const h = HeaderV5 + "\n\n[HKEY_LOCAL_MACHINE\\K]\n"
	tests := []struct {
		name    string
		input   string
		wantErr string // substring; "" means success
		check   func(*testing.T, *File)
	}{
		{name: "utf8 bom", input: "\xEF\xBB\xBF" + h + `"a"="b"`, check: func(t *testing.T, f *File) {
			if f.Key(`HKLM\K`).Value("A").String != "b" {
				t.Error("value")
			}
		}},
		{name: "no header", input: "[HKEY_LOCAL_MACHINE\\K]\n", wantErr: "t.reg:1: missing header"},
		{name: "empty", input: "", wantErr: "t.reg:1: missing header: empty file"},
		{name: "reg query output", input: "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\X\r\n    A    REG_DWORD    0x1\r\n", wantErr: `t.reg:2: this is reg query output, not a reg export file; export the key with reg export (for example: reg export "HKEY_LOCAL_MACHINE\SOFTWARE\X" t.reg)`},
		{name: "reg query /s output, then its summary line", input: "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\X\r\n    A    REG_SZ    b\r\n\r\nEnd of search: 1 match(es) found.\r\n", wantErr: "t.reg:2: this is reg query output"},
		{name: "reg query output saved by PowerShell (UTF-16LE)", input: string(textenc.EncodeUTF16LE("\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\X\r\n    A    REG_SZ    b\r\n", true)), wantErr: "t.reg:2: this is reg query output"},
		{name: "reg query output, short root", input: "HKLM\\SOFTWARE\\X\n\tA\tREG_SZ\tb\n", wantErr: "t.reg:1: this is reg query output"},
		{name: "a key path alone is not reg query output", input: "HKLM\\SOFTWARE\\X\n", wantErr: "t.reg:1: missing header"},
		{name: "a key path then other text", input: "HKLM\\SOFTWARE\\X\nhello REG_SZ\n", wantErr: "t.reg:1: missing header"},
		{name: "value outside key", input: HeaderV5 + "\n\"a\"=\"b\"\n", wantErr: "t.reg:2: value outside"},
		{name: "bad dword", input: h + `"a"=dword:xyz`, wantErr: "t.reg:4: bad dword"},
		{name: "dword too long", input: h + `"a"=dword:123456789`, wantErr: "t.reg:4: bad dword"},
		{name: "bad hex", input: h + `"a"=hex:01,zz`, wantErr: `t.reg:4: value "a": bad hex byte "zz"`},
		{name: "short qword", input: h + `"a"=hex(b):01,02`, wantErr: "REG_QWORD needs 8 bytes"},
		{name: "unterminated string", input: h + `"a"="b`, wantErr: "t.reg:4: unterminated string"},
		{name: "trailing junk", input: h + `"a"="b" x`, wantErr: "unexpected text after string"},
		{name: "unterminated key", input: h + "[HKEY_X\n", wantErr: "t.reg:4: unterminated key"},
		{name: "garbage line", input: h + "foo\n", wantErr: `t.reg:4: unexpected line "foo"`},
		{name: "missing equals", input: h + `"a" "b"`, wantErr: "missing '='"},
		{name: "hex continuation at EOF", input: h + "\"a\"=hex:01,\\\n", check: func(t *testing.T, f *File) {
			if b := f.Keys[0].Values[0].Bytes; len(b) != 1 {
				t.Errorf("bytes %x", b)
			}
		}},
		{name: "continuation line numbers", input: h + "\"a\"=hex:01,\\\n  02\n\"b\"=dword:1\n", check: func(t *testing.T, f *File) {
			if v := f.Keys[0].Values[1]; v.Line != 6 || v.Uint != 1 {
				t.Errorf("%+v", v)
			}
		}},
		{name: "same value twice, last wins", input: h + "\"a\"=dword:1\n\"A\"=dword:2\n", check: func(t *testing.T, f *File) {
			if f.Keys[0].Value("a").Uint != 2 {
				t.Error("last value should win")
			}
		}},
		{name: "empty multi", input: h + `"m"=hex(7):00,00`, check: func(t *testing.T, f *File) {
			if v := f.Keys[0].Value("m"); v.Strings == nil || len(v.Strings) != 0 {
				t.Errorf("%#v", v.Strings)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tt.input), "t.reg")
			if tt.wantErr != "" {
				var pe *ParseError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &pe) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, f)
			}
		})
	}
}

func TestMaxFileSize(t *testing.T) {
	_, err := ParseWithOptions(strings.NewReader(HeaderV5+strings.Repeat("\n", 100)), "big.reg", Options{MaxFileSize: 50})
	if err == nil || !strings.Contains(err.Error(), "big.reg:0: file exceeds 50 bytes") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParseReg(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.reg")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(HeaderV4 + "\n[K]\n\"a\"=hex(7):41,00,42,00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseBytes(data, "fuzz.reg")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		for i := range file.Keys {
			k := &file.Keys[i]
			_ = file.Key(k.Path)
			for _, v := range k.Values {
				_ = k.Value(v.Name)
				_ = v.Type.String()
			}
		}
	})
}

// TestRegQueryOutput: the output of reg query saved in place of a reg export
// file (reg.exe's layout, and the Windows XP / 2003 reg.exe 3.0 banner) is
// named as such, with the line it starts on.
func TestRegQueryOutput(t *testing.T) {
	for _, tt := range []struct{ file, want string }{
		{"wsus_setup_reg_query_synthetic.txt", `wsus_setup_reg_query_synthetic.txt:2: this is reg query output, not a reg export file; export the key with reg export (for example: reg export "HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Update Services\Server\Setup" wsus_setup_reg_query_synthetic.txt)`},
		{"sms_setup_reg_query_xp_synthetic.txt", `sms_setup_reg_query_xp_synthetic.txt:2: this is reg query output, not a reg export file; export the key with reg export (for example: reg export "HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SMS\Setup" sms_setup_reg_query_xp_synthetic.txt)`},
	} {
		data, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ParseBytes(data, tt.file)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: err = %v\nwant %s", tt.file, err, tt.want)
		}
	}
}

func TestCmdQuote(t *testing.T) {
	for in, want := range map[string]string{
		`HKLM\SOFTWARE\X`: `"HKLM\SOFTWARE\X"`,
		"HKLM\\A\x1b[31m": `"HKLM\\A\x1b[31m"`,
		`HKLM\"quoted"`:   `"HKLM\\\"quoted\""`,
		"HKLM\\caf\u00e9": "\"HKLM\\caf\u00e9\"",
	} {
		if got := cmdQuote(in); got != want {
			t.Errorf("cmdQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

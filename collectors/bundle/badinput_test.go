package bundle

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/supaudit/supaudit/facts"
)

// utf16Bytes encodes s as UTF-16 with the given byte order, with a BOM
// when bom is set.
func utf16Bytes(s string, bigEndian, bom bool) string {
	var out []byte
	u := utf16.Encode([]rune(s))
	if bom {
		u = append([]uint16{0xFEFF}, u...)
	}
	for _, c := range u {
		if bigEndian {
			out = append(out, byte(c>>8), byte(c))
		} else {
			out = append(out, byte(c), byte(c>>8))
		}
	}
	return string(out)
}

// garbage is bytes no evidence parser can read: NULs, invalid UTF-8, control
// characters and a fake BOM.
var garbage = "\xff\xfe\x00\x00\x00\x01\x02\x03\xc3\x28\xa0\xa1\xe2\x82\xf0\x28\x8c\xbc\x00\x1b[31m" + strings.Repeat("\x00\xff", 300)

// TestBadInput: truncated, garbage, empty and wrongly encoded evidence files
// give a collector error or an unknown fact naming the file (and line where
// there is one), never a panic, and the other server's evidence is still
// collected.
func TestBadInput(t *testing.T) {
	const wsusKey = `[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Update Services\Server\Setup]` + "\r\n\"InstallType\"=dword:00000001\r\n\"PortNumber\"=dword:00002152\r\n"
	good := regHeader + wsusKey
	tests := []struct {
		name  string
		files map[string]string // below BAD/
		// want are substrings of the collector errors or of the BAD
		// server's unknown install type (at least one each must match).
		want []string
	}{
		{"binary registry export", map[string]string{"registry/wsus-setup.reg": garbage}, []string{"BAD/registry/wsus-setup.reg"}},
		{"empty registry export", map[string]string{"registry/wsus-setup.reg": ""}, []string{"BAD/registry/wsus-setup.reg"}},
		{"truncated UTF-16 export (odd byte count)", map[string]string{"registry/wsus-setup.reg": utf16Bytes(good, false, true)[:len(utf16Bytes(good, false, true))/2*2-31]}, []string{"BAD/registry/wsus-setup.reg"}},
		{"UTF-16 big-endian export with BOM is read", map[string]string{"registry/wsus-setup.reg": utf16Bytes(good, true, true)}, nil},
		{"UTF-16LE export without BOM", map[string]string{"registry/wsus-setup.reg": utf16Bytes(good, false, false)}, []string{"BAD/registry/wsus-setup.reg"}},
		{"garbage sms.reg", map[string]string{"registry/sms.reg": garbage}, []string{"BAD/registry/sms.reg"}},
		{"garbage site control file", map[string]string{"sitectrl.ct0": garbage}, []string{"BAD/sitectrl.ct0"}},
		{"truncated site control file", map[string]string{"sitectrl.ct0": "BEGIN_SYSTEM_RESOURCE_USAGE\n\t<SMS Software Update Point>\n\t<[\"Display=\\\\S\\\"]MSWNET:[\"SMS_SITE=ABC\"]\\\\S\\>\n\tPROPERTY <WSUSIISPort><REG_DWORD><><85"}, []string{"BAD/sitectrl.ct0"}},
		{"garbage IIS configuration", map[string]string{"iis/applicationHost.config": garbage}, []string{"BAD/iis/applicationHost.config"}},
		{"truncated IIS configuration", map[string]string{"iis/applicationHost.config": `<configuration><system.applicationHost><sites><site name="WSUS Administration" id="5"><bindings><binding protocol="https" bindingInf`}, []string{"BAD/iis/applicationHost.config"}},
		{"empty IIS 6 metabase", map[string]string{"iis/metabase.xml": ""}, []string{"BAD/iis/metabase.xml"}},
		{"garbage certificate", map[string]string{"certs/wsus-ssl.cer": garbage}, []string{"BAD/certs/wsus-ssl.cer"}},
		{"truncated PEM certificate", map[string]string{"certs/wsus-ssl.cer": "-----BEGIN CERTIFICATE-----\nMIIDazCCAlOgAwIBAgIUY2b\n"}, []string{"BAD/certs/wsus-ssl.cer"}},
		{"garbage manifest", map[string]string{"manifest.txt": garbage}, []string{"BAD"}},
		{"empty log files", map[string]string{"logs/WCM.log": "", "logs/wsyncmgr.log": "", "logs/SUPSetup.log": ""}, []string{"BAD/registry/wsus-setup.reg"}},
		{"binary logs", map[string]string{"logs/WCM.log": garbage, "logs/wsyncmgr.log": garbage, "logs/SUPSetup.log": garbage, "logs/WSUSCtrl.log": garbage}, []string{"BAD/registry/wsus-setup.reg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{
				"GOOD/manifest.txt":            "fqdn=GOOD.contoso.com\n",
				"GOOD/registry/wsus-setup.reg": good,
			}
			if _, ok := tt.files["manifest.txt"]; !ok {
				files["BAD/manifest.txt"] = "fqdn=BAD.contoso.com\n"
			}
			for k, v := range tt.files {
				files["BAD/"+k] = v
			}
			writeFiles(t, dir, files)
			s := collect(t, dir, Options{})
			want(t, "GOOD install_type", find(t, s, "GOOD.contoso.com").WSUS.InstallType, facts.InstallServer, "GOOD/registry/wsus-setup.reg", 4)
			var said []string
			said = append(said, s.Collectors[0].Errors...)
			for _, srv := range s.Servers {
				if srv.WSUS != nil && srv.WSUS.InstallType != nil && srv.WSUS.InstallType.Unknown != "" {
					said = append(said, srv.WSUS.InstallType.Provenance.Source+": "+srv.WSUS.InstallType.Unknown)
				}
			}
			bad, err := json.Marshal(s.Servers)
			if err != nil {
				t.Fatal(err)
			}
			said = append(said, string(bad)) // unknown facts name their file
			joined := strings.Join(said, "\n")
			if tt.want == nil {
				want(t, "BAD install_type", find(t, s, "BAD.contoso.com").WSUS.InstallType, facts.InstallServer, "BAD/registry/wsus-setup.reg", 4)
			}
			for _, w := range tt.want {
				if !strings.Contains(joined, w) {
					t.Errorf("nothing names %q; errors and unknowns:\n%s", w, joined)
				}
			}
		})
	}
}

// TestEmptyBundles: a bundle with no server evidence is an error naming
// the bundle; an empty server folder or an empty zip is still a server
// (named after its folder) with unknown facts.
func TestEmptyBundles(t *testing.T) {
	empty := t.TempDir()
	if _, err := Collect(context.Background(), empty, Options{}); err == nil || !strings.Contains(err.Error(), "no server evidence") || !strings.Contains(err.Error(), empty) {
		t.Errorf("empty bundle: err = %v, want 'no server evidence' naming the folder", err)
	}
	onlyFiles := t.TempDir()
	writeFiles(t, onlyFiles, map[string]string{"README.txt": "not evidence"})
	if _, err := Collect(context.Background(), onlyFiles, Options{}); err == nil {
		t.Error("bundle holding only loose files: want an error")
	}

	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "SUP01"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeZip(t, filepath.Join(dir, "SUP02.zip"), map[string]string{})
	if err := os.WriteFile(filepath.Join(dir, "SUP03.zip"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"GOOD/manifest.txt": "fqdn=GOOD.contoso.com\n"})
	s := collect(t, dir, Options{})
	for _, name := range []string{"SUP01", "SUP02"} {
		srv := find(t, s, name)
		if srv.WSUS == nil || srv.WSUS.InstallType == nil || !strings.Contains(srv.WSUS.InstallType.Provenance.Source, name+"/registry/wsus-setup.reg") {
			t.Errorf("%s: install_type = %+v, want unknown naming the missing file", name, srv.WSUS)
		}
	}
	joined := strings.Join(s.Collectors[0].Errors, "\n")
	if !strings.Contains(joined, "SUP03.zip") {
		t.Errorf("the 0-byte zip is not named in the errors:\n%s", joined)
	}
	find(t, s, "GOOD.contoso.com")
	if _, err := json.Marshal(s); err != nil {
		t.Fatal(err)
	}
}

// TestTruncatedZip: a server's zip cut short is rejected with an error
// naming it; the other server is still collected.
func TestTruncatedZip(t *testing.T) {
	dir := t.TempDir()
	data := zipOf(t, []string{"manifest.txt", "registry/wsus-setup.reg"}, map[string]string{
		"manifest.txt":            "fqdn=SUP01.contoso.com\n",
		"registry/wsus-setup.reg": regHeader + `[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Update Services\Server\Setup]` + "\r\n\"InstallType\"=dword:00000001\r\n",
	})
	for _, cut := range []int{len(data) / 2, len(data) - 10} {
		if err := os.WriteFile(filepath.Join(dir, "SUP01.zip"), data[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		writeFiles(t, dir, map[string]string{"GOOD/manifest.txt": "fqdn=GOOD.contoso.com\n"})
		s := collect(t, dir, Options{})
		if joined := strings.Join(s.Collectors[0].Errors, "\n"); !strings.Contains(joined, "SUP01.zip") {
			t.Errorf("cut at %d: errors do not name SUP01.zip:\n%s", cut, joined)
		}
		find(t, s, "GOOD.contoso.com")
	}
}

// TestZipDuplicateEntries: an archive holding one name twice (or two
// names for one file: other case, Windows separators) is refused, naming
// the entries; before, the first one was read and the second ignored.
func TestZipDuplicateEntries(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries [][2]string
		want    string
	}{
		{"same name", [][2]string{{"manifest.txt", "fqdn=GOOD.contoso.com\n"}, {"manifest.txt", "fqdn=EVIL.contoso.com\n"}}, `entry "manifest.txt" appears twice`},
		{"other case and separator", [][2]string{{"logs/WCM.log", "a"}, {`LOGS\wcm.LOG`, "b"}}, `entries "logs/WCM.log" and "LOGS\\wcm.LOG" name the same file`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for _, e := range tc.entries {
				w, err := zw.Create(e[0])
				if err != nil {
					t.Fatal(err)
				}
				w.Write([]byte(e[1]))
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "SUP.zip"), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Collect(context.Background(), filepath.Join(dir, "SUP.zip"), Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), ErrUnsafeZip.Error()) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

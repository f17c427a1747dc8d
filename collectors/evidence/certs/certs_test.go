package certs

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func parseFile(t *testing.T, name string) []Cert {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	cs, err := Parse(fh, name)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// Thumbprint of sup01_selfsigned_synthetic.pem as printed by
// `openssl x509 -noout -fingerprint -sha1`.
const sup01Thumb = "E309FCC7FD872DB30A494F3B6EB7B2F657CACFD8"

func TestSUP01Encodings(t *testing.T) {
	for _, name := range []string{
		"sup01_selfsigned_synthetic.pem",
		"sup01_selfsigned_synthetic_der.cer",
		"sup01_certutil_encode_synthetic.cer",
		"sup01_headerless_base64_synthetic.cer",
	} {
		t.Run(name, func(t *testing.T) {
			cs := parseFile(t, name)
			if len(cs) != 1 {
				t.Fatalf("got %d certs", len(cs))
			}
			c := cs[0]
			if c.Thumbprint != sup01Thumb || !c.SelfSigned || !c.ServerAuth || !c.EKUPresent {
				t.Errorf("%+v", c)
			}
			if c.CommonName != "SUP01.contoso.com" || c.Subject != c.Issuer || !strings.Contains(c.Subject, "CN=SUP01.contoso.com") {
				t.Errorf("subject %q issuer %q", c.Subject, c.Issuer)
			}
			if !reflect.DeepEqual(c.DNSNames, []string{"SUP01.contoso.com", "sup01", "*.sup.contoso.com"}) {
				t.Errorf("DNS names %v", c.DNSNames)
			}
			if c.SignatureAlgorithm != "SHA256-RSA" || !c.NotAfter.After(c.NotBefore) {
				t.Errorf("alg %s", c.SignatureAlgorithm)
			}
			if !strings.HasPrefix(c.Source, name) {
				t.Errorf("source %q", c.Source)
			}
			for host, want := range map[string]bool{
				"sup01.contoso.com": true, "SUP01": true, "a.sup.contoso.com": true,
				"a.b.sup.contoso.com": false, "sup02.contoso.com": false, "": false,
			} {
				if got := c.MatchesName(host); got != want {
					t.Errorf("MatchesName(%q) = %v", host, got)
				}
			}
		})
	}
}

func TestChainSHA1(t *testing.T) {
	cs := parseFile(t, "chain_sha1_synthetic.pem")
	if len(cs) != 2 {
		t.Fatalf("got %d certs", len(cs))
	}
	leaf, ca := cs[0], cs[1]
	if leaf.Source != "chain_sha1_synthetic.pem:3" || !strings.HasPrefix(ca.Source, "chain_sha1_synthetic.pem:") {
		t.Errorf("sources %q %q", leaf.Source, ca.Source)
	}
	if leaf.SelfSigned || leaf.ServerAuth || !leaf.EKUPresent || leaf.SignatureAlgorithm != "SHA1-RSA" {
		t.Errorf("leaf %+v", leaf)
	}
	if !ca.SelfSigned {
		t.Errorf("SHA-1 self-signed CA not recognised: %+v", ca)
	}
	// CN-only certificate: Go semantics ignore the CN, the legacy helper uses it.
	if leaf.MatchesName("site01.contoso.com") || !leaf.MatchesNameLegacyCN("site01.contoso.com") || leaf.MatchesNameLegacyCN("x.contoso.com") {
		t.Error("CN matching")
	}
}

func TestNoEKU(t *testing.T) {
	c := parseFile(t, "noeku_sha1_selfsigned_synthetic.pem")[0]
	if c.EKUPresent || !c.ServerAuth || !c.SelfSigned {
		t.Errorf("%+v", c)
	}
	if !c.ValidAt(c.NotBefore.Add(time.Hour)) || c.ValidAt(c.NotAfter.Add(time.Second)) {
		t.Error("ValidAt")
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, input, wantErr string
	}{
		{"empty", "", "x.cer:0: empty file"},
		{"garbage", "hello, world", "x.cer:0: neither PEM, DER nor Base-64"},
		{"bad DER", "\x30\x03\x02\x01\x01", "x.cer:0: parse DER certificate"},
		{"bad PEM body", "line1\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "x.cer:2: parse certificate"},
		{"unterminated PEM", "-----BEGIN CERTIFICATE-----\nAAAA\n", "x.cer:1: malformed PEM block"},
		{"only a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "x.cer:0: no CERTIFICATE PEM block"},
		{"pkcs7", "-----BEGIN PKCS7-----\nAAAA\n-----END PKCS7-----\n", "PKCS#7"},
		{"base64 not a cert", "aGVsbG8=", "x.cer:0: parse DER certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.input), "x.cer")
			var pe *ParseError
			if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
	_, err := ParseWithOptions(strings.NewReader(strings.Repeat("A", 100)), "big.cer", Options{MaxFileSize: 10})
	if err == nil || !strings.Contains(err.Error(), "big.cer:0: file exceeds 10 bytes") {
		t.Fatalf("err = %v", err)
	}
}

func TestUTF16PEM(t *testing.T) {
	b, err := os.ReadFile("testdata/sup01_selfsigned_synthetic.pem")
	if err != nil {
		t.Fatal(err)
	}
	u := []byte{0xFF, 0xFE}
	for _, c := range b {
		u = append(u, c, 0)
	}
	cs, err := ParseBytes(u, "u.cer")
	if err != nil || len(cs) != 1 || cs[0].Thumbprint != sup01Thumb {
		t.Fatalf("%v %v", cs, err)
	}
}

func FuzzParseCert(f *testing.F) {
	files, _ := filepath.Glob("testdata/*synthetic*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ParseBytes(data, "fuzz.cer")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		for i := range cs {
			_ = cs[i].MatchesName("sup01.contoso.com")
			_ = cs[i].MatchesNameLegacyCN("sup01.contoso.com")
		}
	})
}

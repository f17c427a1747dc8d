// Package certs reads X.509 certificates from the files an administrator
// exports on Windows: PEM, DER, and .cer files, which may be either DER
// ("DER encoded binary X.509") or Base-64. "certutil -encode" and the
// certificate export wizard's "Base-64 encoded X.509 (.CER)" both write the
// PEM armour "-----BEGIN CERTIFICATE-----" / "-----END CERTIFICATE-----"
// with CRLF line endings [B: recalled, not verified in a source here];
// Base-64 without the armour is accepted too. PKCS#7 (.p7b) and PFX files
// are not supported.
//
// The certificate facts the scanner needs (server-auth certificate whose
// subject/SAN carries the SUP's intranet FQDN, and the Internet FQDN for an
// Internet-based SUP) are in docs/sources.md ("Certificates, native mode, Internet-based SUP").
package certs

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	_ "crypto/md5" // registers MD5 for verifying legacy self-signed certificates
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/supaudit/supaudit/internal/textenc"
)

// DefaultMaxFileSize is the default cap on bytes read from one file.
// Certificate files are a few KB; bundles rarely exceed 1 MB.
const DefaultMaxFileSize int64 = 16 << 20

// Cert is the scanner's view of one certificate.
type Cert struct {
	// Subject and Issuer are distinguished names in RFC 2253 string form.
	Subject, Issuer string
	// CommonName is the subject CN.
	CommonName string
	// DNSNames are the subjectAltName DNS names.
	DNSNames []string
	// NotBefore and NotAfter bound the validity period.
	NotBefore, NotAfter time.Time
	// Thumbprint is the SHA-1 of the DER encoding, upper-case hex without
	// separators, as Windows shows it in the certificate store.
	Thumbprint string
	// SignatureAlgorithm is e.g. "SHA1-RSA", "SHA256-RSA".
	SignatureAlgorithm string
	// SelfSigned is set when subject equals issuer and the certificate's
	// signature verifies with its own public key (SHA-1 and MD5 signatures
	// are verified directly, since crypto/x509 refuses them).
	SelfSigned bool
	// ServerAuth is set when the certificate may be used for TLS server
	// authentication: its extended key usage lists serverAuth or
	// anyExtendedKeyUsage, or it has no EKU extension at all (RFC 5280
	// §4.2.1.12: without the extension the key is not restricted).
	ServerAuth bool
	// EKUPresent reports whether the certificate has an EKU extension.
	EKUPresent bool
	// Source names where the certificate was read from ("file" or
	// "file:line" for PEM blocks).
	Source string
	// Certificate is the parsed certificate.
	Certificate *x509.Certificate
}

// ParseError is an error tied to a line of a named file ("file:line: msg").
type ParseError = textenc.ParseError

// Options tunes ParseWithOptions: MaxFileSize caps the bytes read (0 means
// DefaultMaxFileSize).
type Options = textenc.Options

// Parse reads all certificates from r; source names the file in errors
// and in Cert.Source.
func Parse(r io.Reader, source string) ([]Cert, error) {
	return ParseWithOptions(r, source, Options{})
}

// ParseWithOptions is Parse with options.
func ParseWithOptions(r io.Reader, source string, opt Options) ([]Cert, error) {
	data, err := textenc.ReadFile(r, opt.MaxFileSize, DefaultMaxFileSize)
	if err != nil {
		return nil, &ParseError{File: source, Msg: err.Error()}
	}
	return ParseBytes(data, source)
}

var pemBegin = []byte("-----BEGIN ")

// ParseBytes reads all certificates from data (no size cap). It returns an
// error if data holds no certificate or a certificate fails to parse.
func ParseBytes(data []byte, source string) ([]Cert, error) {
	switch enc, n := textenc.Detect(data); enc {
	case textenc.UTF8BOM:
		data = data[n:]
	case textenc.UTF16LE, textenc.UTF16BE:
		s, _ := textenc.UTF16(data[n:], enc == textenc.UTF16BE)
		data = []byte(s)
	}
	fail := func(line int, format string, args ...any) error {
		return &ParseError{File: source, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if bytes.Contains(data, pemBegin) {
		var out []Cert
		pos := 0
		for {
			i := bytes.Index(data[pos:], pemBegin)
			if i < 0 {
				break
			}
			start := pos + i
			line := 1 + bytes.Count(data[:start], []byte("\n"))
			block, rest := pem.Decode(data[start:])
			if block == nil {
				return nil, fail(line, "malformed PEM block")
			}
			pos = len(data) - len(rest)
			switch block.Type {
			case "CERTIFICATE", "X509 CERTIFICATE":
			case "PKCS7":
				return nil, fail(line, "PKCS#7 (.p7b) bundles are not supported; export the certificate as DER or Base-64 .cer")
			default:
				continue // keys, requests, CRLs: not certificates
			}
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fail(line, "parse certificate: %v", err)
			}
			out = append(out, newCert(c, fmt.Sprintf("%s:%d", source, line)))
		}
		if len(out) == 0 {
			return nil, fail(0, "no CERTIFICATE PEM block found")
		}
		return out, nil
	}
	der := data
	if len(der) == 0 {
		return nil, fail(0, "empty file")
	}
	if der[0] != 0x30 { // not an ASN.1 SEQUENCE: try headerless Base-64
		clean := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, string(data))
		b, err := base64.StdEncoding.DecodeString(clean)
		if err != nil || len(b) == 0 {
			return nil, fail(0, "neither PEM, DER nor Base-64 certificate data")
		}
		der = b
	}
	cs, err := x509.ParseCertificates(der)
	if err != nil {
		return nil, fail(0, "parse DER certificate: %v", err)
	}
	if len(cs) == 0 {
		return nil, fail(0, "no certificate found")
	}
	out := make([]Cert, 0, len(cs))
	for _, c := range cs {
		out = append(out, newCert(c, source))
	}
	return out, nil
}

func newCert(c *x509.Certificate, source string) Cert {
	sum := sha1.Sum(c.Raw)
	out := Cert{
		Subject:            c.Subject.String(),
		Issuer:             c.Issuer.String(),
		CommonName:         c.Subject.CommonName,
		DNSNames:           c.DNSNames,
		NotBefore:          c.NotBefore,
		NotAfter:           c.NotAfter,
		Thumbprint:         strings.ToUpper(hex.EncodeToString(sum[:])),
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		Source:             source,
		Certificate:        c,
	}
	out.EKUPresent = len(c.ExtKeyUsage) > 0 || len(c.UnknownExtKeyUsage) > 0
	if !out.EKUPresent {
		out.ServerAuth = true
	}
	for _, u := range c.ExtKeyUsage {
		if u == x509.ExtKeyUsageServerAuth || u == x509.ExtKeyUsageAny {
			out.ServerAuth = true
		}
	}
	out.SelfSigned = bytes.Equal(c.RawSubject, c.RawIssuer) && selfSignatureOK(c)
	return out
}

// selfSignatureOK checks c's signature against its own key. crypto/x509
// rejects SHA-1 and MD5 signatures as insecure; those are verified here
// directly because 2007-era certificates commonly use them.
func selfSignatureOK(c *x509.Certificate) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature)
	if err == nil {
		return true
	}
	var insecure x509.InsecureAlgorithmError
	if !errors.As(err, &insecure) {
		return false
	}
	var h crypto.Hash
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1:
		h = crypto.SHA1
	case x509.MD5WithRSA:
		h = crypto.MD5
	default:
		return false
	}
	hh := h.New()
	hh.Write(c.RawTBSCertificate)
	digest := hh.Sum(nil)
	switch pub := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(pub, h, digest, c.Signature) == nil
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(pub, digest, c.Signature)
	}
	return false
}

// MatchesName reports whether the certificate is valid for host, using
// crypto/x509 VerifyHostname semantics: subjectAltName DNS names (and IP
// addresses) only, with single-label left-most wildcards; the subject CN is
// ignored. See MatchesNameLegacyCN for clients that fall back to the CN.
func (c *Cert) MatchesName(host string) bool {
	if c.Certificate == nil {
		return false
	}
	return c.Certificate.VerifyHostname(host) == nil
}

// MatchesNameLegacyCN is MatchesName, except that a certificate without any
// subjectAltName is matched against its subject CN, as Windows clients of
// the ConfigMgr 2007 era did [B: believed, not verified in a source here].
func (c *Cert) MatchesNameLegacyCN(host string) bool {
	if c.MatchesName(host) {
		return true
	}
	x := c.Certificate
	if x == nil || len(x.DNSNames) > 0 || len(x.IPAddresses) > 0 || x.Subject.CommonName == "" {
		return false
	}
	cp := *x
	cp.DNSNames = []string{x.Subject.CommonName}
	return cp.VerifyHostname(host) == nil
}

// ValidAt reports whether t lies within the certificate's validity period.
func (c *Cert) ValidAt(t time.Time) bool {
	return !t.Before(c.NotBefore) && !t.After(c.NotAfter)
}

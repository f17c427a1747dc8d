package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"strings"
	"testing"
	"time"
)

var (
	t0 = time.Date(2007, 6, 1, 0, 0, 0, 0, time.UTC)
	at = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
)

type issued struct {
	cert *x509.Certificate
	key  any
}

// mkCert issues a certificate signed by parent (self-signed when parent
// is nil) with the signature algorithm alg, as a Windows Server 2003
// enterprise CA does (SHA-1 with RSA).
func mkCert(t *testing.T, cn string, parent *issued, ca bool, alg x509.SignatureAlgorithm, eku []x509.ExtKeyUsage, notAfter time.Time) *issued {
	t.Helper()
	var key any
	var pub any
	if alg == x509.ECDSAWithSHA1 || alg == x509.ECDSAWithSHA256 {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key, pub = k, &k.PublicKey
	} else {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		key, pub = k, &k.PublicKey
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn, Organization: []string{"Contoso"}},
		NotBefore: t0, NotAfter: notAfter, SignatureAlgorithm: alg,
		IsCA: ca, BasicConstraintsValid: true, ExtKeyUsage: eku,
	}
	if !ca {
		tpl.DNSNames = []string{cn}
	}
	signer, signKey := tpl, key
	if parent != nil {
		signer, signKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, signer, pub, signKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &issued{c, key}
}

func subjects(chain []*x509.Certificate) string {
	var s []string
	for _, c := range chain {
		s = append(s, c.Subject.CommonName)
	}
	return strings.Join(s, " > ")
}

func TestVerifyChainSHA1(t *testing.T) {
	far := t0.AddDate(20, 0, 0)
	serverAuth := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	root1 := mkCert(t, "Contoso Root CA", nil, true, x509.SHA1WithRSA, nil, far)
	inter1 := mkCert(t, "Contoso Issuing CA", root1, true, x509.SHA1WithRSA, nil, far)
	leaf1 := mkCert(t, "supinet.contoso.com", inter1, false, x509.SHA1WithRSA, serverAuth, far)
	root256 := mkCert(t, "Fabrikam Root", nil, true, x509.SHA256WithRSA, nil, far)
	leaf256 := mkCert(t, "sup.fabrikam.com", root256, false, x509.SHA256WithRSA, serverAuth, far)
	rootEC := mkCert(t, "EC Root", nil, true, x509.ECDSAWithSHA1, nil, far)
	leafEC := mkCert(t, "ec.contoso.com", rootEC, false, x509.ECDSAWithSHA1, serverAuth, far)
	other := mkCert(t, "Contoso Root CA", nil, true, x509.SHA1WithRSA, nil, far) // same name, other key
	expiredInter := mkCert(t, "Contoso Old CA", root1, true, x509.SHA1WithRSA, nil, t0.AddDate(1, 0, 0))
	leafOld := mkCert(t, "old.contoso.com", expiredInter, false, x509.SHA1WithRSA, serverAuth, far)
	notCA := mkCert(t, "not-a-ca.contoso.com", root1, false, x509.SHA1WithRSA, serverAuth, far)
	leafUnderLeaf := mkCert(t, "under.contoso.com", notCA, false, x509.SHA1WithRSA, serverAuth, far)
	clientOnly := mkCert(t, "client.contoso.com", inter1, false, x509.SHA1WithRSA, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, far)

	certs := func(is ...*issued) []*x509.Certificate {
		var out []*x509.Certificate
		for _, i := range is {
			out = append(out, i.cert)
		}
		return out
	}
	tests := []struct {
		name        string
		leaf        *issued
		roots, ints []*issued
		want        string // chain, or "" for an error
		errHas      string
	}{
		{"SHA-1 chain of a Server 2003 CA verifies", leaf1, []*issued{root1}, []*issued{inter1}, "supinet.contoso.com > Contoso Issuing CA > Contoso Root CA", ""},
		{"SHA-256 chain (standard verifier)", leaf256, []*issued{root256}, nil, "sup.fabrikam.com > Fabrikam Root", ""},
		{"ECDSA with SHA-1", leafEC, []*issued{rootEC}, nil, "ec.contoso.com > EC Root", ""},
		{"missing intermediate", leaf1, []*issued{root1}, nil, "", "no trusted issuer"},
		{"root of the same name, other key (key identifiers differ)", leaf1, []*issued{other}, []*issued{inter1}, "", "no trusted issuer"},
		{"expired intermediate", leafOld, []*issued{root1}, []*issued{expiredInter}, "", "not valid at"},
		{"issuer is not a CA", leafUnderLeaf, []*issued{root1}, []*issued{notCA}, "", "not a certification authority"},
		{"client-auth only leaf", clientOnly, []*issued{root1}, []*issued{inter1}, "", "server authentication"},
		{"no roots", leaf1, nil, []*issued{inter1}, "", "no trusted issuer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chain, err := VerifyChain(tt.leaf.cert, VerifyOptions{Roots: certs(tt.roots...), Intermediates: certs(tt.ints...), At: at, ServerAuth: true})
			if tt.want != "" {
				if err != nil || subjects(chain) != tt.want {
					t.Fatalf("chain %q, err %v; want %q", subjects(chain), err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("chain %q, err %v; want an error with %q", subjects(chain), err, tt.errHas)
			}
		})
	}
	// crypto/x509 alone refuses the SHA-1 chain: the reason for VerifyChain.
	roots := x509.NewCertPool()
	roots.AddCert(root1.cert)
	inter := x509.NewCertPool()
	inter.AddCert(inter1.cert)
	if _, err := leaf1.cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at}); err == nil {
		t.Error("crypto/x509 verified a SHA-1 chain; the fallback is untested")
	}
	if !IsSHA1(leaf1.cert.SignatureAlgorithm) || IsSHA1(leaf256.cert.SignatureAlgorithm) {
		t.Error("IsSHA1")
	}
}

func TestCheckSignatureSHA1Tampered(t *testing.T) {
	root := mkCert(t, "Root", nil, true, x509.SHA1WithRSA, nil, t0.AddDate(5, 0, 0))
	leaf := mkCert(t, "a.contoso.com", root, false, x509.SHA1WithRSA, nil, t0.AddDate(5, 0, 0))
	if err := CheckSignatureSHA1(leaf.cert, root.cert); err != nil {
		t.Fatal(err)
	}
	bad := *leaf.cert
	bad.Signature = append([]byte(nil), leaf.cert.Signature...)
	bad.Signature[10] ^= 0xFF
	if err := CheckSignatureSHA1(&bad, root.cert); err == nil {
		t.Error("a tampered SHA-1 signature verified")
	}
	md5 := bad
	md5.SignatureAlgorithm = x509.MD5WithRSA
	if err := CheckSignatureSHA1(&md5, root.cert); err == nil {
		t.Error("an MD5 signature was accepted")
	}
}

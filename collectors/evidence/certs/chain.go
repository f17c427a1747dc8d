package certs

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// maxChainDepth bounds the chains VerifyChain builds (leaf included).
const maxChainDepth = 8

// VerifyOptions are the inputs of VerifyChain.
type VerifyOptions struct {
	// Roots are the trusted root certificates; Intermediates the others
	// that may complete the chain.
	Roots, Intermediates []*x509.Certificate
	// At is the instant the validity periods are checked at.
	At time.Time
	// ServerAuth requires every certificate of the chain that has an
	// extended key usage extension to allow TLS server authentication (as
	// Windows does: the EKUs of a chain nest).
	ServerAuth bool
}

// VerifyChain verifies leaf up to one of opts.Roots and returns the chain,
// leaf first, root last. It judges trust as a Windows Server 2003-era
// client does: signatures made with SHA-1 are accepted. crypto/x509
// refuses them (Certificate.CheckSignatureFrom returns an
// InsecureAlgorithmError), so when its verifier fails VerifyChain builds
// the chain itself: each issuer is found by subject (and key identifier,
// where both certificates carry one), is a CA, is valid at opts.At, and
// its public key verifies the signature over the child's
// RawTBSCertificate. MD5 signatures are not accepted.
func VerifyChain(leaf *x509.Certificate, opts VerifyOptions) ([]*x509.Certificate, error) {
	if leaf == nil {
		return nil, errors.New("no certificate")
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, c := range opts.Roots {
		roots.AddCert(c)
	}
	for _, c := range opts.Intermediates {
		inter.AddCert(c)
	}
	vo := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: opts.At, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
	if opts.ServerAuth {
		vo.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	chains, stdErr := leaf.Verify(vo)
	if stdErr == nil && len(chains) > 0 {
		return chains[0], nil
	}
	if err := usable(leaf, opts, true); err != nil {
		return nil, err
	}
	chain, err := build([]*x509.Certificate{leaf}, opts)
	if err != nil {
		return nil, err
	}
	return chain, nil
}

// build extends chain (whose last certificate is verified) to a root.
func build(chain []*x509.Certificate, opts VerifyOptions) ([]*x509.Certificate, error) {
	child := chain[len(chain)-1]
	for _, r := range opts.Roots {
		if r.Equal(child) {
			return chain, nil
		}
	}
	if len(chain) >= maxChainDepth {
		return nil, fmt.Errorf("chain longer than %d certificates", maxChainDepth)
	}
	var firstErr error
	try := func(parent *x509.Certificate, root bool) []*x509.Certificate {
		if !issuedBy(child, parent) || inChain(chain, parent) {
			return nil
		}
		// A root is trusted as it is: only its validity counts (a version
		// 1 root has no basic constraints).
		check := func() error { return usable(parent, opts, false) }
		if root {
			check = func() error { return validAt(parent, opts.At) }
		}
		if err := check(); err != nil {
			firstErr = cmpErr(firstErr, err)
			return nil
		}
		if err := CheckSignatureSHA1(child, parent); err != nil {
			firstErr = cmpErr(firstErr, fmt.Errorf("%s: %w", child.Subject, err))
			return nil
		}
		if root {
			return append(chain[:len(chain):len(chain)], parent)
		}
		next, err := build(append(chain[:len(chain):len(chain)], parent), opts)
		if err != nil {
			firstErr = cmpErr(firstErr, err)
			return nil
		}
		return next
	}
	for _, r := range opts.Roots {
		if c := try(r, true); c != nil {
			return c, nil
		}
	}
	for _, in := range opts.Intermediates {
		if c := try(in, false); c != nil {
			return c, nil
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return nil, fmt.Errorf("no trusted issuer found for %s (issuer %s)", child.Subject, child.Issuer)
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func inChain(chain []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range chain {
		if x.Equal(c) {
			return true
		}
	}
	return false
}

// issuedBy reports whether parent's name (and key identifier, where both
// carry one) is child's issuer's.
func issuedBy(child, parent *x509.Certificate) bool {
	if !bytes.Equal(child.RawIssuer, parent.RawSubject) {
		return false
	}
	if len(child.AuthorityKeyId) > 0 && len(parent.SubjectKeyId) > 0 {
		return bytes.Equal(child.AuthorityKeyId, parent.SubjectKeyId)
	}
	return true
}

// validAt checks c's validity period at at (zero: not checked).
func validAt(c *x509.Certificate, at time.Time) error {
	if !at.IsZero() && (at.Before(c.NotBefore) || at.After(c.NotAfter)) {
		return fmt.Errorf("%s is not valid at %s (valid %s to %s)", c.Subject, at.UTC().Format(time.RFC3339), c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

// usable checks c's validity at opts.At, that an issuer is a CA, and the
// server-auth EKU.
func usable(c *x509.Certificate, opts VerifyOptions, isLeaf bool) error {
	if err := validAt(c, opts.At); err != nil {
		return err
	}
	if !isLeaf && c.BasicConstraintsValid && !c.IsCA {
		return fmt.Errorf("%s is not a certification authority", c.Subject)
	}
	if !isLeaf && c.Version >= 3 && !c.BasicConstraintsValid {
		return fmt.Errorf("%s has no basic constraints (not a certification authority)", c.Subject)
	}
	if opts.ServerAuth && len(c.ExtKeyUsage)+len(c.UnknownExtKeyUsage) > 0 {
		ok := false
		for _, u := range c.ExtKeyUsage {
			if u == x509.ExtKeyUsageServerAuth || u == x509.ExtKeyUsageAny {
				ok = true
			}
		}
		if !ok {
			return fmt.Errorf("%s does not allow server authentication (extended key usage)", c.Subject)
		}
	}
	return nil
}

// CheckSignatureSHA1 checks that parent's public key signed child, as
// child.CheckSignatureFrom does, except that SHA-1 signatures (RSA PKCS #1
// v1.5 and ECDSA) are verified too, over child.RawTBSCertificate. The
// probe and the evidence collector judge trust with it the way Windows
// clients of a ConfigMgr 2007 site do.
func CheckSignatureSHA1(child, parent *x509.Certificate) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("signature check failed: %v", r)
		}
	}()
	err = child.CheckSignatureFrom(parent)
	var insecure x509.InsecureAlgorithmError
	if err == nil || !errors.As(err, &insecure) {
		return err
	}
	if child.SignatureAlgorithm != x509.SHA1WithRSA && child.SignatureAlgorithm != x509.ECDSAWithSHA1 {
		return err
	}
	h := crypto.SHA1.New()
	h.Write(child.RawTBSCertificate)
	digest := h.Sum(nil)
	switch pub := parent.PublicKey.(type) {
	case *rsa.PublicKey:
		if child.SignatureAlgorithm != x509.SHA1WithRSA {
			return errors.New("signature algorithm does not match the issuer's RSA key")
		}
		if e := rsa.VerifyPKCS1v15(pub, crypto.SHA1, digest, child.Signature); e != nil {
			return fmt.Errorf("SHA-1 RSA signature does not verify: %w", e)
		}
		return nil
	case *ecdsa.PublicKey:
		if child.SignatureAlgorithm != x509.ECDSAWithSHA1 {
			return errors.New("signature algorithm does not match the issuer's ECDSA key")
		}
		if !ecdsa.VerifyASN1(pub, digest, child.Signature) {
			return errors.New("SHA-1 ECDSA signature does not verify")
		}
		return nil
	}
	return fmt.Errorf("issuer key type %T is not supported for SHA-1 signatures", parent.PublicKey)
}

// IsSHA1 reports whether a signature algorithm hashes with SHA-1.
func IsSHA1(a x509.SignatureAlgorithm) bool {
	return a == x509.SHA1WithRSA || a == x509.ECDSAWithSHA1 || a == x509.DSAWithSHA1
}

package facts

import (
	"reflect"
	"strings"
)

// MergeFact combines two observations of one fact. The first known value is
// kept; a second known value that differs is kept under Conflicts, so that
// the policies report both (Fact). A known fact replaces an unknown
// one. equal compares values; nil means reflect.DeepEqual.
func MergeFact[T any](a, b *Fact[T], equal func(x, y T) bool) *Fact[T] {
	if equal == nil {
		equal = func(x, y T) bool { return reflect.DeepEqual(x, y) }
	}
	switch {
	case b == nil:
		return a
	case a == nil:
		return b
	case a.Value == nil:
		return b
	case b.Value == nil:
		return a
	}
	add := func(v T, p Provenance) {
		if equal(*a.Value, v) {
			return
		}
		for _, c := range a.Conflicts {
			if equal(c.Value, v) {
				return
			}
		}
		a.Conflicts = append(a.Conflicts, Observation[T]{Value: v, Provenance: p})
	}
	add(*b.Value, b.Provenance)
	for _, c := range b.Conflicts {
		add(c.Value, c.Provenance)
	}
	return a
}

// certEqual compares certificates by thumbprint when both have one, else
// by subject, issuer and validity; whether the chain was verified is not
// part of a certificate's identity.
func certEqual(x, y Certificate) bool {
	if x.Thumbprint != "" && y.Thumbprint != "" {
		return strings.EqualFold(x.Thumbprint, y.Thumbprint)
	}
	return x.Subject == y.Subject && x.Issuer == y.Issuer && x.NotBefore.Equal(y.NotBefore) && x.NotAfter.Equal(y.NotAfter)
}

func mergeCert(a, b *Fact[Certificate]) *Fact[Certificate] {
	m := MergeFact(a, b, certEqual)
	// The same certificate seen in evidence (trust not checked) and by a
	// handshake (trust checked): keep the verification result.
	if m != nil && a != nil && b != nil && m == a && a.Value != nil && b.Value != nil &&
		a.Value.Trusted == nil && certEqual(*a.Value, *b.Value) {
		a.Value.Trusted = b.Value.Trusted
	}
	return m
}

// MergeRole merges two observations of a server's SUP role, fact by fact
// (MergeFact), and returns the result (a, or b when a is nil).
func MergeRole(a, b *SUPRole) *SUPRole {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	a.Present = MergeFact(a.Present, b.Present, nil)
	a.Active = MergeFact(a.Active, b.Active, nil)
	a.InternetBased = MergeFact(a.InternetBased, b.InternetBased, nil)
	a.Accepts = MergeFact(a.Accepts, b.Accepts, nil)
	a.HTTPPort = MergeFact(a.HTTPPort, b.HTTPPort, nil)
	a.HTTPSPort = MergeFact(a.HTTPSPort, b.HTTPSPort, nil)
	a.SSL = MergeFact(a.SSL, b.SSL, nil)
	return a
}

func mergeWSUS(a, b *WSUS) *WSUS {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	a.InstallType = MergeFact(a.InstallType, b.InstallType, nil)
	a.Version = MergeFact(a.Version, b.Version, nil)
	a.WebSite = MergeFact(a.WebSite, b.WebSite, nil)
	a.Port = MergeFact(a.Port, b.Port, nil)
	a.SSLPort = MergeFact(a.SSLPort, b.SSLPort, nil)
	a.UsingSSL = MergeFact(a.UsingSSL, b.UsingSSL, nil)
	a.Certificate = mergeCert(a.Certificate, b.Certificate)
	for k, f := range b.SSLRequired {
		key := k
		for ak := range a.SSLRequired {
			if strings.EqualFold(ak, k) {
				key = ak
			}
		}
		if a.SSLRequired == nil {
			a.SSLRequired = map[string]*Fact[bool]{}
		}
		a.SSLRequired[key] = MergeFact(a.SSLRequired[key], f, nil)
	}
	for k, f := range b.ClientCertificates {
		key := k
		for ak := range a.ClientCertificates {
			if strings.EqualFold(ak, k) {
				key = ak
			}
		}
		if a.ClientCertificates == nil {
			a.ClientCertificates = map[string]*Fact[string]{}
		}
		a.ClientCertificates[key] = MergeFact(a.ClientCertificates[key], f, nil)
	}
	return a
}

// MergeServer adds the facts of b, an observation of the same server, to
// a: fact by fact (MergeFact), ports matched by number and by where they
// were tested from (a port the site server could not reach may answer the
// probe: both are kept).
func MergeServer(a *Server, b Server) {
	a.InternetFQDN = MergeFact(a.InternetFQDN, b.InternetFQDN, nil)
	a.Resolves = MergeFact(a.Resolves, b.Resolves, nil)
	a.WSUS = mergeWSUS(a.WSUS, b.WSUS)
	a.SUP = MergeRole(a.SUP, b.SUP)
	for _, p := range b.Ports {
		found := false
		for i := range a.Ports {
			if a.Ports[i].Port == p.Port && a.Ports[i].From == p.From {
				a.Ports[i].Reachable = MergeFact(a.Ports[i].Reachable, p.Reachable, nil)
				a.Ports[i].Accepts = MergeFact(a.Ports[i].Accepts, p.Accepts, nil)
				found = true
				break
			}
		}
		if !found {
			a.Ports = append(a.Ports, p)
		}
	}
}

// Merge adds the facts of add to base and returns base (add when base is
// nil): servers are matched by FQDN without regard to case; where both
// know a fact and disagree, base's value is kept and add's goes under
// Conflicts. base's id and collection time are kept.
func Merge(base, add *Snapshot) *Snapshot {
	if base == nil {
		return add
	}
	if add == nil {
		return base
	}
	base.Collectors = append(base.Collectors, add.Collectors...)
	base.Site.Code = MergeFact(base.Site.Code, add.Site.Code, func(x, y string) bool { return strings.EqualFold(x, y) })
	base.Site.ConfigMgrVersion = MergeFact(base.Site.ConfigMgrVersion, add.Site.ConfigMgrVersion, nil)
	base.Site.Mode = MergeFact(base.Site.Mode, add.Site.Mode, nil)
	base.Site.SiteServer = MergeFact(base.Site.SiteServer, add.Site.SiteServer, func(x, y string) bool {
		return strings.EqualFold(strings.TrimSuffix(x, "."), strings.TrimSuffix(y, "."))
	})
	for _, s := range add.Servers {
		if i := base.ServerIndex(s.FQDN); i >= 0 {
			MergeServer(&base.Servers[i], s)
		} else {
			base.Servers = append(base.Servers, s)
		}
	}
	if base.Sync == nil {
		base.Sync = add.Sync
	}
	if base.SUPSettings == nil {
		base.SUPSettings = add.SUPSettings
	}
	base.Answers = append(base.Answers, add.Answers...)
	return base
}

// ServerIndex is the index in s.Servers of the server named fqdn (without
// regard to case or a trailing dot), or -1.
func (s *Snapshot) ServerIndex(fqdn string) int {
	for i := range s.Servers {
		if strings.EqualFold(strings.TrimSuffix(s.Servers[i].FQDN, "."), strings.TrimSuffix(fqdn, ".")) {
			return i
		}
	}
	return -1
}

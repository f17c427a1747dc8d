package probe

import (
	"reflect"
	"strings"

	"github.com/supaudit/supaudit/facts"
)

// Merge1 combines two observations of one fact. The first known value is
// kept; a second known value that differs is kept under Conflicts, so that
// the policies report both (facts.Fact). A known fact replaces an unknown
// one. equal compares values; nil means reflect.DeepEqual.
func Merge1[T any](a, b *facts.Fact[T], equal func(x, y T) bool) *facts.Fact[T] {
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
	add := func(v T, p facts.Provenance) {
		if equal(*a.Value, v) {
			return
		}
		for _, c := range a.Conflicts {
			if equal(c.Value, v) {
				return
			}
		}
		a.Conflicts = append(a.Conflicts, facts.Observation[T]{Value: v, Provenance: p})
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
func certEqual(x, y facts.Certificate) bool {
	if x.Thumbprint != "" && y.Thumbprint != "" {
		return strings.EqualFold(x.Thumbprint, y.Thumbprint)
	}
	return x.Subject == y.Subject && x.Issuer == y.Issuer && x.NotBefore.Equal(y.NotBefore) && x.NotAfter.Equal(y.NotAfter)
}

func mergeCert(a, b *facts.Fact[facts.Certificate]) *facts.Fact[facts.Certificate] {
	m := Merge1(a, b, certEqual)
	// The same certificate seen in evidence (trust not checked) and by a
	// handshake (trust checked): keep the verification result.
	if m != nil && a != nil && b != nil && m == a && a.Value != nil && b.Value != nil &&
		a.Value.Trusted == nil && certEqual(*a.Value, *b.Value) {
		a.Value.Trusted = b.Value.Trusted
	}
	return m
}

func mergeRole(a, b *facts.SUPRole) *facts.SUPRole {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	a.Present = Merge1(a.Present, b.Present, nil)
	a.Active = Merge1(a.Active, b.Active, nil)
	a.InternetBased = Merge1(a.InternetBased, b.InternetBased, nil)
	a.Accepts = Merge1(a.Accepts, b.Accepts, nil)
	a.HTTPPort = Merge1(a.HTTPPort, b.HTTPPort, nil)
	a.HTTPSPort = Merge1(a.HTTPSPort, b.HTTPSPort, nil)
	a.SSL = Merge1(a.SSL, b.SSL, nil)
	return a
}

func mergeWSUS(a, b *facts.WSUS) *facts.WSUS {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	a.InstallType = Merge1(a.InstallType, b.InstallType, nil)
	a.Version = Merge1(a.Version, b.Version, nil)
	a.WebSite = Merge1(a.WebSite, b.WebSite, nil)
	a.Port = Merge1(a.Port, b.Port, nil)
	a.SSLPort = Merge1(a.SSLPort, b.SSLPort, nil)
	a.UsingSSL = Merge1(a.UsingSSL, b.UsingSSL, nil)
	a.Certificate = mergeCert(a.Certificate, b.Certificate)
	for k, f := range b.SSLRequired {
		key := k
		for ak := range a.SSLRequired {
			if strings.EqualFold(ak, k) {
				key = ak
			}
		}
		if a.SSLRequired == nil {
			a.SSLRequired = map[string]*facts.Fact[bool]{}
		}
		a.SSLRequired[key] = Merge1(a.SSLRequired[key], f, nil)
	}
	return a
}

func mergeServer(a *facts.Server, b facts.Server) {
	a.InternetFQDN = Merge1(a.InternetFQDN, b.InternetFQDN, nil)
	a.Resolves = Merge1(a.Resolves, b.Resolves, nil)
	a.WSUS = mergeWSUS(a.WSUS, b.WSUS)
	a.SUP = mergeRole(a.SUP, b.SUP)
	for _, p := range b.Ports {
		found := false
		for i := range a.Ports {
			if a.Ports[i].Port == p.Port {
				a.Ports[i].Reachable = Merge1(a.Ports[i].Reachable, p.Reachable, nil)
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
func Merge(base, add *facts.Snapshot) *facts.Snapshot {
	if base == nil {
		return add
	}
	if add == nil {
		return base
	}
	base.Collectors = append(base.Collectors, add.Collectors...)
	base.Site.Code = Merge1(base.Site.Code, add.Site.Code, func(x, y string) bool { return strings.EqualFold(x, y) })
	base.Site.ConfigMgrVersion = Merge1(base.Site.ConfigMgrVersion, add.Site.ConfigMgrVersion, nil)
	base.Site.Mode = Merge1(base.Site.Mode, add.Site.Mode, nil)
	base.Site.SiteServer = Merge1(base.Site.SiteServer, add.Site.SiteServer, func(x, y string) bool {
		return strings.EqualFold(strings.TrimSuffix(x, "."), strings.TrimSuffix(y, "."))
	})
	for _, s := range add.Servers {
		if i := serverIndex(base, s.FQDN); i >= 0 {
			mergeServer(&base.Servers[i], s)
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

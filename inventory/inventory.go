// Package inventory reads an inventory file: what the auditor knows of
// the sites to audit, their site servers and software update points and
// the role each SUP is meant to have (docs/inventory.md). The probe
// collector probes the SUPs it lists (probe.TargetsFor), --winrm-all
// collects from its servers (Site.Hosts), and Declare adds what it
// declares to a snapshot, attributed to the collector "inventory" so that
// reports show the facts were declared, not observed.
package inventory

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/internal/capread"
)

// MaxSize is the largest inventory file read.
const MaxSize = 4 << 20

// Inventory is what the auditor knows of the sites to probe: their site
// servers and software update points (docs/inventory.md).
type Inventory struct {
	// CAFile is a PEM bundle of CAs that clients trust, used for every SUP
	// without its own; empty means the system roots.
	CAFile string `json:"ca_file,omitempty"`
	// Sites lists the Configuration Manager sites.
	Sites []Site `json:"sites"`

	path string
}

// Site is one Configuration Manager site.
type Site struct {
	// Code is the three-character site code.
	Code string `json:"code"`
	// SiteServer is the site server's FQDN.
	SiteServer string `json:"site_server,omitempty"`
	// SUPs are the software update points of the site.
	SUPs []SUP `json:"sups"`
}

// SUP is one software update point as the site is meant to have it.
type SUP struct {
	// FQDN is the intranet FQDN.
	FQDN string `json:"fqdn"`
	// InternetFQDN is the FQDN Internet clients use, if any.
	InternetFQDN string `json:"internet_fqdn,omitempty"`
	// Role is intranet (the active SUP), internet (the active
	// Internet-based SUP) or both (the active SUP accepting both).
	Role string `json:"role"`
	// Ports are the expected WSUS ports; when absent, both 8530/8531 and
	// 80/443 are probed.
	Ports *PortPair `json:"ports,omitempty"`
	// WebSite is the expected WSUS web site, custom or default.
	WebSite string `json:"web_site,omitempty"`
	// CAFile overrides the inventory's CAFile for this SUP.
	CAFile string `json:"ca_file,omitempty"`
}

// PortPair is a WSUS web site's HTTP and HTTPS port.
type PortPair struct {
	HTTP  int `json:"http"`
	HTTPS int `json:"https"`
}

var fqdnRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$`)

var siteCodeRE = regexp.MustCompile(`^[A-Za-z0-9]{3}$`)

// Load reads and validates an inventory file (YAML or JSON).
// Relative CA file paths are resolved against the inventory's folder.
func Load(path string) (*Inventory, error) {
	data, err := capread.File(path, MaxSize)
	if err != nil {
		return nil, fmt.Errorf("inventory %s: %w", path, err)
	}
	inv, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	inv.CAFile = abs(inv.CAFile)
	for i := range inv.Sites {
		for j := range inv.Sites[i].SUPs {
			inv.Sites[i].SUPs[j].CAFile = abs(inv.Sites[i].SUPs[j].CAFile)
		}
	}
	return inv, nil
}

// Parse decodes and validates inventory data; name is used in
// error messages and as the source of the facts it declares.
func Parse(name string, data []byte) (*Inventory, error) {
	var inv Inventory
	if err := yaml.UnmarshalStrict(data, &inv); err != nil {
		return nil, fmt.Errorf("inventory %s: %w", name, err)
	}
	inv.path = name
	if len(inv.Sites) == 0 {
		return nil, fmt.Errorf("inventory %s: no sites", name)
	}
	seen := map[string]bool{}
	for i, s := range inv.Sites {
		at := fmt.Sprintf("inventory %s: sites[%d]", name, i)
		if !siteCodeRE.MatchString(s.Code) {
			return nil, fmt.Errorf("%s.code: %q is not a three-character site code", at, s.Code)
		}
		if seen[strings.ToUpper(s.Code)] {
			return nil, fmt.Errorf("%s.code: site %s is listed twice", at, s.Code)
		}
		seen[strings.ToUpper(s.Code)] = true
		if s.SiteServer != "" && !fqdnRE.MatchString(s.SiteServer) {
			return nil, fmt.Errorf("%s.site_server: %q is not a host name", at, s.SiteServer)
		}
		hosts := map[string]bool{}
		for j, sup := range s.SUPs {
			at := fmt.Sprintf("%s.sups[%d]", at, j)
			if !fqdnRE.MatchString(sup.FQDN) || len(sup.FQDN) > 255 {
				return nil, fmt.Errorf("%s.fqdn: %q is not a host name", at, sup.FQDN)
			}
			if hosts[strings.ToLower(sup.FQDN)] {
				return nil, fmt.Errorf("%s.fqdn: %s is listed twice", at, sup.FQDN)
			}
			hosts[strings.ToLower(sup.FQDN)] = true
			if sup.InternetFQDN != "" && !fqdnRE.MatchString(sup.InternetFQDN) {
				return nil, fmt.Errorf("%s.internet_fqdn: %q is not a host name", at, sup.InternetFQDN)
			}
			switch sup.Role {
			case facts.AcceptsIntranet, facts.AcceptsInternet, facts.AcceptsBoth:
			default:
				return nil, fmt.Errorf("%s.role: %q: want intranet, internet or both", at, sup.Role)
			}
			if sup.Role != facts.AcceptsIntranet && sup.InternetFQDN == "" {
				return nil, fmt.Errorf("%s.internet_fqdn: required for role %s", at, sup.Role)
			}
			if p := sup.Ports; p != nil && (!validPort(p.HTTP) || !validPort(p.HTTPS) || p.HTTP == p.HTTPS) {
				return nil, fmt.Errorf("%s.ports: http %d and https %d must be two different ports 1-65535", at, p.HTTP, p.HTTPS)
			}
			switch sup.WebSite {
			case "", "custom", "default":
			default:
				return nil, fmt.Errorf("%s.web_site: %q: want custom or default", at, sup.WebSite)
			}
		}
	}
	return &inv, nil
}

func validPort(p int) bool { return p > 0 && p < 65536 }

// Site returns the site with the given code (any case), or the only site
// when code is empty.
func (inv *Inventory) Site(code string) (*Site, error) {
	if code == "" {
		if len(inv.Sites) == 1 {
			return &inv.Sites[0], nil
		}
		codes := make([]string, len(inv.Sites))
		for i, s := range inv.Sites {
			codes[i] = s.Code
		}
		return nil, fmt.Errorf("inventory %s lists %d sites (%s): choose one with --site", inv.path, len(inv.Sites), strings.Join(codes, ", "))
	}
	for i := range inv.Sites {
		if strings.EqualFold(inv.Sites[i].Code, code) {
			return &inv.Sites[i], nil
		}
	}
	return nil, fmt.Errorf("inventory %s: no site %s", inv.path, code)
}

// Hosts are the servers of the site, for --winrm-all: the site server
// first, then each SUP that is not the site server, in inventory order.
func (s *Site) Hosts() []string {
	var hosts []string
	if s.SiteServer != "" {
		hosts = append(hosts, s.SiteServer)
	}
	for _, sup := range s.SUPs {
		if !strings.EqualFold(sup.FQDN, s.SiteServer) {
			hosts = append(hosts, sup.FQDN)
		}
	}
	return hosts
}

// Declare adds to snap what the inventory declares of the site: its code,
// site server, the SUP roles (active, Internet-based, accepted clients,
// ports) and Internet FQDNs. These facts carry the collector "inventory"
// so that reports show they were declared, not observed.
func (inv *Inventory) Declare(s *Site, snap *facts.Snapshot) {
	prov := func(host string) facts.Provenance {
		return facts.Provenance{Collector: "inventory", Host: host, Source: inv.path}
	}
	snap.Site.Code = facts.Known(strings.ToUpper(s.Code), prov(""))
	if s.SiteServer != "" {
		snap.Site.SiteServer = facts.Known(s.SiteServer, prov(""))
		if snap.ServerIndex(s.SiteServer) < 0 {
			snap.Servers = append(snap.Servers, facts.Server{FQDN: s.SiteServer})
		}
	}
	for _, sup := range s.SUPs {
		i := snap.ServerIndex(sup.FQDN)
		if i < 0 {
			snap.Servers = append(snap.Servers, facts.Server{FQDN: sup.FQDN})
			i = len(snap.Servers) - 1
		}
		srv := &snap.Servers[i]
		p := prov(sup.FQDN)
		if sup.InternetFQDN != "" {
			srv.InternetFQDN = facts.MergeFact(srv.InternetFQDN, facts.Known(sup.InternetFQDN, p), nil)
		}
		role := &facts.SUPRole{
			Present:       facts.Known(true, p),
			Active:        facts.Known(sup.Role != facts.AcceptsInternet, p),
			InternetBased: facts.Known(sup.Role == facts.AcceptsInternet, p),
			Accepts:       facts.Known(sup.Role, p),
		}
		if sup.Ports != nil {
			role.HTTPPort = facts.Known(sup.Ports.HTTP, p)
			role.HTTPSPort = facts.Known(sup.Ports.HTTPS, p)
		}
		srv.SUP = facts.MergeRole(srv.SUP, role)
		if sup.WebSite != "" {
			if srv.WSUS == nil {
				srv.WSUS = &facts.WSUS{}
			}
			srv.WSUS.WebSite = facts.MergeFact(srv.WSUS.WebSite, facts.Known(sup.WebSite, p), nil)
		}
	}
}

package extract

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/supaudit/supaudit/collectors/evidence/certs"
	"github.com/supaudit/supaudit/collectors/evidence/iisconfig"
	"github.com/supaudit/supaudit/collectors/evidence/regfile"
	"github.com/supaudit/supaudit/collectors/evidence/sitectrl"
	"github.com/supaudit/supaudit/facts"
	"github.com/supaudit/supaudit/internal/textenc"
)

// Registry keys read from the .reg exports (docs/sources.md, "WSUS registry", "ConfigMgr registry and versions"). Each is
// also looked for under SOFTWARE\Wow6432Node.
const (
	KeyWSUSSetup         = `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Update Services\Server\Setup`
	KeySMSIdentification = `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SMS\Identification`
	KeySMSSetup          = `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SMS\Setup`
)

// DefaultInternetSUPProperty is the SMS_WSUS_CONFIGURATION_MANAGER
// property taken to name the active Internet-based SUP. The name is a
// GUESS (not verified in any source); when the property is absent the
// Internet-based SUP is inferred from a SUP role that accepts only
// Internet clients (IsINF=1, IsIntranet=0) and is not the active SUP.
const DefaultInternetSUPProperty = "DefaultINFWSUS"

const (
	wow6432         = `HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\`
	hklmSoftware    = `HKEY_LOCAL_MACHINE\SOFTWARE\`
	componentWCM    = "SMS_WSUS_CONFIGURATION_MANAGER"
	propDefaultWSUS = "DefaultWSUS"
	propPublicName  = "Server Remote Public Name"
	roleSiteSystem  = "SMS Site System"
)

// SiteModeRule says how the site mode is read from the site control file:
// the PROPERTY Property of the component block Component is native when
// its DWORD value has any bit of NativeMask set, mixed otherwise.
type SiteModeRule struct {
	Component  string
	Property   string
	NativeMask uint32
}

// DefaultSiteModeRule reads IISSSLState of SMS_SITE_COMPONENT_MANAGER and
// takes bit 0 (HTTPS only, as in the current-branch values 31 and 63) as
// native mode. This is an interpretation: where ConfigMgr 2007 stores the
// site mode in the site control file is NOT verified (docs/evidence.md).
var DefaultSiteModeRule = SiteModeRule{Component: "SMS_SITE_COMPONENT_MANAGER", Property: "IISSSLState", NativeMask: 1}

// WSUSVirtualDirs are the WSUS virtual directories whose IIS "require
// SSL" setting is recorded (docs/sources.md, "IIS and the WSUS web site").
var WSUSVirtualDirs = []string{"ApiRemoting30", "ClientWebService", "DssAuthWebService", "ServerSyncWebService", "SimpleAuthWebService", "Content", "Inventory", "ReportingWebService", "SelfUpdate"}

var (
	reVersion  = regexp.MustCompile(`^[0-9]{1,5}\.[0-9]{1,5}(\.[0-9]{1,6}){0,2}$`)
	reFQDN     = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$`)
	reSiteCode = regexp.MustCompile(`^[A-Za-z0-9]{3}$`)
)

// builder accumulates facts across servers.
type builder struct {
	collector   Collector
	opts        Options
	errs        []string
	warns       []string
	site        facts.Site
	servers     []*facts.Server
	byName      map[string]*facts.Server // lower-case FQDN and short name
	sync        *facts.Sync
	supSettings *facts.SUPSettings
	manifestAt  []time.Time
	siteServer  *facts.Server
	sitectrl    []scf
	conns       wcmConns
	hostNames   map[string]bool // names hostName checked
	modeHint    *facts.Fact[string]
	inetHints   map[*facts.Server]*facts.Fact[string]
	sawSiteCtrl bool
}

type scf struct {
	ev   *Evidence
	e    *Entry
	f    *sitectrl.File
	host string
}

func newBuilder(c Collector, opts Options) *builder {
	return &builder{collector: c, opts: opts, byName: map[string]*facts.Server{}, inetHints: map[*facts.Server]*facts.Fact[string]{}}
}

func (b *builder) errorf(format string, args ...any) {
	b.errs = append(b.errs, fmt.Sprintf(format, args...))
}

// warnf records a collector warning: a problem that loses nothing the
// policies need.
func (b *builder) warnf(format string, args ...any) {
	b.warns = append(b.warns, fmt.Sprintf(format, args...))
}

func shortName(n string) string {
	n = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(n)), ".")
	s, _, _ := strings.Cut(n, ".")
	return s
}

// lookup finds a server by FQDN or short name, case-insensitively.
func (b *builder) lookup(name string) *facts.Server {
	n := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
	if s := b.byName[n]; s != nil {
		return s
	}
	return b.byName[shortName(n)]
}

// server returns the server named name, adding it when it is new.
func (b *builder) server(name string) *facts.Server {
	if s := b.lookup(name); s != nil {
		// Prefer the longer (fully qualified) name.
		if strings.Count(name, ".") > strings.Count(s.FQDN, ".") && reFQDN.MatchString(name) {
			s.FQDN = name
			b.byName[strings.ToLower(name)] = s
		}
		return s
	}
	s := &facts.Server{FQDN: name}
	b.servers = append(b.servers, s)
	b.byName[strings.ToLower(strings.TrimSuffix(name, "."))] = s
	if sn := shortName(name); b.byName[sn] == nil {
		b.byName[sn] = s
	}
	return s
}

func (b *builder) prov(host, source string, line int) facts.Provenance {
	return facts.Provenance{Collector: b.collector.Name, Host: host, Source: source, Line: line}
}

// setFact sets *dst to v, or records v as a conflict when *dst already
// holds a different value.
func setFact[T comparable](dst **facts.Fact[T], v T, p facts.Provenance) {
	if *dst == nil || (*dst).Value == nil {
		*dst = facts.Known(v, p)
		return
	}
	if *(*dst).Value != v {
		(*dst).Conflicts = append((*dst).Conflicts, facts.Observation[T]{Value: v, Provenance: p})
	}
}

// setUnknown records an unknown fact unless the fact is already known.
func setUnknown[T any](dst **facts.Fact[T], reason string, p facts.Provenance) {
	if *dst == nil {
		*dst = facts.UnknownFact[T](reason, p)
	}
}

// manifest is the parsed manifest.txt.
type manifest struct {
	values map[string]string
	lines  map[string]int
	// notes are the gather script's not_collected=<path>: <reason> lines.
	notes []gatherNote
}

// gatherNote is one not_collected line of manifest.txt: what the gather
// script could not read, and why.
type gatherNote struct {
	path   string // slash-separated, lower case; a trailing "/" for a folder
	reason string
	line   int
}

func parseManifest(text string) manifest {
	m := manifest{values: map[string]string{}, lines: map[string]int{}}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "not_collected" {
			p, reason, _ := strings.Cut(strings.TrimSpace(v), ": ")
			m.notes = append(m.notes, gatherNote{path: strings.ToLower(strings.ReplaceAll(strings.TrimSpace(p), `\`, "/")), reason: strings.TrimSpace(reason), line: i + 1})
			continue
		}
		m.values[k] = strings.TrimSpace(v)
		m.lines[k] = i + 1
	}
	return m
}

// hasRole reports whether the manifest's roles hint lists role.
func (m manifest) hasRole(role string) bool {
	for _, r := range strings.FieldsFunc(m.values["roles"], func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		if strings.EqualFold(r, role) {
			return true
		}
	}
	return false
}

// collectServer reads one server's evidence. It never panics: a panic in a
// parser becomes a collector error naming the server.
func (b *builder) collectServer(ev *Evidence) {
	defer func() {
		if r := recover(); r != nil {
			b.errorf("%s: internal error while reading the evidence (a collector bug): %v", ev.name, r)
		}
	}()
	var m manifest
	if e := ev.first(PathManifest); e != nil {
		data, err := ev.readAll(e)
		if err != nil {
			b.errs = append(b.errs, err.Error())
		} else {
			m = parseManifest(textenc.Decode(data))
		}
	} else {
		b.errorf("%s/manifest.txt: not found; the server is named after its folder", ev.name)
		m = parseManifest("")
	}
	ev.notes = m.notes
	name := ev.name
	for _, k := range []string{"fqdn", "host"} {
		if v := m.values[k]; v != "" {
			if reFQDN.MatchString(v) {
				name = v
				break
			}
			b.errorf("%s/manifest.txt:%d: %s %q is not a host name", ev.name, m.lines[k], k, v)
		}
	}
	if !reFQDN.MatchString(name) {
		b.errorf("%s: folder name is not a host name and the manifest names none; skipped", ev.name)
		return
	}
	if v := m.values["collected_at"]; v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			b.manifestAt = append(b.manifestAt, t)
		} else {
			b.errorf("%s/manifest.txt:%d: collected_at %q is not an RFC 3339 time", ev.name, m.lines["collected_at"], v)
		}
	}
	srv := b.server(name)
	host := srv.FQDN
	if v := m.values["site_mode"]; v != "" {
		p := b.prov(host, ev.name+"/manifest.txt", m.lines["site_mode"])
		switch strings.ToLower(v) {
		case "native", "mixed":
			b.modeHint = facts.Known(strings.ToLower(v), p)
		default:
			b.errorf("%s/manifest.txt:%d: site_mode %q: want native or mixed", ev.name, p.Line, v)
		}
	}
	if v := m.values["internet_fqdn"]; v != "" {
		if reFQDN.MatchString(v) {
			b.inetHints[srv] = facts.Known(v, b.prov(host, ev.name+"/manifest.txt", m.lines["internet_fqdn"]))
		} else {
			b.errorf("%s/manifest.txt:%d: internet_fqdn %q is not a host name", ev.name, m.lines["internet_fqdn"], v)
		}
	}

	siteIndex := b.readWSUSRegistry(ev, srv)
	b.readSetupLogs(ev, srv)
	isSiteServer := b.readSMSRegistry(ev, srv)
	if m.hasRole("site_server") && b.siteServer == nil {
		b.siteServer = srv
		setFact(&b.site.SiteServer, srv.FQDN, b.prov(host, ev.name+"/manifest.txt", m.lines["roles"]))
	}
	if e := ev.first(PathSiteControl, "**/"+PathSiteControl); e != nil {
		b.sawSiteCtrl = true
		if data, err := ev.readAll(e); err != nil {
			b.errs = append(b.errs, err.Error())
		} else if f, err := sitectrl.ParseBytes(data, ev.source(e)); err != nil {
			b.errs = append(b.errs, err.Error())
			b.sitectrl = append(b.sitectrl, scf{ev: ev, e: e, host: host})
		} else {
			for _, w := range f.Warnings {
				b.warns = append(b.warns, w.Error())
			}
			b.sitectrl = append(b.sitectrl, scf{ev: ev, e: e, f: f, host: host})
		}
	} else if isSiteServer || m.hasRole("site_server") {
		b.errorf("%s/sitectrl.ct0: not found on the site server; SUP role and site mode facts are unknown%s", ev.name, ev.gatherNote(PathSiteControl))
	}
	b.readIIS(ev, srv, siteIndex)
	b.readCerts(ev, srv)
	b.readWCM(ev, host)
	b.readSync(ev, host)
}

// regKey finds key, trying the Wow6432Node view too.
func regKey(f *regfile.File, key string) *regfile.Key {
	if k := f.Key(key); k != nil {
		return k
	}
	if strings.HasPrefix(strings.ToUpper(key), strings.ToUpper(hklmSoftware)) {
		return f.Key(wow6432 + key[len(hklmSoftware):])
	}
	return nil
}

func (b *builder) parseReg(ev *Evidence, e *Entry) *regfile.File {
	data, err := ev.readAll(e)
	if err != nil {
		b.errs = append(b.errs, err.Error())
		return nil
	}
	f, err := regfile.ParseBytes(data, ev.source(e))
	if err != nil {
		b.errs = append(b.errs, err.Error())
		return nil
	}
	return f
}

// pickReg returns, of the exports matching main and then pattern (in name
// order, such as the gather scripts' Wow6432Node export
// registry/wsus-setup-wow64.reg), the first that holds one of keys (in
// either registry view); else the first that parses, else the first found
// with a nil file (its parse error recorded). It returns a nil entry when
// no export is in the evidence.
func (b *builder) pickReg(ev *Evidence, main, pattern string, keys ...string) (*Entry, *regfile.File) {
	var es []*Entry
	seen := map[*Entry]bool{}
	for _, p := range []string{main, pattern} {
		for _, e := range ev.find(p) {
			if !seen[e] {
				seen[e] = true
				es = append(es, e)
			}
		}
	}
	if len(es) == 0 {
		return nil, nil
	}
	var firstE *Entry
	var firstF *regfile.File
	for _, e := range es {
		f := b.parseReg(ev, e)
		if f == nil {
			continue
		}
		for _, k := range keys {
			if regKey(f, k) != nil {
				return e, f
			}
		}
		if firstF == nil {
			firstE, firstF = e, f
		}
	}
	if firstF != nil {
		return firstE, firstF
	}
	return es[0], nil
}

func dword(v *regfile.Value) (uint64, bool) {
	if v == nil || v.Deleted {
		return 0, false
	}
	switch v.Type {
	case regfile.KindDWord, regfile.KindQWord, regfile.KindDWordBigEndian:
		return v.Uint, true
	case regfile.KindString, regfile.KindExpandString:
		n, err := strconv.ParseUint(strings.TrimSpace(v.String), 10, 64)
		return n, err == nil
	}
	return 0, false
}

func str(v *regfile.Value) (string, bool) {
	if v == nil || v.Deleted || (v.Type != regfile.KindString && v.Type != regfile.KindExpandString) {
		return "", false
	}
	return strings.TrimSpace(v.String), true
}

// readWSUSRegistry reads registry/wsus-setup.reg and returns the
// IISTargetWebSiteIndex (0 if unknown).
func (b *builder) readWSUSRegistry(ev *Evidence, srv *facts.Server) int {
	host := srv.FQDN
	if srv.WSUS == nil {
		srv.WSUS = &facts.WSUS{}
	}
	w := srv.WSUS
	e, f := b.pickReg(ev, PathWSUSSetupReg, patternWSUSSetupReg, KeyWSUSSetup)
	if e == nil {
		setUnknown(&w.InstallType, "registry/wsus-setup.reg is not in the evidence"+ev.gatherNote(PathWSUSSetupReg), b.prov(host, ev.name+"/registry/wsus-setup.reg", 0))
		return 0
	}
	src := ev.source(e)
	if f == nil {
		setUnknown(&w.InstallType, "registry/wsus-setup.reg could not be read (see the collector errors)", b.prov(host, src, 0))
		return 0
	}
	k := regKey(f, KeyWSUSSetup)
	if k == nil {
		// The export holds no Setup key: WSUS 3.0 (server or console) is
		// not installed (docs/sources.md, "WSUS registry").
		setFact(&w.InstallType, facts.InstallNone, b.prov(host, src, 0))
		return 0
	}
	if v := k.Value("InstallType"); v != nil {
		n, ok := dword(v)
		switch {
		case ok && n == 1:
			setFact(&w.InstallType, facts.InstallServer, b.prov(host, src, v.Line))
		case ok && n == 2:
			setFact(&w.InstallType, facts.InstallConsole, b.prov(host, src, v.Line))
		default:
			setUnknown(&w.InstallType, fmt.Sprintf("InstallType %s is not a WSUS 3.0 value (1 server, 2 console; WSUS 2.0 uses 32/64/128)", rawValue(v)), b.prov(host, src, v.Line))
		}
	} else {
		setUnknown(&w.InstallType, "the WSUS Setup key has no InstallType value", b.prov(host, src, k.Line))
	}
	if v := k.Value("VersionString"); v != nil {
		if s, ok := str(v); ok && reVersion.MatchString(s) {
			setFact(&w.Version, s, b.prov(host, src, v.Line))
		} else {
			setUnknown(&w.Version, fmt.Sprintf("VersionString %s is not Major.Minor.Build.Revision", rawValue(v)), b.prov(host, src, v.Line))
		}
	}
	if it, _ := w.InstallType.Get(); it == facts.InstallConsole {
		return 0 // a console install has no web site
	}
	if v := k.Value("PortNumber"); v != nil {
		if n, ok := dword(v); ok && n >= 1 && n <= 65535 {
			setFact(&w.Port, int(n), b.prov(host, src, v.Line))
		} else {
			setUnknown(&w.Port, fmt.Sprintf("PortNumber %s is not a TCP port", rawValue(v)), b.prov(host, src, v.Line))
		}
	}
	if v := k.Value("UsingSSL"); v != nil {
		if n, ok := dword(v); ok && n <= 1 {
			setFact(&w.UsingSSL, n == 1, b.prov(host, src, v.Line))
		} else {
			setUnknown(&w.UsingSSL, fmt.Sprintf("UsingSSL %s is not 0 or 1", rawValue(v)), b.prov(host, src, v.Line))
		}
	}
	index := 0
	if v := k.Value("IISTargetWebSiteIndex"); v != nil {
		if n, ok := dword(v); ok && n > 0 && n < 1<<31 {
			index = int(n)
			site := "custom"
			if n == 1 {
				site = "default"
			}
			setFact(&w.WebSite, site, b.prov(host, src, v.Line))
		}
	}
	return index
}

func rawValue(v *regfile.Value) string {
	switch v.Type {
	case regfile.KindString, regfile.KindExpandString:
		return strconv.Quote(v.String)
	case regfile.KindDWord, regfile.KindQWord, regfile.KindDWordBigEndian:
		return strconv.FormatUint(v.Uint, 10)
	}
	return "(" + v.Type.String() + ")"
}

// readSMSRegistry reads registry/sms.reg (site code, version, site
// server) and reports whether this server is the site server.
func (b *builder) readSMSRegistry(ev *Evidence, srv *facts.Server) bool {
	e, f := b.pickReg(ev, PathSMSReg, patternSMSReg, KeySMSIdentification, KeySMSSetup)
	if e == nil {
		return false
	}
	host, src := srv.FQDN, ev.source(e)
	if f == nil {
		setUnknown(&b.site.Code, "registry/sms.reg could not be read (see the collector errors)", b.prov(host, src, 0))
		return true
	}
	id, setup := regKey(f, KeySMSIdentification), regKey(f, KeySMSSetup)
	if id == nil && setup == nil {
		b.errorf("%s: neither %s nor %s (nor their Wow6432Node views) is in the export", src, KeySMSIdentification, KeySMSSetup)
		return false
	}
	lookup := func(name string) *regfile.Value {
		for _, k := range []*regfile.Key{id, setup} {
			if k != nil {
				if v := k.Value(name); v != nil && !v.Deleted {
					return v
				}
			}
		}
		return nil
	}
	if v := lookup("Site Code"); v != nil {
		if s, ok := str(v); ok && reSiteCode.MatchString(s) {
			setFact(&b.site.Code, strings.ToUpper(s), b.prov(host, src, v.Line))
		} else {
			setUnknown(&b.site.Code, fmt.Sprintf("Site Code %s is not a three-character site code", rawValue(v)), b.prov(host, src, v.Line))
		}
	} else {
		setUnknown(&b.site.Code, "no Site Code value under SMS\\Identification or SMS\\Setup", b.prov(host, src, 0))
	}
	if v := lookup("Full Version"); v != nil {
		if s, ok := str(v); ok && reVersion.MatchString(s) {
			setFact(&b.site.ConfigMgrVersion, s, b.prov(host, src, v.Line))
		} else {
			setUnknown(&b.site.ConfigMgrVersion, fmt.Sprintf("Full Version %s is not a version", rawValue(v)), b.prov(host, src, v.Line))
		}
	} else {
		setUnknown(&b.site.ConfigMgrVersion, "no Full Version value under SMS\\Setup", b.prov(host, src, 0))
	}
	siteServer, line := srv.FQDN, 0
	if v := lookup("Site Server"); v != nil {
		if s, ok := str(v); ok && reFQDN.MatchString(s) {
			line = v.Line
			if !strings.EqualFold(shortName(s), shortName(srv.FQDN)) {
				siteServer = s
			}
		}
	}
	if siteServer == srv.FQDN && line == 0 {
		line = lineOf(id, setup)
	}
	setFact(&b.site.SiteServer, siteServer, b.prov(host, src, line))
	if b.siteServer == nil && strings.EqualFold(shortName(siteServer), shortName(srv.FQDN)) {
		b.siteServer = srv
	}
	return true
}

func lineOf(keys ...*regfile.Key) int {
	for _, k := range keys {
		if k != nil {
			return k.Line
		}
	}
	return 0
}

// readIIS reads iis/applicationHost.config or iis/metabase.xml.
func (b *builder) readIIS(ev *Evidence, srv *facts.Server, index int) {
	e := ev.first(PathAppHostConfig, PathMetabase, "iis/*.config", "iis/*.xml")
	if e == nil {
		return
	}
	host, src := srv.FQDN, ev.source(e)
	data, err := ev.readAll(e)
	if err != nil {
		b.errs = append(b.errs, err.Error())
		return
	}
	if len(bytes.TrimSpace(data)) == 0 {
		b.errorf("%s: the file is empty (an IIS configuration file is XML)", src)
		return
	}
	cfg, err := iisconfig.ParseBytes(data, src)
	if err != nil {
		b.errs = append(b.errs, err.Error())
		return
	}
	site := cfg.FindWSUSSite(index)
	w := srv.WSUS
	if site == nil {
		setUnknown(&w.WebSite, "no IIS web site with a ClientWebService virtual directory", b.prov(host, src, 0))
		return
	}
	kind := "custom"
	if site.ID == 1 {
		kind = "default"
	}
	setFact(&w.WebSite, kind, b.prov(host, src, site.Line))
	for _, bd := range site.Bindings {
		switch bd.Protocol {
		case "https":
			if bd.Port >= 1 && bd.Port <= 65535 {
				setFact(&w.SSLPort, bd.Port, b.prov(host, src, bd.Line))
			}
		case "http":
			if bd.Port >= 1 && bd.Port <= 65535 {
				setFact(&w.Port, bd.Port, b.prov(host, src, bd.Line))
			}
		}
	}
	for _, name := range WSUSVirtualDirs {
		vd, ok := site.VDir(name)
		if !ok {
			continue
		}
		line := vd.SSLLine
		if line == 0 {
			line = vd.Line
		}
		if w.SSLRequired == nil {
			w.SSLRequired = map[string]*facts.Fact[bool]{}
		}
		f := w.SSLRequired[name]
		setFact(&f, vd.RequireSSL, b.prov(host, src, line))
		w.SSLRequired[name] = f
		// The client certificate setting: with no SSL setting anywhere up
		// the path IIS ignores client certificates.
		cc := vd.ClientCert
		if cc == "" {
			cc = iisconfig.ClientCertIgnore
		}
		if w.ClientCertificates == nil {
			w.ClientCertificates = map[string]*facts.Fact[string]{}
		}
		g := w.ClientCertificates[name]
		setFact(&g, cc, b.prov(host, src, line))
		w.ClientCertificates[name] = g
	}
}

// readCerts reads certs/*.cer|*.pem|*.crt (the WSUS web site's server
// certificate and its chain) and certs/roots/* (trusted roots exported
// from the server's store). The server certificate is the first non-CA
// certificate allowed for server authentication; Trusted is set only when
// roots were supplied.
func (b *builder) readCerts(ev *Evidence, srv *facts.Server) {
	host := srv.FQDN
	all := b.parseCerts(ev, PathCerts)
	rootCerts := b.parseCerts(ev, PathRootCerts)
	var roots, inter []*x509.Certificate
	for _, c := range rootCerts {
		roots = append(roots, c.Certificate)
	}
	var leaf *fileCert
	for i := range all {
		c := &all[i]
		if c.Certificate.IsCA {
			inter = append(inter, c.Certificate)
			continue
		}
		if leaf == nil && c.ServerAuth {
			leaf = c
		}
	}
	if leaf == nil {
		return
	}
	cert := facts.Certificate{
		Subject:            leaf.Subject,
		DNSNames:           leaf.DNSNames,
		Issuer:             leaf.Issuer,
		NotBefore:          leaf.NotBefore.UTC(),
		NotAfter:           leaf.NotAfter.UTC(),
		Thumbprint:         leaf.Thumbprint,
		SignatureAlgorithm: leaf.SignatureAlgorithm,
	}
	if len(rootCerts) > 0 {
		at := leaf.NotBefore.Add(time.Second)
		if len(b.manifestAt) > 0 {
			at = b.manifestAt[len(b.manifestAt)-1]
		}
		// SHA-1 signatures are accepted, as by the Windows Server
		// 2003-era clients of a ConfigMgr 2007 site (certs.VerifyChain).
		chain, err := certs.VerifyChain(leaf.Certificate, certs.VerifyOptions{Roots: roots, Intermediates: inter, At: at, ServerAuth: true})
		trusted := err == nil
		cert.Trusted = &trusted
		if err != nil {
			b.warnf("%s: the certificate's chain does not verify to a root in %s/certs/roots: %v", leaf.file, ev.name, err)
		}
		cert.Chain = facts.ChainOf(chain)
	}
	if srv.WSUS == nil {
		srv.WSUS = &facts.WSUS{}
	}
	srv.WSUS.Certificate = facts.Known(cert, b.prov(host, leaf.file, 0))
}

// fileCert is a certificate with the evidence file it was read from.
type fileCert struct {
	certs.Cert
	file string
}

// parseCerts reads every certificate file of the evidence matching
// pattern; a file that cannot be read or parsed becomes a collector error
// naming it.
func (b *builder) parseCerts(ev *Evidence, pattern string) []fileCert {
	var all []fileCert
	for _, e := range ev.find(pattern) {
		data, err := ev.readAll(e)
		if err != nil {
			b.errs = append(b.errs, err.Error())
			continue
		}
		cs, err := certs.ParseBytes(data, ev.source(e))
		if err != nil {
			b.errs = append(b.errs, err.Error())
			continue
		}
		for _, c := range cs {
			all = append(all, fileCert{Cert: c, file: ev.source(e)})
		}
	}
	return all
}

// dwordProp reads a DWORD property of the site control file. A property
// that is absent gives ok=false and no reason; one whose value does not read
// as a DWORD gives ok=false and the reason, with its line.
func dwordProp(pr *sitectrl.Property) (n uint32, ok bool, reason string) {
	if pr == nil {
		return 0, false, ""
	}
	n, err := pr.DWord()
	if err != nil {
		return 0, false, err.Error()
	}
	return n, true, ""
}

// boolProp reads a 0/1 DWORD property; any other value is unreadable.
func boolProp(pr *sitectrl.Property) (v, ok bool, reason string) {
	n, ok, reason := dwordProp(pr)
	if !ok {
		return false, false, reason
	}
	if n > 1 {
		return false, false, fmt.Sprintf("%s DWORD value %d is not 0 or 1", pr.Name, n)
	}
	return n == 1, true, ""
}

// skipped says, for an unknown reason, how many lines of the site control
// file could not be read (they might have held what is missing).
func skipped(f *sitectrl.File) string {
	if f.Unreadable == 0 {
		return ""
	}
	return fmt.Sprintf("; %d lines of the file could not be read (see the collector warnings)", f.Unreadable)
}

// applySiteControl turns the site control file's SUP roles, the
// SMS_WSUS_CONFIGURATION_MANAGER component and the site mode into facts. A
// property whose value does not read gives an unknown fact at its line; a
// missing component or role block gives unknown facts that say so, never
// false ones.
func (b *builder) applySiteControl(c scf) {
	src := c.ev.source(c.e)
	p := func(line int) facts.Provenance { return b.prov(c.host, src, line) }
	if c.f == nil {
		setUnknown(&b.site.Mode, "the site control file could not be parsed (see the collector errors)", p(0))
		return
	}
	// Site mode.
	rule := b.opts.SiteMode
	if rule.Component == "" {
		rule = DefaultSiteModeRule
	}
	if comp := c.f.Component(rule.Component); comp != nil && comp.Property(rule.Property) != nil {
		pr := comp.Property(rule.Property)
		if n, ok, why := dwordProp(pr); ok {
			mode := "mixed"
			if n&rule.NativeMask != 0 {
				mode = "native"
			}
			setFact(&b.site.Mode, mode, p(pr.Line))
		} else {
			setUnknown(&b.site.Mode, why+"; the site mode is not guessed", p(pr.Line))
		}
	} else {
		setUnknown(&b.site.Mode, fmt.Sprintf("no PROPERTY <%s> in component %s of the site control file; where ConfigMgr 2007 stores the site mode is not verified (set site_mode= in the site server's manifest.txt)%s", rule.Property, rule.Component, skipped(c.f)), p(0))
	}
	// Active SUP.
	activeName, activeLine := "", 0
	activeWhy := ""
	wcm := c.f.Component(componentWCM)
	b.applySUPSettings(c)
	if wcm != nil {
		if pr := wcm.Property(propDefaultWSUS); pr != nil && strings.TrimSpace(pr.String) != "" {
			activeName, activeLine = strings.TrimSpace(pr.String), pr.Line
		} else {
			activeWhy = fmt.Sprintf("no %s property in the %s component of the site control file (line %d)%s", propDefaultWSUS, componentWCM, wcm.Line, skipped(c.f))
		}
	} else {
		activeWhy = fmt.Sprintf("the site control file has no %s component, which names the active software update point%s", componentWCM, skipped(c.f))
	}
	inetName, inetLine := "", 0
	inetProp := b.opts.InternetSUPProperty
	if inetProp == "" {
		inetProp = DefaultInternetSUPProperty
	}
	if wcm != nil {
		if pr := wcm.Property(inetProp); pr != nil && strings.TrimSpace(pr.String) != "" {
			inetName, inetLine = strings.TrimSpace(pr.String), pr.Line
		}
	}
	// Internet FQDNs of site systems.
	for _, blk := range c.f.SiteSystemRoles(roleSiteSystem) {
		nal, ok := blk.NAL()
		if !ok || nal.Server == "" {
			continue
		}
		if pr := blk.Property(propPublicName); pr != nil && reFQDN.MatchString(strings.TrimSpace(pr.String)) && strings.TrimSpace(pr.String) != "" {
			s := b.server(nal.Server)
			setFact(&s.InternetFQDN, strings.TrimSpace(pr.String), p(pr.Line))
		}
	}
	roles := map[*facts.Server]bool{}
	for _, blk := range c.f.SiteSystemRoles(sitectrl.RoleSoftwareUpdatePoint) {
		nal, ok := blk.NAL()
		if !ok || nal.Server == "" || !reFQDN.MatchString(nal.Server) {
			b.errorf("%s:%d: software update point role without a readable server name (NAL path)", src, blk.Line)
			continue
		}
		s := b.server(nal.Server)
		roles[s] = true
		if s.SUP == nil {
			s.SUP = &facts.SUPRole{}
		}
		r := s.SUP
		setFact(&r.Present, true, p(blk.Line))
		infProp, intraProp := blk.Property("IsINF"), blk.Property("IsIntranet")
		inf, infOK, infWhy := boolProp(infProp)
		intra, intraOK, intraWhy := boolProp(intraProp)
		acceptsLine := blk.Line
		if infProp != nil {
			acceptsLine = infProp.Line
		}
		switch {
		case infWhy != "":
			setUnknown(&r.Accepts, infWhy, p(infProp.Line))
		case intraWhy != "":
			setUnknown(&r.Accepts, intraWhy, p(intraProp.Line))
		case infOK && intraOK && inf && intra:
			setFact(&r.Accepts, facts.AcceptsBoth, p(acceptsLine))
		case infOK && inf:
			setFact(&r.Accepts, facts.AcceptsInternet, p(acceptsLine))
		case intraOK && intra:
			setFact(&r.Accepts, facts.AcceptsIntranet, p(acceptsLine))
		default:
			setUnknown(&r.Accepts, "the role has neither IsINF nor IsIntranet set", p(blk.Line))
		}
		for _, pp := range []struct {
			name string
			dst  **facts.Fact[int]
		}{{"WSUSIISPort", &r.HTTPPort}, {"WSUSIISSSLPort", &r.HTTPSPort}} {
			pr := blk.Property(pp.name)
			n, ok, why := dwordProp(pr)
			switch {
			case why != "":
				setUnknown(pp.dst, why, p(pr.Line))
			case ok && n >= 1 && n <= 65535:
				setFact(pp.dst, int(n), p(pr.Line))
			case ok:
				setUnknown(pp.dst, fmt.Sprintf("%s %d is not a TCP port (1-65535)", pp.name, n), p(pr.Line))
			}
		}
		if pr := blk.Property("SSLWSUS"); pr != nil {
			if v, ok, why := boolProp(pr); ok {
				setFact(&r.SSL, v, p(pr.Line))
			} else {
				setUnknown(&r.SSL, why, p(pr.Line))
			}
		}
		// Internet-based: named by the component property, or (when no
		// such property exists) inferred from a role that accepts only
		// Internet clients and is not the active SUP.
		isActive := activeName != "" && sameHost(activeName, s.FQDN)
		switch {
		case inetName != "":
			ib := sameHost(inetName, s.FQDN)
			setFact(&r.InternetBased, ib, p(inetLine))
			if ib {
				setFact(&r.Active, true, p(inetLine))
			}
		case infOK && inf && !(intraOK && intra) && !isActive:
			setFact(&r.InternetBased, true, p(acceptsLine))
			setFact(&r.Active, true, p(acceptsLine))
		default:
			setFact(&r.InternetBased, false, p(acceptsLine))
		}
		if activeName != "" {
			if isActive {
				setFact(&r.Active, true, p(activeLine))
			} else if v, ok := r.Active.Get(); !ok || !v {
				r.Active = nil
				setFact(&r.Active, false, p(activeLine))
			}
		} else if r.Active == nil {
			line := 0
			if wcm != nil {
				line = wcm.Line
			}
			setUnknown(&r.Active, activeWhy, p(line))
		}
	}
	// A file without any SUP role block: whether a site system has the
	// role is unknown (the block may be in a part that could not be read,
	// or the file may not be the site's), never false.
	noRoles := ""
	if len(roles) == 0 {
		noRoles = fmt.Sprintf("the site control file has no %q role block%s", sitectrl.RoleSoftwareUpdatePoint, skipped(c.f))
	}
	// The named active SUP without a role block.
	if activeName != "" && reFQDN.MatchString(activeName) {
		s := b.server(activeName)
		if !roles[s] {
			if s.SUP == nil {
				s.SUP = &facts.SUPRole{}
			}
			setFact(&s.SUP.Active, true, p(activeLine))
			if noRoles != "" {
				setUnknown(&s.SUP.Present, fmt.Sprintf("%s names %s as the active software update point, but %s", propDefaultWSUS, activeName, noRoles), p(activeLine))
			} else {
				setFact(&s.SUP.Present, false, p(0))
			}
			roles[s] = true
		}
	}
	// Servers with evidence but no SUP role.
	for _, s := range b.servers {
		if roles[s] {
			continue
		}
		if s.SUP == nil {
			s.SUP = &facts.SUPRole{}
		}
		if noRoles != "" {
			setUnknown(&s.SUP.Present, noRoles, p(0))
			if activeName == "" {
				setUnknown(&s.SUP.Active, activeWhy, p(0))
			}
		} else {
			setFact(&s.SUP.Present, false, p(0))
		}
	}
}

func sameHost(a, b string) bool {
	a, b = strings.TrimSuffix(strings.ToLower(a), "."), strings.TrimSuffix(strings.ToLower(b), ".")
	if a == b {
		return true
	}
	if !strings.Contains(a, ".") || !strings.Contains(b, ".") {
		return shortName(a) == shortName(b)
	}
	return false
}

// finish applies the cross-server evidence and returns the snapshot.
func (b *builder) finish(bundleName string) *facts.Snapshot {
	for _, c := range b.sitectrl {
		b.applySiteControl(c)
	}
	if b.modeHint != nil {
		if b.site.Mode == nil || b.site.Mode.Value == nil {
			b.site.Mode = b.modeHint
		} else {
			setFact(&b.site.Mode, *b.modeHint.Value, b.modeHint.Provenance)
		}
	}
	for s, f := range b.inetHints {
		setFact(&s.InternetFQDN, *f.Value, f.Provenance)
	}
	if !b.sawSiteCtrl {
		p := b.prov("", bundleName+"/*/sitectrl.ct0", 0)
		if b.siteServer != nil {
			p = b.prov(b.siteServer.FQDN, b.siteServer.FQDN+"/sitectrl.ct0", 0)
		}
		if b.modeHint == nil {
			setUnknown(&b.site.Mode, "no sitectrl.ct0 in the evidence", p)
		}
	}
	b.applyConnections()
	// Site server: prefer the FQDN of the server entry it names.
	if v, ok := b.site.SiteServer.Get(); ok {
		if s := b.lookup(v); s != nil && s.FQDN != v {
			b.site.SiteServer.Value = &s.FQDN
		}
	}
	// Drop empty WSUS blocks of servers known only from the site control file.
	for _, s := range b.servers {
		if s.WSUS != nil && emptyWSUS(s.WSUS) {
			s.WSUS = nil
		}
	}
	at := b.opts.CollectedAt
	if at.IsZero() {
		for _, t := range b.manifestAt {
			if t.After(at) {
				at = t
			}
		}
	}
	if at.IsZero() {
		at = b.opts.now()
	}
	id := b.opts.ID
	if id == "" {
		if code, ok := b.site.Code.Get(); ok {
			id = strings.ToLower(code) + "-" + b.collector.Name
		} else {
			id = bundleName
		}
	}
	if id == "" || len(id) > 200 {
		id = b.collector.Name
	}
	sort.SliceStable(b.servers, func(i, j int) bool { return strings.ToLower(b.servers[i].FQDN) < strings.ToLower(b.servers[j].FQDN) })
	servers := make([]facts.Server, len(b.servers))
	for i, s := range b.servers {
		servers[i] = *s
	}
	return &facts.Snapshot{
		Schema:      facts.SchemaV1,
		ID:          id,
		CollectedAt: at.UTC(),
		Collectors:  []facts.CollectorRun{{Name: b.collector.Name, Version: b.collector.Version, Complete: len(b.errs) == 0, Errors: b.errs, Warnings: b.warns}},
		Site:        b.site,
		Servers:     servers,
		Sync:        b.sync,
		SUPSettings: b.supSettings,
	}
}

func emptyWSUS(w *facts.WSUS) bool {
	return w.InstallType == nil && w.Version == nil && w.WebSite == nil && w.Port == nil && w.SSLPort == nil && w.UsingSSL == nil && len(w.SSLRequired) == 0 && w.Certificate == nil
}

// Package iisconfig reads the IIS configuration of a WSUS server into one
// model: IIS 7+ applicationHost.config and IIS 6 metabase.xml.
//
// What WSUS needs (docs/sources.md, "IIS and the WSUS web site"): the WSUS web site (Default Web Site,
// ID 1, ports 80/443, or the custom "WSUS Administration" site, ports
// 8530/8531, whose ID is the IISTargetWebSiteIndex registry value) and
// "require SSL" on exactly ApiRemoting30, ClientWebService,
// DSSAuthWebService, ServerSyncWebService and SimpleAuthWebService.
//
// IIS 7+: sites are system.applicationHost/sites/site (name, id) with
// bindings/binding (protocol, bindingInformation "IP:port:host") and
// application/virtualDirectory children; SSL is
// <location path="Site/VDir"><system.webServer><security><access sslFlags="Ssl, Ssl128"/>.
// sslFlags keywords None=0, Ssl=8, SslNegotiateCert=32, SslRequireCert=64,
// Ssl128=256 (IIS WMI provider "AccessSection Class",
// learn.microsoft.com/iis/wmi-provider/accesssection-class).
//
// IIS 6: metabase.xml elements IIsWebServer (Location="/LM/W3SVC/n",
// ServerComment, ServerBindings ":80:", SecureBindings ":443:") and
// IIsWebVirtualDir / IIsWebDirectory (Location="/LM/W3SVC/n/ROOT/Name")
// with AccessSSLFlags. AccessSSLFlags flags AccessSSL=0x8,
// AccessSSL128=0x100, AccessSSLNegotiateCert=0x20, AccessSSLRequireCert=0x40,
// attribute INHERIT (IIS 6.0 SDK "AccessSSLFlags",
// learn.microsoft.com/previous-versions/iis/6.0-sdk/ms524954(v=vs.90);
// Windows Server 2003 "AccessSSLFlags Metabase Property" cc737338).
// Multi-valued metabase.xml properties (ServerBindings) hold one value per
// line inside the attribute [B: observed convention, not verified here].
//
// Inheritance is modelled: a virtual directory without its own SSL setting
// takes the setting of the nearest configured parent path (location path or
// metabase node), as both IIS versions do for these inheritable settings.
package iisconfig

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/supaudit/supaudit/internal/textenc"
)

// DefaultMaxFileSize is the default cap on bytes read from one file.
const DefaultMaxFileSize int64 = 64 << 20

// Config is the IIS configuration: its web sites.
type Config struct {
	// Name is the name given to Parse.
	Name string
	// Sites are the web sites in file order.
	Sites []Site
}

// Site is one IIS web site.
type Site struct {
	// ID is the IIS site ID (IIS 7 id attribute; IIS 6 /LM/W3SVC/<ID>).
	ID int
	// Name is the site name (IIS 6 ServerComment).
	Name string
	// HTTPPorts and HTTPSPorts are the distinct ports bound, in order.
	HTTPPorts, HTTPSPorts []int
	// Bindings are all http/https bindings.
	Bindings []Binding
	// VirtualDirs maps a path relative to the site root, without leading or
	// trailing '/' ("" is the root; "ClientWebService"), to its settings.
	// Use (*Site).VDir for a case-insensitive lookup.
	VirtualDirs map[string]VDir
	// Line is where the site is defined.
	Line int
}

// Binding is one site binding.
type Binding struct {
	// Protocol is "http" or "https".
	Protocol string
	// IP is the address part ("" or "*" for all addresses).
	IP string
	// Port is the TCP port.
	Port int
	// Host is the host-header part, often "".
	Host string
	// Line is where the binding is written.
	Line int
}

// VDir is a virtual directory / application path of a site.
type VDir struct {
	// Path is relative to the site root, as in Site.VirtualDirs.
	Path string
	// RequireSSL is set when the effective SSL flags include Ssl or Ssl128
	// (IIS 6: AccessSSL or AccessSSL128).
	RequireSSL bool
	// SSLFlags is the effective raw flags value as written ("" if none is
	// configured anywhere up the path).
	SSLFlags string
	// ClientCert is the effective client certificate setting:
	// ClientCertIgnore, ClientCertAccept (IIS 7 SslNegotiateCert, IIS 6
	// AccessSSLNegotiateCert 0x20) or ClientCertRequire (SslRequireCert,
	// AccessSSLRequireCert 0x40); "" when no SSL setting is configured up
	// the path (IIS then ignores client certificates).
	ClientCert string
	// SSLLine is the line where the effective SSL setting is written (0 if
	// none); it differs from Line when the setting is inherited.
	SSLLine int
	// Line is where the directory is defined (or, if only a <location>
	// names it, the location line).
	Line int
}

// Client certificate settings of a virtual directory (IIS Manager, SSL
// Settings: Ignore, Accept, Require).
const (
	ClientCertIgnore  = "ignore"
	ClientCertAccept  = "accept"
	ClientCertRequire = "require"
)

// ParseError is an error tied to a line of a named file ("file:line: msg").
type ParseError = textenc.ParseError

// Options tunes ParseWithOptions: MaxFileSize caps the bytes read (0 means
// DefaultMaxFileSize).
type Options = textenc.Options

// Parse reads applicationHost.config or metabase.xml from r.
func Parse(r io.Reader, name string) (*Config, error) {
	return ParseWithOptions(r, name, Options{})
}

// ParseWithOptions reads applicationHost.config or metabase.xml from r;
// name is used in errors.
func ParseWithOptions(r io.Reader, name string, opt Options) (*Config, error) {
	raw, err := textenc.ReadFile(r, opt.MaxFileSize, DefaultMaxFileSize)
	if err != nil {
		return nil, &ParseError{File: name, Msg: err.Error()}
	}
	return ParseBytes(raw, name)
}

// sslSetting is an SSL flags value written at some path.
type sslSetting struct {
	flags   string
	require bool
	client  string // ClientCert* value
	line    int
}

// siteBuild accumulates one site while parsing.
type siteBuild struct {
	site Site
	vdir map[string]int // lower-case path -> line where defined
	ssl  map[string]sslSetting
	key  map[string]string // lower-case path -> path as first written
}

type builder struct {
	name      string
	sites     []*siteBuild
	globalSSL *sslSetting
	// IIS 7 <location> settings, resolved against site names at the end.
	locations []locSetting
}

type locSetting struct {
	path string
	ssl  sslSetting
}

func (b *builder) siteByID(id int) *siteBuild {
	for _, s := range b.sites {
		if s.site.ID == id {
			return s
		}
	}
	s := &siteBuild{site: Site{ID: id}, vdir: map[string]int{}, ssl: map[string]sslSetting{}, key: map[string]string{}}
	b.sites = append(b.sites, s)
	return s
}

func (s *siteBuild) addVDir(path string, line int) {
	path = cleanPath(path)
	k := strings.ToLower(path)
	if _, ok := s.vdir[k]; !ok {
		s.vdir[k] = line
	}
	if _, ok := s.key[k]; !ok {
		s.key[k] = path
	}
}

func (s *siteBuild) setSSL(path string, set sslSetting) {
	path = cleanPath(path)
	k := strings.ToLower(path)
	s.ssl[k] = set
	if _, ok := s.key[k]; !ok {
		s.key[k] = path
	}
}

func cleanPath(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	p = strings.Trim(p, "/")
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	return p
}

// lineIndex maps byte offsets to 1-based line numbers.
type lineIndex []int

func newLineIndex(b []byte) lineIndex {
	idx := lineIndex{0}
	for i, c := range b {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (l lineIndex) line(off int64) int {
	return sort.Search(len(l), func(i int) bool { return int64(l[i]) > off })
}

// ParseBytes parses an in-memory applicationHost.config or metabase.xml
// (no size cap). Both formats may be mixed; elements of either are found
// wherever they appear.
func ParseBytes(raw []byte, name string) (*Config, error) {
	switch enc, n := textenc.Detect(raw); enc {
	case textenc.UTF16LE, textenc.UTF16BE:
		s, _ := textenc.UTF16(raw[n:], enc == textenc.UTF16BE)
		raw = []byte(s)
	case textenc.UTF8BOM:
		raw = raw[n:]
	}
	lines := newLineIndex(raw)
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.CharsetReader = charsetReader
	b := &builder{name: name}
	type frame struct {
		name    string
		site    *siteBuild
		appPath string
		locPath *string
	}
	var stack []frame
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := lines.line(d.InputOffset())
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line = se.Line
			}
			return nil, &ParseError{File: name, Line: line, Msg: "xml: " + strings.TrimPrefix(err.Error(), "XML syntax error on line "+strconv.Itoa(line)+": ")}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			line := lines.line(off)
			var parent frame
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			fr := frame{name: t.Name.Local, site: parent.site, appPath: parent.appPath, locPath: parent.locPath}
			switch t.Name.Local {
			// ---- IIS 7+ applicationHost.config ----
			case "site":
				if parent.name == "sites" {
					id, _ := strconv.Atoi(attr(t, "id"))
					s := &siteBuild{site: Site{ID: id, Name: attr(t, "name"), Line: line}, vdir: map[string]int{}, ssl: map[string]sslSetting{}, key: map[string]string{}}
					b.sites = append(b.sites, s)
					fr.site = s
				}
			case "binding":
				if fr.site != nil && parent.name == "bindings" {
					fr.site.addBinding(attr(t, "protocol"), attr(t, "bindingInformation"), line)
				}
			case "application":
				if fr.site != nil {
					fr.appPath = attr(t, "path")
					fr.site.addVDir(fr.appPath, line)
				}
			case "virtualDirectory":
				if fr.site != nil && parent.name == "application" {
					fr.site.addVDir(fr.appPath+"/"+attr(t, "path"), line)
				}
			case "location":
				p := attr(t, "path")
				fr.locPath = &p
			case "access":
				if parent.name == "security" && len(stack) >= 2 && stack[len(stack)-2].name == "system.webServer" {
					if flags, ok := attrOK(t, "sslFlags"); ok {
						set := sslSetting{flags: flags, require: iis7RequireSSL(flags), client: iis7ClientCert(flags), line: line}
						if fr.locPath == nil || cleanPath(*fr.locPath) == "" {
							if b.globalSSL == nil {
								b.globalSSL = &set
							}
						} else {
							b.locations = append(b.locations, locSetting{path: *fr.locPath, ssl: set})
						}
					}
				}
			// ---- IIS 6 metabase.xml ----
			case "IIsWebService":
				if flags, ok := attrOK(t, "AccessSSLFlags"); ok && b.globalSSL == nil {
					b.globalSSL = &sslSetting{flags: flags, require: iis6RequireSSL(flags), client: iis6ClientCert(flags), line: line}
				}
			case "IIsWebServer", "IIsWebVirtualDir", "IIsWebDirectory":
				id, rel, ok := metabaseLocation(attr(t, "Location"))
				if !ok {
					break
				}
				s := b.siteByID(id)
				if t.Name.Local == "IIsWebServer" {
					s.site.Line = line
					s.site.Name = attr(t, "ServerComment")
					for _, bind := range strings.Fields(attr(t, "ServerBindings")) {
						s.addBinding("http", bind, line)
					}
					for _, bind := range strings.Fields(attr(t, "SecureBindings")) {
						s.addBinding("https", bind, line)
					}
					rel = "\x00server" // the server node sits above ROOT
				} else {
					s.addVDir(rel, line)
				}
				if set, ok := iis6SSL(t, line); ok {
					if rel == "\x00server" {
						s.ssl["\x00server"] = set
					} else {
						s.setSSL(rel, set)
					}
				}
			}
			stack = append(stack, fr)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	return b.finish(), nil
}

func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-16", "utf-16le", "utf-16be", "unicode":
		return in, nil // already decoded by BOM before parsing
	case "windows-1252", "iso-8859-1", "latin1", "us-ascii", "ascii":
		b, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		return strings.NewReader(textenc.Windows1252(b)), nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

func attr(t xml.StartElement, name string) string {
	v, _ := attrOK(t, name)
	return v
}

func attrOK(t xml.StartElement, name string) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// addBinding records an "IP:port:host" binding (IPv6 addresses are in
// brackets, so the port is the last field but one).
func (s *siteBuild) addBinding(protocol, info string, line int) {
	protocol = strings.ToLower(protocol)
	if protocol != "http" && protocol != "https" {
		return
	}
	i := strings.LastIndexByte(info, ':')
	if i < 0 {
		return
	}
	host, rest := info[i+1:], info[:i]
	j := strings.LastIndexByte(rest, ':')
	if j < 0 {
		return
	}
	port, err := strconv.Atoi(rest[j+1:])
	if err != nil || port <= 0 || port > 65535 {
		return
	}
	s.site.Bindings = append(s.site.Bindings, Binding{Protocol: protocol, IP: rest[:j], Port: port, Host: host, Line: line})
	ports := &s.site.HTTPPorts
	if protocol == "https" {
		ports = &s.site.HTTPSPorts
	}
	for _, p := range *ports {
		if p == port {
			return
		}
	}
	*ports = append(*ports, port)
}

// metabaseLocation splits "/LM/W3SVC/1/ROOT/ClientWebService" into site
// ID 1 and relative path "ClientWebService".
func metabaseLocation(loc string) (id int, rel string, ok bool) {
	parts := strings.Split(strings.Trim(loc, "/"), "/")
	if len(parts) < 3 || !strings.EqualFold(parts[0], "LM") || !strings.EqualFold(parts[1], "W3SVC") {
		return 0, "", false
	}
	id, err := strconv.Atoi(parts[2])
	if err != nil || id <= 0 {
		return 0, "", false
	}
	if len(parts) == 3 {
		return id, "", true
	}
	if !strings.EqualFold(parts[3], "ROOT") {
		return 0, "", false // e.g. /LM/W3SVC/1/Filters
	}
	return id, strings.Join(parts[4:], "/"), true
}

// iis7RequireSSL reports whether IIS 7 sslFlags (keywords, comma
// separated, or a number) include Ssl (8) or Ssl128 (256).
func iis7RequireSSL(flags string) bool {
	if n, err := strconv.ParseInt(strings.TrimSpace(flags), 0, 64); err == nil {
		return n&0x8 != 0 || n&0x100 != 0
	}
	for _, f := range strings.Split(flags, ",") {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case "ssl", "ssl128":
			return true
		}
	}
	return false
}

// iis6RequireSSL reports whether IIS 6 AccessSSLFlags ("AccessSSL |
// AccessSSL128" or a number) include AccessSSL (0x8) or AccessSSL128 (0x100).
func iis6RequireSSL(flags string) bool {
	if n, err := strconv.ParseInt(strings.TrimSpace(flags), 0, 64); err == nil {
		return n&0x8 != 0 || n&0x100 != 0
	}
	for _, f := range strings.Split(flags, "|") {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case "accessssl", "accessssl128":
			return true
		}
	}
	return false
}

// iis7ClientCert reads the client certificate setting of IIS 7 sslFlags:
// SslRequireCert (64) is Require, SslNegotiateCert (32) Accept, neither
// Ignore.
func iis7ClientCert(flags string) string {
	if n, err := strconv.ParseInt(strings.TrimSpace(flags), 0, 64); err == nil {
		return clientCertOf(n&0x20 != 0, n&0x40 != 0)
	}
	var neg, req bool
	for _, f := range strings.Split(flags, ",") {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case "sslnegotiatecert":
			neg = true
		case "sslrequirecert":
			req = true
		}
	}
	return clientCertOf(neg, req)
}

// iis6ClientCert reads the client certificate setting of IIS 6
// AccessSSLFlags: AccessSSLRequireCert (0x40) is Require,
// AccessSSLNegotiateCert (0x20) Accept.
func iis6ClientCert(flags string) string {
	if n, err := strconv.ParseInt(strings.TrimSpace(flags), 0, 64); err == nil {
		return clientCertOf(n&0x20 != 0, n&0x40 != 0)
	}
	var neg, req bool
	for _, f := range strings.Split(flags, "|") {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case "accesssslnegotiatecert":
			neg = true
		case "accesssslrequirecert":
			req = true
		}
	}
	return clientCertOf(neg, req)
}

func clientCertOf(negotiate, require bool) string {
	switch {
	case require:
		return ClientCertRequire
	case negotiate:
		return ClientCertAccept
	}
	return ClientCertIgnore
}

// iis6SSL reads AccessSSLFlags, or the boolean AccessSSL / AccessSSL128
// properties (the IIS 5 ADSI form, also accepted).
func iis6SSL(t xml.StartElement, line int) (sslSetting, bool) {
	if flags, ok := attrOK(t, "AccessSSLFlags"); ok {
		return sslSetting{flags: flags, require: iis6RequireSSL(flags), client: iis6ClientCert(flags), line: line}, true
	}
	var parts []string
	found := false
	for _, n := range []string{"AccessSSL", "AccessSSL128", "AccessSSLNegotiateCert", "AccessSSLRequireCert"} {
		if v, ok := attrOK(t, n); ok {
			found = true
			if strings.EqualFold(strings.TrimSpace(v), "true") || strings.TrimSpace(v) == "1" {
				parts = append(parts, n)
			}
		}
	}
	if !found {
		return sslSetting{}, false
	}
	flags := strings.Join(parts, " | ")
	return sslSetting{flags: flags, require: iis6RequireSSL(flags), client: iis6ClientCert(flags), line: line}, true
}

func (b *builder) finish() *Config {
	// Resolve IIS 7 location paths "Site Name/vdir/path" against site names
	// (the longest matching name wins, since names may contain '/'-free
	// spaces but one name may prefix another).
	for _, loc := range b.locations {
		p := cleanPath(loc.path)
		var best *siteBuild
		for _, s := range b.sites {
			n := s.site.Name
			if n == "" || !(strings.EqualFold(p, n) || len(p) > len(n) && strings.EqualFold(p[:len(n)], n) && p[len(n)] == '/') {
				continue
			}
			if best == nil || len(n) > len(best.site.Name) {
				best = s
			}
		}
		if best == nil {
			continue
		}
		rel := ""
		if len(p) > len(best.site.Name) {
			rel = p[len(best.site.Name)+1:]
		}
		best.setSSL(rel, loc.ssl)
		if rel != "" {
			best.addVDir(rel, loc.ssl.line)
		}
	}
	cfg := &Config{Name: b.name}
	for _, s := range b.sites {
		site := s.site
		site.VirtualDirs = map[string]VDir{}
		for k, line := range s.vdir {
			path := s.key[k]
			v := VDir{Path: path, Line: line}
			if set, ok := s.effectiveSSL(k, b.globalSSL); ok {
				v.SSLFlags, v.RequireSSL, v.ClientCert, v.SSLLine = set.flags, set.require, set.client, set.line
			}
			site.VirtualDirs[path] = v
		}
		cfg.Sites = append(cfg.Sites, site)
	}
	return cfg
}

// effectiveSSL finds the SSL setting at k or the nearest parent path, then
// the site (IIS 6 server node), then the global default.
func (s *siteBuild) effectiveSSL(k string, global *sslSetting) (sslSetting, bool) {
	for {
		if set, ok := s.ssl[k]; ok {
			return set, true
		}
		if k == "" {
			break
		}
		if i := strings.LastIndexByte(k, '/'); i >= 0 {
			k = k[:i]
		} else {
			k = ""
		}
	}
	if set, ok := s.ssl["\x00server"]; ok {
		return set, true
	}
	if global != nil {
		return *global, true
	}
	return sslSetting{}, false
}

// VDir returns the virtual directory at path (leading/trailing '/' ignored,
// compared case-insensitively as IIS does).
func (s *Site) VDir(path string) (VDir, bool) {
	path = cleanPath(path)
	if v, ok := s.VirtualDirs[path]; ok {
		return v, true
	}
	for k, v := range s.VirtualDirs {
		if strings.EqualFold(k, path) {
			return v, true
		}
	}
	return VDir{}, false
}

// FindWSUSSite returns the WSUS web site: the site whose ID is siteID when
// siteID > 0 and such a site exists (pass the IISTargetWebSiteIndex
// registry value), otherwise the first site with a ClientWebService
// virtual directory. It returns nil if neither is found.
func (c *Config) FindWSUSSite(siteID int) *Site {
	if siteID > 0 {
		for i := range c.Sites {
			if c.Sites[i].ID == siteID {
				return &c.Sites[i]
			}
		}
	}
	for i := range c.Sites {
		if _, ok := c.Sites[i].VDir("ClientWebService"); ok {
			return &c.Sites[i]
		}
	}
	return nil
}

package bundle

import (
	"strings"
	"testing"

	"github.com/supaudit/supaudit/collectors/evidence/extract"
	"github.com/supaudit/supaudit/facts"
)

// siteCtrlCase builds a site control file: the WSUS configuration
// component (wcm, "" for none), the site component manager's IISSSLState
// (iis, "" for none) and SUP role blocks.
func siteCtrlCase(wcm, iis string, roles ...string) string {
	var b strings.Builder
	b.WriteString("SITE CONTROL FILE [6487][2.00]\r\n")
	if wcm != "" {
		b.WriteString("BEGIN_COMPONENT\r\n\t<SMS_WSUS_CONFIGURATION_MANAGER>\r\n\t<SITE.contoso.com>\r\n" + wcm + "END_COMPONENT\r\n")
	}
	if iis != "" {
		b.WriteString("BEGIN_COMPONENT\r\n\t<SMS_SITE_COMPONENT_MANAGER>\r\n\t<SITE.contoso.com>\r\n\tPROPERTY <IISSSLState><REG_DWORD><><" + iis + ">\r\nEND_COMPONENT\r\n")
	}
	for _, r := range roles {
		b.WriteString(r)
	}
	return b.String()
}

func supRoleBlock(server, port, sslPort, ssl string) string {
	return "BEGIN_SYSTEM_RESOURCE_USAGE\r\n\t<SMS Software Update Point>\r\n\t<[\"Display=\\\\" + server + "\\\"]MSWNET:[\"SMS_SITE=ABC\"]\\\\" + server + "\\>\r\n\t<Windows NT Server>\r\n" +
		"\tPROPERTY <WSUSIISPort><REG_DWORD><><" + port + ">\r\n\tPROPERTY <WSUSIISSSLPort><REG_DWORD><><" + sslPort + ">\r\n\tPROPERTY <SSLWSUS><REG_DWORD><><" + ssl + ">\r\n" +
		"\tPROPERTY <IsINF><REG_DWORD><><0>\r\n\tPROPERTY <IsIntranet><REG_DWORD><><1>\r\nEND_SYSTEM_RESOURCE_USAGE\r\n"
}

const defaultWSUS = "\tPROPERTY <DefaultWSUS><REG_SZ><SUP.contoso.com><0>\r\n"

// fact renders a fact for comparison: its value, or "unknown: reason" (with
// the line), or "" when absent.
func factString[T any](f *facts.Fact[T]) string {
	if f == nil {
		return ""
	}
	if f.Value != nil {
		return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(strings.Trim(strings.ReplaceAll(toString(*f.Value), "\n", " "), " "), "  ", " "), "\t", " "))
	}
	return "unknown@" + itoa(f.Provenance.Line) + ": " + f.Unknown
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int:
		return itoa(x)
	}
	return "?"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	if neg {
		d = append([]byte{'-'}, d...)
	}
	return string(d)
}

// TestSiteControlValues: a value that does not read as a DWORD is an
// unknown fact at its line, never a guess; a missing role block or WSUS
// component gives unknown facts that say so, never false ones.
func TestSiteControlValues(t *testing.T) {
	good := supRoleBlock("SUP.contoso.com", "8530", "8531", "1")
	tests := []struct {
		name string
		scf  string
		// want maps a fact name to its rendering (see factString); the
		// unknown reasons are matched as prefixes.
		want map[string]string
	}{
		{"all readable", siteCtrlCase(defaultWSUS, "63", good), map[string]string{
			"mode": "native", "present": "true", "active": "true", "http": "8530", "https": "8531", "ssl": "true", "site.present": "false",
		}},
		{"IISSSLState abc", siteCtrlCase(defaultWSUS, "abc", good), map[string]string{
			"mode": `unknown@10: IISSSLState DWORD value "abc" is not a decimal number; the site mode is not guessed`,
		}},
		{"IISSSLState 4294967296", siteCtrlCase(defaultWSUS, "4294967296", good), map[string]string{
			"mode": `unknown@10: IISSSLState DWORD value "4294967296" is out of the DWORD range 0-4294967295`,
		}},
		{"IISSSLState -4294967233", siteCtrlCase(defaultWSUS, "-4294967233", good), map[string]string{
			"mode": `unknown@10: IISSSLState DWORD value "-4294967233" is negative`,
		}},
		{"SSLWSUS on", siteCtrlCase(defaultWSUS, "63", supRoleBlock("SUP.contoso.com", "8530", "8531", "on")), map[string]string{
			"ssl": `unknown@18: SSLWSUS DWORD value "on" is not a decimal number`, "http": "8530",
		}},
		{"SSLWSUS 2", siteCtrlCase(defaultWSUS, "63", supRoleBlock("SUP.contoso.com", "8530", "8531", "2")), map[string]string{
			"ssl": `unknown@18: SSLWSUS DWORD value 2 is not 0 or 1`,
		}},
		{"WSUSIISSSLPort 4294975827", siteCtrlCase(defaultWSUS, "63", supRoleBlock("SUP.contoso.com", "8530", "4294975827", "1")), map[string]string{
			"https": `unknown@17: WSUSIISSSLPort DWORD value "4294975827" is out of the DWORD range`, "http": "8530",
		}},
		{"WSUSIISPort 70000", siteCtrlCase(defaultWSUS, "63", supRoleBlock("SUP.contoso.com", "70000", "8531", "1")), map[string]string{
			"http": `unknown@16: WSUSIISPort 70000 is not a TCP port (1-65535)`,
		}},
		{"no SUP role block", siteCtrlCase(defaultWSUS, "63"), map[string]string{
			"active": "true", "present": `unknown@5: DefaultWSUS names SUP.contoso.com as the active software update point, but the site control file has no "SMS Software Update Point" role block`,
			"site.present": `unknown@0: the site control file has no "SMS Software Update Point" role block`, "site.active": "",
		}},
		{"no WSUS component", siteCtrlCase("", "63", good), map[string]string{
			"present": "true", "active": "unknown@0: the site control file has no SMS_WSUS_CONFIGURATION_MANAGER component", "site.present": "false",
		}},
		{"no DefaultWSUS", siteCtrlCase("\tPROPERTY <DefaultWSUSIISPort><REG_DWORD><><8530>\r\n", "63", good), map[string]string{
			"present": "true", "active": "unknown@2: no DefaultWSUS property in the SMS_WSUS_CONFIGURATION_MANAGER component of the site control file (line 2)",
		}},
		{"neither role nor component", siteCtrlCase("", "63"), map[string]string{
			"site.present": `unknown@0: the site control file has no "SMS Software Update Point" role block`,
			"site.active":  "unknown@0: the site control file has no SMS_WSUS_CONFIGURATION_MANAGER component",
		}},
		{"role block lost to an unreadable line", siteCtrlCase(defaultWSUS, "63") + "BEGIN_SYSTEM_RESOURCE_USAGE\r\n\t<SMS Software Update Point>\x01garbage\r\n", map[string]string{
			"present": `unknown@5: DefaultWSUS names SUP.contoso.com as the active software update point, but the site control file has no "SMS Software Update Point" role block; 2 lines of the file could not be read (see the collector warnings)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				"SITE/manifest.txt": "fqdn=SITE.contoso.com\nroles=site_server\n",
				"SITE/sitectrl.ct0": tt.scf,
			})
			s := collect(t, dir, Options{})
			got := map[string]string{"mode": factString(s.Site.Mode)}
			if sup := findOpt(s, "SUP.contoso.com"); sup != nil && sup.SUP != nil {
				r := sup.SUP
				got["present"], got["active"], got["ssl"] = factString(r.Present), factString(r.Active), factString(r.SSL)
				got["http"], got["https"] = factString(r.HTTPPort), factString(r.HTTPSPort)
			}
			if site := findOpt(s, "SITE.contoso.com"); site != nil && site.SUP != nil {
				got["site.present"], got["site.active"] = factString(site.SUP.Present), factString(site.SUP.Active)
			}
			for k, w := range tt.want {
				if g := got[k]; g != w && (w == "" || !strings.HasPrefix(g, w)) {
					t.Errorf("%s = %q, want %q", k, g, w)
				}
			}
		})
	}
}

func findOpt(s *facts.Snapshot, fqdn string) *facts.Server {
	for i := range s.Servers {
		if strings.EqualFold(s.Servers[i].FQDN, fqdn) {
			return &s.Servers[i]
		}
	}
	return nil
}

// TestSUPSettings: the SUP-03 settings are read from the
// SMS_WSUS_CONFIGURATION_MANAGER and SMS_WSUS_SYNC_MANAGER components; a
// missing property is an unknown fact that says where it was looked for,
// and the products and classifications (kept in the site database) are
// unknown unless the options name a property for them.
func TestSUPSettings(t *testing.T) {
	syncComp := func(props string) string {
		return "BEGIN_COMPONENT\r\n\t<SMS_WSUS_SYNC_MANAGER>\r\n\t<SITE.contoso.com>\r\n" + props + "END_COMPONENT\r\n"
	}
	wcm := func(source, upstream, langs string) string {
		s := defaultWSUS + "\tPROPERTY <DefaultUseParentWSUS><REG_DWORD><><" + source + ">\r\n"
		if upstream != "" {
			s += "\tPROPERTY <ParentWSUS><REG_SZ><" + upstream + "><0>\r\n"
		}
		if langs != "-" {
			s += "\tPROPERTY <SupportedUpdateLanguages><REG_SZ><" + langs + "><0>\r\n"
		}
		return s
	}
	list := func(f *facts.Fact[[]string]) string {
		if f == nil {
			return ""
		}
		if f.Value == nil {
			return "unknown: " + f.Unknown
		}
		return "[" + strings.Join(*f.Value, "|") + "]"
	}
	tests := []struct {
		name                     string
		scf                      string
		opts                     Options
		source, schedule, langs  string
		classifications, product string
	}{
		{"Microsoft Update, scheduled, two languages",
			siteCtrlCase(wcm("0", "", "en, fr"), "63") + syncComp("\tPROPERTY <Sync Schedule><0001200000100038><><0>\r\n"), Options{},
			"Microsoft Update", "0001200000100038", "[en|fr]",
			"unknown: the subscribed update classifications are kept in the site database", "unknown: the subscribed products are kept in the site database"},
		{"upstream server, schedule in the string field, no languages",
			siteCtrlCase(wcm("1", "wsus-up.contoso.com:8530", ""), "63") + syncComp("\tPROPERTY <Sync Schedule><REG_SZ><0001200000100038><0>\r\n"), Options{},
			"wsus-up.contoso.com:8530", "0001200000100038", "[]", "", ""},
		{"no source, no schedule",
			siteCtrlCase(wcm("2", "", "en"), "63") + syncComp("\tPROPERTY <Sync Schedule><><><0>\r\n"), Options{},
			"", "", "[en]", "", ""},
		{"upstream without a server",
			siteCtrlCase(wcm("1", "", "en"), "63") + syncComp(""), Options{},
			"unknown: DefaultUseParentWSUS is 1 (an upstream server), but no PROPERTY <ParentWSUS>", "unknown: no PROPERTY <Sync Schedule> in the SMS_WSUS_SYNC_MANAGER component", "[en]", "", ""},
		{"unreadable source, no sync component, no languages property",
			siteCtrlCase(wcm("yes", "", "-"), "63"), Options{},
			`unknown: DefaultUseParentWSUS DWORD value "yes" is not a decimal number`, "unknown: the site control file has no SMS_WSUS_SYNC_MANAGER component", "unknown: no PROPERTY <SupportedUpdateLanguages>", "", ""},
		{"classifications and products named in the options",
			siteCtrlCase(wcm("0", "", "en")+"\tPROPERTY <Products><REG_SZ><Windows Server 2003, Office 2003><0>\r\n\tBEGIN_PROPERTY_LIST\r\n\t\t<Classifications>\r\n\t\t<Security Updates>\r\n\t\t<Critical Updates>\r\n\tEND_PROPERTY_LIST\r\n", "63"),
			Options{SUPSettings: extract.SUPSettingsRule{ClassificationsProperty: "Classifications", ProductsComponent: "SMS_WSUS_CONFIGURATION_MANAGER", ProductsProperty: "Products"}},
			"Microsoft Update", "unknown: the site control file has no SMS_WSUS_SYNC_MANAGER component", "[en]", "[Security Updates|Critical Updates]", "[Windows Server 2003|Office 2003]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				"SITE/manifest.txt": "fqdn=SITE.contoso.com\nroles=site_server\n",
				"SITE/sitectrl.ct0": tt.scf,
			})
			s := collect(t, dir, tt.opts)
			if s.SUPSettings == nil {
				t.Fatal("no sup_settings")
			}
			str := func(f *facts.Fact[string]) string {
				if f == nil {
					return ""
				}
				if f.Value == nil {
					return "unknown: " + f.Unknown
				}
				return *f.Value
			}
			for _, c := range []struct{ name, got, want string }{
				{"sync_source", str(s.SUPSettings.SyncSource), tt.source},
				{"sync_schedule", str(s.SUPSettings.SyncSchedule), tt.schedule},
				{"languages", list(s.SUPSettings.Languages), tt.langs},
				{"classifications", list(s.SUPSettings.Classifications), tt.classifications},
				{"products", list(s.SUPSettings.Products), tt.product},
			} {
				if c.want == "" && c.name != "sync_source" && c.name != "sync_schedule" {
					continue
				}
				if c.got != c.want && (!strings.HasPrefix(c.want, "unknown:") || !strings.HasPrefix(c.got, c.want)) {
					t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
				}
			}
		})
	}
}

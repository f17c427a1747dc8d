package bundle

import (
	"strings"
	"testing"

	"github.com/supaudit/supaudit/facts"
)

func setupLine(at, text string) string { return "<" + at + "> " + text + "\r\n" }

func ctrlLine(text, at string) string {
	return text + "  $$<SMS_WSUS_CONTROL_MANAGER><" + at + "+000><thread=2212 (0x8A4)>\r\n"
}

// TestSetupLogs covers SUPSetup.log and WSUSCtrl.log as evidence: they
// explain an unknown install type or version, and a disagreeing SUPSetup.log
// version or install type is kept as a conflict; they never make a fact
// known on their own.
func TestSetupLogs(t *testing.T) {
	const key = `[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Update Services\Server\Setup]` + "\r\n"
	found := setupLine("11/02/26 10:12:01", "SMSWSUS Setup Started....") +
		setupLine("11/02/26 10:12:02", "Checking for supported version of WSUS (min WSUS 3.0 SP1)") +
		setupLine("11/02/26 10:12:02", "Did not find supported version of assembly Microsoft.UpdateServices.Administration.") +
		setupLine("11/02/26 10:12:02", "Supported WSUS version found") +
		setupLine("11/02/26 10:12:02", "Supported WSUS Server version (3.1.6001.65) is installed.") +
		setupLine("11/02/26 10:12:05", "Installation was successful.")
	notFound := setupLine("11/01/26 09:00:00", "SMSWSUS Setup Started....") +
		setupLine("11/01/26 09:00:01", "Did not find supported version of assembly Microsoft.UpdateServices.Administration.")
	tests := []struct {
		name         string
		files        map[string]string
		installType  string   // "" = unknown
		version      string   // "" = unknown
		reasonHas    []string // in the install type's unknown reason
		verReasonHas []string // in the version's unknown reason
		verConflict  string
		itConflict   string
	}{
		{name: "registry missing, setup found WSUS",
			files:        map[string]string{"logs/SUPSetup.log": found},
			reasonHas:    []string{"is not in the evidence", "SUPSetup.log found a supported WSUS version", "S/logs/SUPSetup.log:4 (2026-11-02 10:12:02)", "installation succeeded", "not of the current state"},
			verReasonHas: []string{"no VersionString", "3.1.6001.65", "S/logs/SUPSetup.log:5"}},
		{name: "registry missing, last run did not find WSUS (rolled log first)",
			files:     map[string]string{"logs/SUPSetup.lo_": found, "logs/SUPSetup.log": notFound},
			reasonHas: []string{"did not find a supported WSUS version", "S/logs/SUPSetup.log:2"}},
		{name: "registry missing, WSUSCtrl connected",
			files:     map[string]string{"logs/WSUSCtrl.log": ctrlLine("Attempting connection to local WSUS server", "11-20-2026 08:14:02.000") + ctrlLine("Successfully connected to local WSUS server", "11-20-2026 08:14:03.000")},
			reasonHas: []string{"WSUSCtrl.log last connected to the local WSUS server, S/logs/WSUSCtrl.log:2 (2026-11-20 08:14:03)"}},
		{name: "registry newer than setup: version conflict",
			files:       map[string]string{"registry/wsus-setup.reg": regHeader + key + "\"InstallType\"=dword:00000001\r\n\"VersionString\"=\"3.2.7600.226\"\r\n", "logs/SUPSetup.log": found},
			installType: facts.InstallServer, version: "3.2.7600.226", verConflict: "3.1.6001.65"},
		{name: "registry agrees with setup",
			files:       map[string]string{"registry/wsus-setup.reg": regHeader + key + "\"InstallType\"=dword:00000001\r\n\"VersionString\"=\"3.1.6001.65\"\r\n", "logs/SUPSetup.log": found},
			installType: facts.InstallServer, version: "3.1.6001.65"},
		{name: "registry says none, setup found a WSUS server: install type conflict",
			files:       map[string]string{"registry/wsus-setup.reg": regHeader + `[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SMS]` + "\r\n", "logs/SUPSetup.log": found},
			installType: facts.InstallNone, itConflict: facts.InstallServer, verReasonHas: []string{"3.1.6001.65"}},
		{name: "registry unreadable version, setup version in the reason",
			files:        map[string]string{"registry/wsus-setup.reg": regHeader + key + "\"InstallType\"=dword:00000001\r\n\"VersionString\"=\"three\"\r\n", "logs/SUPSetup.log": found},
			installType:  facts.InstallServer,
			verReasonHas: []string{"not Major.Minor", "SUPSetup.log reported WSUS server version 3.1.6001.65"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"S/manifest.txt": "fqdn=S.contoso.com\n"}
			for k, v := range tt.files {
				files["S/"+k] = v
			}
			writeFiles(t, dir, files)
			w := find(t, collect(t, dir, Options{}), "S.contoso.com").WSUS
			if w == nil {
				t.Fatal("no wsus facts")
			}
			it, _ := w.InstallType.Get()
			if it != tt.installType {
				t.Errorf("install_type = %q (%+v), want %q", it, w.InstallType, tt.installType)
			}
			for _, s := range tt.reasonHas {
				if w.InstallType == nil || !strings.Contains(w.InstallType.Unknown, s) {
					t.Errorf("install_type reason %q does not contain %q", w.InstallType.Unknown, s)
				}
			}
			v, _ := w.Version.Get()
			if v != tt.version {
				t.Errorf("version = %q (%+v), want %q", v, w.Version, tt.version)
			}
			for _, s := range tt.verReasonHas {
				if w.Version == nil || !strings.Contains(w.Version.Unknown, s) {
					t.Errorf("version reason %+v does not contain %q", w.Version, s)
				}
			}
			checkConflict := func(name string, got []facts.Observation[string], want string) {
				t.Helper()
				if want == "" {
					if len(got) != 0 {
						t.Errorf("%s conflicts = %+v, want none", name, got)
					}
					return
				}
				if len(got) != 1 || got[0].Value != want || got[0].Provenance.Source != "S/logs/SUPSetup.log" || got[0].Provenance.Line != 5 {
					t.Errorf("%s conflicts = %+v, want %q from S/logs/SUPSetup.log:5", name, got, want)
				}
			}
			if w.Version != nil {
				checkConflict("version", w.Version.Conflicts, tt.verConflict)
			}
			if w.InstallType != nil {
				checkConflict("install_type", w.InstallType.Conflicts, tt.itConflict)
			}
		})
	}
}

// TestGatherNotes: the gather script's not_collected lines in manifest.txt
// explain missing evidence in the unknown facts and collector errors.
func TestGatherNotes(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"SITE/manifest.txt": "fqdn=SITE.contoso.com\r\nroles=site_server\r\n" +
			"not_collected=registry\\wsus-setup.reg: reg export HKLM\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup failed: Access is denied.\r\n" +
			"not_collected=sitectrl.ct0: cannot copy C:\\SMS\\inboxes\\sitectrl.box\\sitectrl.ct0: in use\r\n" +
			"not_collected=logs\\: no ConfigMgr Logs folder found\r\n",
	})
	s := collect(t, dir, Options{})
	it := find(t, s, "SITE.contoso.com").WSUS.InstallType
	if it == nil || !strings.Contains(it.Unknown, "the gather script says (manifest.txt:3): reg export") || !strings.Contains(it.Unknown, "Access is denied.") {
		t.Errorf("install_type = %+v, want the gather script's reason", it)
	}
	joined := strings.Join(s.Collectors[0].Errors, "\n")
	if !strings.Contains(joined, "SITE/sitectrl.ct0: not found on the site server") || !strings.Contains(joined, "(manifest.txt:4): cannot copy") {
		t.Errorf("errors do not give the gather script's reason for sitectrl.ct0:\n%s", joined)
	}
}

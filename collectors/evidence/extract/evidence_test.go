package extract

import (
	"context"
	"io"
	"strings"
	"testing"
)

func TestGatherNoteFolder(t *testing.T) {
	ev := &Evidence{notes: parseManifest("not_collected=logs\\: none\n").notes}
	if got := ev.gatherNote("logs/WCM.log"); !strings.Contains(got, "none") {
		t.Errorf("folder note: gatherNote(logs/WCM.log) = %q", got)
	}
	if got := ev.gatherNote("registry/sms.reg"); got != "" {
		t.Errorf("gatherNote(registry/sms.reg) = %q, want none", got)
	}
}

func text(s string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

// TestFindCaseInsensitive: patterns match whatever case the files were
// copied with, in path order, and the first file added under a name wins.
func TestFindCaseInsensitive(t *testing.T) {
	ev := NewEvidence("S", Options{})
	for _, rel := range []string{"Logs/WCM.LOG", "certs/b.CER", "certs/a.pem", "certs/roots/r.cer", "logs/wcm.lo_"} {
		ev.Add(rel, 1, text("x"))
	}
	ev.Add("certs/a.pem", 2, text("second"))
	if e := ev.first("logs/WCM.log"); e == nil || e.rel != "Logs/WCM.LOG" {
		t.Errorf("first(logs/WCM.log) = %+v", e)
	}
	var got []string
	for _, e := range ev.find(PathCerts) {
		got = append(got, e.rel)
	}
	if strings.Join(got, ",") != "certs/a.pem,certs/b.CER" {
		t.Errorf("find(%s) = %v", PathCerts, got)
	}
	if e := ev.first("certs/a.pem"); e == nil || e.size != 1 {
		t.Errorf("duplicate Add replaced the first file: %+v", e)
	}
	if ev.Len() != 5 {
		t.Errorf("Len = %d, want 5", ev.Len())
	}
}

// TestBuildCollectorName: every fact and the collector run are attributed
// to the collector given to Build, and the default ID carries its name.
func TestBuildCollectorName(t *testing.T) {
	ev := NewEvidence("SUP01", Options{})
	ev.Add(PathManifest, 40, text("fqdn=SUP01.contoso.com\nsite_code=ABC\n"))
	ev.Add(PathSMSReg, 0, text("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\SMS\\Identification]\r\n\"Site Code\"=\"ABC\"\r\n"))
	s, err := Build(context.Background(), Collector{Name: "probe-x", Version: "9.9"}, []*Evidence{ev}, nil, "fallback", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Collectors) != 1 || s.Collectors[0].Name != "probe-x" || s.Collectors[0].Version != "9.9" {
		t.Errorf("collectors = %+v", s.Collectors)
	}
	if s.ID != "abc-probe-x" {
		t.Errorf("ID = %q, want abc-probe-x", s.ID)
	}
	if p := s.Site.Code; p == nil || p.Provenance.Collector != "probe-x" {
		t.Errorf("site code = %+v, want provenance collector probe-x", p)
	}
	for _, srv := range s.Servers {
		if srv.WSUS != nil && srv.WSUS.InstallType != nil && srv.WSUS.InstallType.Provenance.Collector != "probe-x" {
			t.Errorf("install type provenance = %+v", srv.WSUS.InstallType.Provenance)
		}
	}
	s, err = Build(context.Background(), Collector{Name: "c"}, []*Evidence{NewEvidence("X", Options{})}, nil, "fallback", Options{})
	if err != nil || s.ID != "fallback" {
		t.Errorf("no site code: ID = %q, %v; want fallback", s.ID, err)
	}
}

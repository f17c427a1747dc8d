package extract

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/supaudit/supaudit/facts"
)

// SUPSetup.log (rolesetup.exe) and WSUSCtrl.log (SMS_WSUS_CONTROL_MANAGER)
// lines read as evidence. The texts are verbatim from current-branch
// Microsoft articles (docs/sources.md, "ConfigMgr logs"); that ConfigMgr 2007 writes the
// same texts is believed, NOT verified. These logs describe what happened
// when the role was installed or last checked, not the present state, so
// they never establish a fact on their own: they explain an unknown WSUS
// install type or version, and a SUPSetup.log WSUS server version that
// disagrees with the registry is recorded as a conflict.
const (
	setupStarted   = "smswsus setup started"
	setupSupported = "supported wsus version found"
	setupServerVer = "supported wsus server version ("
	setupNotFound  = "did not find supported version"
	setupSuccess   = "installation was successful"
	ctrlLocalOK    = "successfully connected to local wsus server"
)

// setupVersion reads X of "Supported WSUS Server version (X) is installed".
func setupVersion(text string) (string, bool) {
	t := strings.TrimSpace(text)
	if len(t) < len(setupServerVer) {
		return "", false
	}
	v, rest, ok := strings.Cut(t[len(setupServerVer):], ")")
	if !ok || !strings.HasPrefix(strings.ToLower(strings.TrimSpace(rest)), "is installed") || !reVersion.MatchString(v) || strings.Count(v, ".") < 1 {
		return "", false
	}
	return v, true
}

// logMark is one log line kept as evidence.
type logMark struct {
	src  string
	line int
	text string
	at   time.Time
	has  bool
}

func markOf(src string, en *logEntry) *logMark {
	return &logMark{src: src, line: en.Line, text: strings.Clone(strings.TrimSpace(en.Text)), at: en.Time, has: en.HasTime}
}

// String renders the mark as `SUP01/logs/SUPSetup.log:5 (2026-11-02 10:12:02): "text"`.
func (m *logMark) String() string {
	when := ""
	if m.has {
		when = " (" + m.at.Format("2006-01-02 15:04:05") + ")"
	}
	text := m.text
	if len(text) > 120 {
		text = text[:120] + "..."
	}
	return fmt.Sprintf("%s:%d%s: %q", m.src, m.line, when, text)
}

// setupRun is what the last rolesetup run in SUPSetup.log said.
type setupRun struct {
	supported *logMark // "Supported WSUS version found"
	version   string   // from "Supported WSUS Server version (X) is installed"
	verMark   *logMark
	notFound  *logMark // last "Did not find supported version ..."
	success   *logMark // "Installation was successful"
}

// readSetupLogs reads SUPSetup.log and WSUSCtrl.log (each with its rolled
// .lo_) of one server and adds what they say to its WSUS facts.
func (b *builder) readSetupLogs(ev *Evidence, srv *facts.Server) {
	var run setupRun
	b.scanLog(ev, LogSUPSetup, func(src string, en *logEntry) {
		l := bytes.TrimLeft(en.lower, " \t")
		switch {
		case bytes.HasPrefix(l, []byte(setupStarted)):
			run = setupRun{} // only the last run counts
		case bytes.HasPrefix(l, []byte(setupServerVer)):
			if v, ok := setupVersion(en.Text); ok {
				run.version = strings.Clone(v)
				run.verMark = markOf(src, en)
			}
		case bytes.HasPrefix(l, []byte(setupSupported)):
			run.supported = markOf(src, en)
		case bytes.HasPrefix(l, []byte(setupNotFound)):
			run.notFound = markOf(src, en)
		case bytes.HasPrefix(l, []byte(setupSuccess)):
			run.success = markOf(src, en)
		}
	})
	var ctrlOK *logMark
	b.scanLog(ev, LogWSUSCtrl, func(src string, en *logEntry) {
		if bytes.HasPrefix(bytes.TrimLeft(en.lower, " \t"), []byte(ctrlLocalOK)) {
			ctrlOK = markOf(src, en)
		}
	})
	if srv.WSUS == nil {
		srv.WSUS = &facts.WSUS{}
	}
	w := srv.WSUS
	var notes []string
	switch {
	case run.supported != nil || run.verMark != nil:
		m := run.supported
		if m == nil {
			m = run.verMark
		}
		notes = append(notes, "SUPSetup.log found a supported WSUS version at role installation, "+m.String())
	case run.notFound != nil:
		notes = append(notes, "SUPSetup.log did not find a supported WSUS version at role installation, "+run.notFound.String())
	}
	if run.success != nil {
		notes = append(notes, "the role installation succeeded, "+run.success.String())
	}
	if ctrlOK != nil {
		notes = append(notes, "WSUSCtrl.log last connected to the local WSUS server, "+ctrlOK.String())
	}
	if len(notes) > 0 && w.InstallType != nil && w.InstallType.Value == nil {
		w.InstallType.Unknown += "; " + strings.Join(notes, "; ") + " (log evidence of the past, not of the current state)"
	}
	if run.verMark == nil {
		return
	}
	p := b.prov(srv.FQDN, run.verMark.src, run.verMark.line)
	switch {
	case w.Version == nil:
		w.Version = facts.UnknownFact[string](fmt.Sprintf("no VersionString in the registry evidence; SUPSetup.log reported WSUS server version %s at role installation, %s (not necessarily the version installed now)", run.version, run.verMark), p)
	case w.Version.Value == nil:
		w.Version.Unknown += fmt.Sprintf("; SUPSetup.log reported WSUS server version %s at role installation, %s", run.version, run.verMark)
	case *w.Version.Value != run.version:
		w.Version.Conflicts = append(w.Version.Conflicts, facts.Observation[string]{Value: run.version, Provenance: p})
	}
	if it, ok := w.InstallType.Get(); ok && it != facts.InstallServer {
		w.InstallType.Conflicts = append(w.InstallType.Conflicts, facts.Observation[string]{Value: facts.InstallServer, Provenance: p})
	}
}

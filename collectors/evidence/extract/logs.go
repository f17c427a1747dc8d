package extract

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/supaudit/supaudit/collectors/evidence/cmlog"
	"github.com/supaudit/supaudit/facts"
)

// Log lines read from WCM.log and wsyncmgr.log (docs/sources.md, "Logs").
// Every text is matched without regard to ASCII case, on a lower-cased copy
// of the entry made in a reused buffer: a case-insensitive regular
// expression per entry is four times slower than the scanner itself.
const (
	wcmAttempt   = "attempting connection to wsus server:"
	wcmConnected = "successfully connected to server:"
	// wcmLocal are the connections to a WSUS server on the site server
	// itself, which name no port.
	wcmLocalAttempt = "attempting connection to local wsus server"
	wcmLocalOK      = "successfully connected to local wsus server"
	// wcmUnreachable and wcmFailed mark a failed attempt: the first
	// means that no TCP connection was made, the others follow it.
	wcmUnreachable = "unable to connect to the remote server"
	wcmRemoteFail  = "remote configuration failed on wsus server"
	wcmState3      = "setting new configuration state to 3"
	// wcmHTTPStatus is a failure in which the server answered, so the
	// port was reachable: it ends the attempt without a reachability fact.
	wcmHTTPStatus = "the request failed with http status"

	syncOK      = "sync succeeded"
	syncFail    = "sync failed"
	statmsgMark = "statmsg:"
)

// Status message IDs of SMS_WSUS_SYNC_MANAGER (ConfigMgr 2007
// "Troubleshooting Software Updates Synchronization").
const (
	msgSyncStarted = 6701
	msgSyncDone    = 6702
	msgSyncFailed  = 6703
)

// sameFailureLines is how close (in lines) a "Sync failed" sentence and a
// 6703 status message must be to be taken as one failure.
const sameFailureLines = 20

// maxLogWarnings caps the warnings one log file adds; the rest are counted.
const maxLogWarnings = 5

// lowerASCII writes s lower-cased (ASCII letters only) into buf and
// returns it.
func lowerASCII(buf []byte, s string) []byte {
	buf = append(buf[:0], s...)
	for i, c := range buf {
		if 'A' <= c && c <= 'Z' {
			buf[i] = c + ('a' - 'A')
		}
	}
	return buf
}

// logEntry is an entry with its lower-cased text. It and its strings are
// valid during the callback only (the scanner's Borrow mode): a callback
// copies what it keeps.
type logEntry struct {
	cmlog.Entry
	lower []byte
}

// scanLog streams a log and its rolled-over predecessor (X.lo_ before
// X.log), calling fn for every entry with the entry's source. Nothing is
// held but the current entry: memory does not grow with the log's size.
// An entry cut at the line cap, or a time that could not be read, becomes
// a collector warning naming the line; the entry is still passed on.
func (b *builder) scanLog(ev *Evidence, name string, fn func(src string, en *logEntry)) bool {
	found := false
	var le logEntry
	for _, pat := range []string{logsDir + rolled(name), logsDir + name} {
		for _, e := range ev.find(pat) {
			found = true
			rc, err := ev.openStream(e)
			if err != nil {
				b.errs = append(b.errs, err.Error())
				continue
			}
			src := ev.source(e)
			sc := cmlog.NewScanner(rc, src)
			// Entries share the scanner's buffer until the next Scan:
			// whatever a callback keeps, it copies (strings.Clone).
			sc.Borrow = true
			warned, more := 0, 0
			warn := func(format string, args ...any) {
				if warned < maxLogWarnings {
					warned++
					b.warnf(format, args...)
				} else {
					more++
				}
			}
			for sc.Scan() {
				le.Entry = sc.Entry()
				if le.Truncated {
					warn("%s:%d: entry longer than %d bytes; its middle was cut (the start and the end are read)", src, le.Line, cmlog.DefaultMaxEntrySize)
				}
				le.lower = lowerASCII(le.lower, le.Text)
				fn(src, &le)
			}
			if more > 0 {
				b.warnf("%s: %d more warnings", src, more)
			}
			if err := sc.Err(); err != nil {
				b.errs = append(b.errs, err.Error())
			}
			rc.Close()
		}
	}
	return found
}

// entryWarning records an entry's own warning (an unreadable timestamp)
// for an entry that became a fact.
func (b *builder) entryWarning(src string, en *logEntry) {
	if en.Warning != "" {
		b.warnf("%s:%d: %s", src, en.Line, en.Warning)
	}
}

// wcmConn is one connection attempt of WCM.log to a WSUS server, with its
// outcome: reachable, or not (no TCP connection).
type wcmConn struct {
	server    string
	port      int
	ssl       bool
	reachable bool
	prov      facts.Provenance
	// seq orders the outcomes as read.
	seq int
}

// parseWCMTarget reads "X, port: N, useSSL: B" from position i of the
// entry's text, returning the server name in its original case. port is
// -1 when it is not a number. It does not allocate.
func parseWCMTarget(text string, i int) (server string, port int, ssl, ok bool) {
	rest := text[i:]
	comma := strings.IndexByte(rest, ',')
	if comma < 0 {
		return "", 0, false, false
	}
	server = strings.TrimSpace(rest[:comma])
	rest, ok = cutPrefixFold(strings.TrimSpace(rest[comma+1:]), "port:")
	if !ok {
		return "", 0, false, false
	}
	num, rest, _ := strings.Cut(strings.TrimSpace(rest), ",")
	n, err := strconv.Atoi(strings.TrimSpace(num))
	if err != nil {
		n = -1
	}
	if v, found := cutPrefixFold(strings.TrimSpace(rest), "usessl:"); found {
		_, ssl = cutPrefixFold(strings.TrimSpace(v), "true")
	}
	return server, n, ssl, true
}

// cutPrefixFold is strings.CutPrefix ignoring ASCII case; prefix is lower
// case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// readWCM collects WCM.log's connections to WSUS servers: successful
// ones, and attempts that ended without a TCP connection ("Unable to
// connect to the remote server", or the attempt followed by "Remote
// configuration failed on WSUS Server." or state 3 WSUS_CONFIG_FAILED
// with no HTTP answer in between).
func (b *builder) readWCM(ev *Evidence, host string) {
	var pending wcmConn
	hasPending := false
	b.scanLog(ev, LogWCM, func(src string, en *logEntry) {
		l := en.lower
		// Every marker holds one of these words: most lines are rejected
		// by two vectorised searches.
		if !bytes.Contains(l, []byte("connect")) && !bytes.Contains(l, []byte("configuration")) && !bytes.Contains(l, []byte(wcmHTTPStatus)) {
			return
		}
		if i := bytes.Index(l, []byte(wcmAttempt)); i >= 0 {
			pending, hasPending = b.wcmTarget(src, en, i+len(wcmAttempt), host)
			return
		}
		if i := bytes.Index(l, []byte(wcmConnected)); i >= 0 {
			if c, ok := b.wcmTarget(src, en, i+len(wcmConnected), host); ok {
				c.reachable = true
				b.conns.add(c)
			}
			hasPending = false
			return
		}
		switch {
		case bytes.Contains(l, []byte(wcmLocalAttempt)), bytes.Contains(l, []byte(wcmLocalOK)), bytes.Contains(l, []byte(wcmHTTPStatus)):
			hasPending = false
		case hasPending && (bytes.Contains(l, []byte(wcmUnreachable)) || bytes.Contains(l, []byte(wcmRemoteFail)) || bytes.Contains(l, []byte(wcmState3))):
			c := pending
			c.reachable = false
			c.prov = b.prov(host, src, en.Line)
			b.conns.add(c)
			hasPending = false
		}
	})
}

// wcmTarget reads the server and port after position i of an entry.
func (b *builder) wcmTarget(src string, en *logEntry, i int, host string) (wcmConn, bool) {
	server, port, ssl, ok := parseWCMTarget(en.Text, i)
	if !ok || port < 1 || port > 65535 || !b.hostName(server) {
		b.errorf("%s:%d: cannot read the server and port of %q", src, en.Line, firstLine(en.Text))
		return wcmConn{}, false
	}
	// Clone: the entry's text is the scanner's buffer (Borrow).
	return wcmConn{server: strings.Clone(server), port: port, ssl: ssl, prov: b.prov(host, src, en.Line)}, true
}

// hostName reports whether name is a host name, remembering the few names
// a WCM.log repeats (each connection line names its server) so that the
// regular expression runs once per name, not once per line.
func (b *builder) hostName(name string) bool {
	if ok, seen := b.hostNames[name]; seen {
		return ok
	}
	ok := reFQDN.MatchString(name)
	if b.hostNames == nil {
		b.hostNames = map[string]bool{}
	}
	if len(b.hostNames) < 256 {
		b.hostNames[strings.Clone(name)] = ok
	}
	return ok
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// syncEvent is one synchronization marker of wsyncmgr.log.
type syncEvent struct {
	status string // facts.SyncSucceeded, SyncFailed or SyncInProgress (6701)
	at     time.Time
	hasAt  bool
	src    string
	line   int
	errMsg string
}

// statMsg is a parsed "STATMSG: ID=... GMTDATE=... ISTR0=..." line.
type statMsg struct {
	id      int
	comp    string
	gmt     time.Time
	hasGMT  bool
	gmtText string
	istr    []string
}

// parseStatMsg reads a STATMSG line: KEY=value pairs, a value either
// quoted or running to the next " KEY=" (GMTDATE holds spaces).
func parseStatMsg(text string) (statMsg, bool) {
	_, rest, ok := strings.Cut(text, ":")
	if !ok {
		return statMsg{}, false
	}
	var m statMsg
	id := false
	for _, kv := range statMsgPairs(rest) {
		switch strings.ToUpper(kv[0]) {
		case "ID":
			n, err := strconv.Atoi(kv[1])
			if err != nil {
				return statMsg{}, false
			}
			m.id, id = n, true
		case "COMP":
			m.comp = kv[1]
		case "GMTDATE":
			m.gmtText = kv[1]
			if t, err := time.Parse("Mon Jan _2 15:04:05.000 2006", strings.Join(strings.Fields(kv[1]), " ")); err == nil {
				m.gmt, m.hasGMT = t.UTC(), true
			}
		default:
			if k := strings.ToUpper(kv[0]); strings.HasPrefix(k, "ISTR") {
				if n, err := strconv.Atoi(k[4:]); err == nil && n >= 0 && n < 10 {
					for len(m.istr) <= n {
						m.istr = append(m.istr, "")
					}
					m.istr[n] = kv[1]
				}
			}
		}
	}
	return m, id
}

// statMsgPairs splits ` ID=6702 SOURCE="SMS Server" GMTDATE=Thu Jan 16
// 18:57:46.304 2014 ISTR0=""` into key/value pairs.
func statMsgPairs(s string) [][2]string {
	var out [][2]string
	for {
		s = strings.TrimLeft(s, " \t")
		eq := strings.IndexByte(s, '=')
		if eq <= 0 || !isKey(s[:eq]) {
			return out
		}
		key := s[:eq]
		s = s[eq+1:]
		var val string
		if strings.HasPrefix(s, `"`) {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return append(out, [2]string{key, s[1:]})
			}
			val, s = s[1:1+end], s[2+end:]
		} else {
			end := nextKey(s)
			val, s = strings.TrimSpace(s[:end]), s[end:]
		}
		out = append(out, [2]string{key, val})
	}
}

func isKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// nextKey returns the index of the next " KEY=" in s, or len(s).
func nextKey(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] != '=' && s[j] != ' ' {
			j++
		}
		if j < len(s) && s[j] == '=' && isKey(s[i+1:j]) {
			return i
		}
	}
	return len(s)
}

// readSync reads the last synchronization outcome from wsyncmgr.log: the
// "Sync succeeded" / "Sync failed" sentences and SMS_WSUS_SYNC_MANAGER's
// status messages 6701 (started), 6702 (done) and 6703 (failed), whose
// GMTDATE is preferred to the line's own time.
func (b *builder) readSync(ev *Evidence, host string) {
	var last, lastOK, lastEnd *syncEvent
	firstSrc := ""
	found := b.scanLog(ev, LogWSyncMgr, func(src string, en *logEntry) {
		if firstSrc == "" {
			firstSrc = src
		}
		l := bytes.TrimLeft(en.lower, " \t")
		var e *syncEvent
		switch {
		case bytes.HasPrefix(l, []byte(syncOK)):
			e = &syncEvent{status: facts.SyncSucceeded}
		case bytes.HasPrefix(l, []byte(syncFail)):
			e = &syncEvent{status: facts.SyncFailed}
			text := strings.TrimSpace(en.Text)[len(syncFail):]
			if msg, ok := strings.CutPrefix(text, ":"); ok {
				e.errMsg = strings.Clone(strings.TrimSpace(msg))
			}
		case bytes.HasPrefix(l, []byte(statmsgMark)):
			m, ok := parseStatMsg(strings.TrimSpace(en.Text))
			if !ok || (m.comp != "" && !strings.EqualFold(m.comp, "SMS_WSUS_SYNC_MANAGER")) {
				return
			}
			switch m.id {
			case msgSyncStarted:
				e = &syncEvent{status: facts.SyncInProgress}
			case msgSyncDone:
				e = &syncEvent{status: facts.SyncSucceeded}
			case msgSyncFailed:
				e = &syncEvent{status: facts.SyncFailed}
				var parts []string
				for _, s := range m.istr {
					if s = strings.TrimSpace(s); s != "" {
						parts = append(parts, s)
					}
				}
				e.errMsg = strings.Clone(strings.Join(parts, "; "))
			default:
				return
			}
			if m.hasGMT {
				e.at, e.hasAt = m.gmt, true
			} else if m.gmtText != "" {
				b.warnf("%s:%d: GMTDATE %q is not a date; the line's own time is used", src, en.Line, m.gmtText)
			}
		default:
			return
		}
		e.src, e.line = src, en.Line
		if !e.hasAt && en.HasTime {
			e.at, e.hasAt = en.Time.UTC(), true
		}
		if !e.hasAt {
			b.entryWarning(src, en)
		}
		// A "Sync failed" sentence and a 6703 status message a few lines
		// apart report the same failure: keep the error text of either.
		if e.status == facts.SyncFailed && last != nil && last.status == facts.SyncFailed && last.src == src && e.line-last.line <= sameFailureLines {
			if e.errMsg == "" {
				e.errMsg = last.errMsg
			} else if last.errMsg != "" && last.errMsg != e.errMsg {
				e.errMsg = last.errMsg + "; " + e.errMsg
			}
		}
		last = e
		if e.status != facts.SyncInProgress {
			lastEnd = e
		}
		if e.status == facts.SyncSucceeded {
			lastOK = e
		}
	})
	if !found {
		return
	}
	if b.sync == nil {
		b.sync = &facts.Sync{}
	}
	s := b.sync
	if last == nil {
		if firstSrc == "" {
			firstSrc = ev.name + "/logs/wsyncmgr.log"
		}
		setFact(&s.Status, facts.SyncNever, b.prov(host, firstSrc, 0))
		return
	}
	setFact(&s.Status, last.status, b.prov(host, last.src, last.line))
	attempt := last
	if attempt.hasAt {
		setFact(&s.LastAttempt, attempt.at, b.prov(host, attempt.src, attempt.line))
	} else {
		setUnknown(&s.LastAttempt, fmt.Sprintf("the last synchronization entry (line %d) has no readable time", attempt.line), b.prov(host, attempt.src, attempt.line))
	}
	if lastOK != nil {
		if lastOK.hasAt {
			setFact(&s.LastSuccess, lastOK.at, b.prov(host, lastOK.src, lastOK.line))
		} else {
			setUnknown(&s.LastSuccess, fmt.Sprintf("the last successful synchronization entry (line %d) has no readable time", lastOK.line), b.prov(host, lastOK.src, lastOK.line))
		}
	}
	if lastEnd != nil && lastEnd.status == facts.SyncFailed && lastEnd == last {
		if lastEnd.errMsg != "" {
			setFact(&s.LastError, lastEnd.errMsg, b.prov(host, lastEnd.src, lastEnd.line))
		}
	}
}

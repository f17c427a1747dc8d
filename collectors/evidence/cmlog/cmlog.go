// Package cmlog parses Configuration Manager (SMS / ConfigMgr 2007) log
// files such as WCM.log, wsyncmgr.log, WSUSCtrl.log and SUPSetup.log.
//
// Four line shapes are recognised (sources: docs/sources.md, "ConfigMgr logs"):
//
//   - FormatSMSTrace, the server-component "$$" trailer:
//     "text  $$<Component><MM-DD-YYYY HH:MM:SS.mmm+bias><thread=N (0xHEX)>".
//     Verbatim samples: Microsoft support article on SQL Native Client/TLS 1.2
//     (ConfigMgrSetup.log), PkgXferMgr.log blog sample, Swift CmTraceParser
//     test data, SpecterOps blog (with typographic en-dashes in the date).
//     That ConfigMgr 2007 server logs use exactly the MM-DD-YYYY+bias form is
//     believed, NOT verified (docs/sources.md [B]). The SMS 2.0 long date form
//     "Fri Mar 26 10:43:41.547 1999 Eastern Standard Time" (SMS 2.0 KB text)
//     is accepted too.
//   - FormatCMTrace, "<![LOG[text]LOG]!><time=... date=... component=...>"
//     (real current-branch line in a Swift CmTraceParser repo, docs/sources.md).
//   - FormatSUPSetup, rolesetup.exe's "<MM/DD/YY HH:MM:SS> text"
//     (SupportArticles-docs SUP installation article, docs/sources.md).
//   - FormatPlain, any other line.
//
// The Scanner streams: memory is bounded by MaxEntrySize whatever the input.
package cmlog

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/supaudit/supaudit/internal/textenc"
)

// DefaultMaxEntrySize is the default cap, in bytes, on one entry's text
// (and on one physical line). Longer lines and entries are truncated and
// flagged with Entry.Truncated, so a binary file cannot exhaust memory.
const DefaultMaxEntrySize = 1 << 20

// DefaultMaxFileSize is the default cap on the number of bytes a Scanner
// reads (after UTF-16 decoding). ConfigMgr rolls its logs over at a few MB,
// so 1 GiB is generous; the cap bounds time, not memory.
const DefaultMaxFileSize int64 = 1 << 30

// ErrFileTooLarge is reported (wrapped in a *ParseError) when the input
// exceeds the Scanner's MaxFileSize.
var ErrFileTooLarge = errors.New("file exceeds size limit")

// Format identifies which log line shape an entry was parsed from.
type Format int

// Formats recognised by the Scanner.
const (
	// FormatPlain is a line without any recognised prefix or trailer.
	FormatPlain Format = iota
	// FormatSMSTrace is the "text  $$<comp><time><thread=N (0xN)>" form.
	FormatSMSTrace
	// FormatCMTrace is the "<![LOG[text]LOG]!><time=... >" form.
	FormatCMTrace
	// FormatSUPSetup is the "<MM/DD/YY HH:MM:SS> text" form of SUPSetup.log.
	FormatSUPSetup
)

// String returns a short name for the format.
func (f Format) String() string {
	switch f {
	case FormatPlain:
		return "plain"
	case FormatSMSTrace:
		return "smstrace"
	case FormatCMTrace:
		return "cmtrace"
	case FormatSUPSetup:
		return "supsetup"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// Entry is one log entry, which may span several physical lines.
type Entry struct {
	// Line is the 1-based number of the entry's first physical line.
	Line int
	// Text is the message; physical lines of a multi-line entry are joined
	// with "\n". Trailing blanks are removed; "~" continuation marks that
	// ConfigMgr writes are kept as written.
	Text string
	// Component is the writing component (e.g. SMS_WSUS_CONFIGURATION_MANAGER).
	Component string
	// Time is the entry's timestamp, valid only if HasTime is set.
	Time time.Time
	// HasTime reports whether a timestamp was parsed.
	HasTime bool
	// LocalTime reports that the log gave no UTC offset (SUPSetup.log,
	// CMTrace time without bias, SMS 2.0 zone names): Time is then the
	// writer's wall-clock time with location time.UTC by convention.
	LocalTime bool
	// Thread is the writing thread id (decimal), 0 if absent.
	Thread int
	// Type is the CMTrace severity: 1 information, 2 warning, 3 error;
	// 0 when the format has none.
	Type int
	// Context and File are the CMTrace context and file attributes.
	Context, File string
	// Format is the line shape the entry was parsed from.
	Format Format
	// Truncated reports that the entry exceeded MaxEntrySize.
	Truncated bool
	// Warning describes a non-fatal problem with the entry (for example a
	// timestamp that could not be parsed, or was normalised); empty if none.
	Warning string
}

// ParseError is an error tied to a line of a named file ("file:line: msg").
type ParseError = textenc.ParseError

// Scanner reads log entries one at a time, like bufio.Scanner.
//
// The fields may be changed after NewScanner and before the first Scan.
type Scanner struct {
	// MaxEntrySize caps the bytes of one entry and one line; 0 means
	// DefaultMaxEntrySize.
	MaxEntrySize int
	// MaxFileSize caps the bytes read; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// Borrow lets the strings of an entry (Text, Component, Context, File,
	// Warning) share the Scanner's line buffer, like bufio.Scanner.Bytes:
	// they are valid only until the next call to Scan, and a caller that
	// keeps one must copy it (strings.Clone). It saves one allocation and
	// copy per line.
	Borrow bool

	name    string
	src     io.Reader
	br      *bufio.Reader
	cr      *countReader
	lineNo  int
	lineBuf []byte
	tailBuf []byte
	eof     bool
	done    bool
	err     error

	pending      []pendingLine
	pendingBytes int

	cm      *cmState
	queue   []Entry
	qhead   int
	cur     Entry
	started bool
}

type pendingLine struct {
	line      int
	text      string
	truncated bool
}

type cmState struct {
	line      int
	sb        strings.Builder
	truncated bool
}

type countReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (c *countReader) Read(p []byte) (int, error) {
	if c.n >= c.max {
		return 0, ErrFileTooLarge
	}
	if int64(len(p)) > c.max-c.n {
		p = p[:c.max-c.n]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// NewScanner returns a Scanner reading from r; name is used in errors.
// UTF-16 input with a BOM is decoded; a UTF-8 BOM is skipped.
func NewScanner(r io.Reader, name string) *Scanner {
	return &Scanner{name: name, src: r}
}

func (s *Scanner) init() {
	s.started = true
	if s.MaxEntrySize <= 0 {
		s.MaxEntrySize = DefaultMaxEntrySize
	}
	if s.MaxFileSize <= 0 {
		s.MaxFileSize = DefaultMaxFileSize
	}
	s.cr = &countReader{r: textenc.NewReader(s.src), max: s.MaxFileSize}
	s.br = bufio.NewReaderSize(s.cr, 64<<10)
}

// Err returns the first non-EOF error met by Scan.
func (s *Scanner) Err() error { return s.err }

// Entry returns the entry found by the last successful Scan.
func (s *Scanner) Entry() Entry { return s.cur }

// Scan advances to the next entry. It returns false at end of input or on
// an I/O error (see Err).
func (s *Scanner) Scan() bool {
	if !s.started {
		s.init()
	}
	for s.qhead >= len(s.queue) {
		s.queue, s.qhead = s.queue[:0], 0
		if s.done {
			return false
		}
		line, trunc, ok := s.readLine()
		if !ok {
			s.finishCM()
			s.flushPending()
			s.done = true
			continue
		}
		s.lineNo++
		s.process(line, trunc)
	}
	// The slot is not cleared: it is overwritten by the next entries, so
	// at most the queue's few entries stay referenced.
	s.cur = s.queue[s.qhead]
	s.qhead++
	return true
}

// readLine returns the next physical line without its line terminator,
// truncated to MaxEntrySize. ok is false at end of input.
func (s *Scanner) readLine() (line []byte, truncated, ok bool) {
	if s.eof {
		return nil, false, false
	}
	s.lineBuf = s.lineBuf[:0]
	s.tailBuf = s.tailBuf[:0]
	// An over-long line keeps its head and its last tailKeep bytes, so that
	// a trailer ($$<...> or ]LOG]!><...>) at the end is still recognised.
	tailKeep := min(4096, s.MaxEntrySize/2)
	head := s.MaxEntrySize - tailKeep
	got := false
	for {
		frag, err := s.br.ReadSlice('\n')
		if len(frag) > 0 {
			got = true
		}
		if !truncated && len(s.lineBuf)+len(frag) > s.MaxEntrySize {
			// Keep the first head bytes; what is beyond them (already in
			// lineBuf or in this fragment) goes to the tail.
			if len(s.lineBuf) > head {
				s.tailBuf = append(s.tailBuf, s.lineBuf[head:]...)
				s.lineBuf = s.lineBuf[:head]
			}
			room := head - len(s.lineBuf)
			s.lineBuf = append(s.lineBuf, frag[:room]...)
			frag = frag[room:]
			truncated = true
		}
		if truncated {
			s.tailBuf = append(s.tailBuf, frag...)
			if over := len(s.tailBuf) - tailKeep; over > 0 {
				s.tailBuf = append(s.tailBuf[:0], s.tailBuf[over:]...)
			}
		} else {
			s.lineBuf = append(s.lineBuf, frag...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.err = &ParseError{File: s.name, Line: s.lineNo + 1, Msg: "read", Err: err}
			}
			if !got {
				return nil, false, false
			}
		}
		break
	}
	if truncated {
		s.lineBuf = append(s.lineBuf, s.tailBuf...)
	}
	l := s.lineBuf
	if n := len(l); n > 0 && l[n-1] == '\n' {
		l = l[:n-1]
	}
	if n := len(l); n > 0 && l[n-1] == '\r' {
		l = l[:n-1]
	}
	return l, truncated, true
}

func (s *Scanner) emit(e Entry) { s.queue = append(s.queue, e) }

func (s *Scanner) flushPending() {
	for _, p := range s.pending {
		s.emit(Entry{Line: p.line, Text: p.text, Format: FormatPlain, Truncated: p.truncated})
	}
	s.pending = s.pending[:0]
	s.pendingBytes = 0
}

const (
	cmOpen  = "<![LOG["
	cmClose = "]LOG]!>"
)

func (s *Scanner) process(b []byte, truncated bool) {
	if s.cm != nil {
		if i := strings.Index(string(b), cmClose); i >= 0 {
			s.cmAppend("\n")
			s.cmAppend(string(b[:i]))
			s.finishCMWith(string(b[i+len(cmClose):]))
			return
		}
		s.cmAppend("\n")
		s.cmAppend(string(b))
		if truncated {
			s.cm.truncated = true
		}
		return
	}
	var line string
	if s.Borrow {
		line = unsafe.String(unsafe.SliceData(b), len(b))
	} else {
		line = string(b)
	}
	trimmed := trimBlankLeft(line)
	if strings.HasPrefix(trimmed, cmOpen) {
		s.flushPending()
		body := trimmed[len(cmOpen):]
		if i := strings.Index(body, cmClose); i >= 0 {
			e := Entry{Line: s.lineNo, Format: FormatCMTrace, Truncated: truncated}
			e.Text = trimBlankRight(body[:i])
			parseCMAttrs(&e, body[i+len(cmClose):])
			s.emit(e)
			return
		}
		s.cm = &cmState{line: s.lineNo, truncated: truncated}
		s.cmAppend(body)
		return
	}
	if e, ok := parseSMSTrace(line); ok {
		e.Truncated = truncated
		e.Line = s.lineNo
		if len(s.pending) > 0 {
			e.Line = s.pending[0].line
			var sb strings.Builder
			for _, p := range s.pending {
				sb.WriteString(p.text)
				sb.WriteByte('\n')
				e.Truncated = e.Truncated || p.truncated
			}
			sb.WriteString(e.Text)
			e.Text = sb.String()
			if len(e.Text) > s.MaxEntrySize {
				e.Text = truncUTF8(e.Text, s.MaxEntrySize)
				e.Truncated = true
			}
			s.pending = s.pending[:0]
			s.pendingBytes = 0
		}
		s.emit(e)
		return
	}
	if e, ok := parseSUPSetup(line); ok {
		s.flushPending()
		e.Line = s.lineNo
		e.Truncated = truncated
		s.emit(e)
		return
	}
	// A line without a trailer: hold it, since in the $$ format the message
	// may span lines and only the last one carries the trailer. Held lines
	// are released as plain entries when another shape, the entry cap or
	// the end of input is reached.
	if s.pendingBytes+len(line) > s.MaxEntrySize {
		s.flushPending()
	}
	text := trimBlankRight(line)
	if s.Borrow {
		text = strings.Clone(text) // held past this line
	}
	s.pending = append(s.pending, pendingLine{line: s.lineNo, text: text, truncated: truncated})
	s.pendingBytes += len(line) + 1
}

func (s *Scanner) cmAppend(str string) {
	room := s.MaxEntrySize - s.cm.sb.Len()
	if len(str) > room {
		if room > 0 {
			s.cm.sb.WriteString(str[:room])
		}
		s.cm.truncated = true
		return
	}
	s.cm.sb.WriteString(str)
}

// finishCM ends an unterminated multi-line CMTrace entry at end of input.
func (s *Scanner) finishCM() {
	if s.cm == nil {
		return
	}
	e := Entry{Line: s.cm.line, Format: FormatCMTrace, Text: strings.TrimRight(s.cm.sb.String(), " \t\n"),
		Truncated: s.cm.truncated, Warning: "unterminated <![LOG[ entry at end of input"}
	s.cm = nil
	s.emit(e)
}

func (s *Scanner) finishCMWith(attrs string) {
	e := Entry{Line: s.cm.line, Format: FormatCMTrace, Text: trimBlankRight(s.cm.sb.String()), Truncated: s.cm.truncated}
	s.cm = nil
	parseCMAttrs(&e, attrs)
	s.emit(e)
}

// parseSMSTrace recognises the "$$<comp><time><thread=N (0xN)>" trailer.
// Regex used by public parsers (docs/sources.md, "ConfigMgr logs"):
// `(.*?) \$\$<(.*?)><(.*?)><thread=(.*?)>`.
func parseSMSTrace(line string) (Entry, bool) {
	end := trimBlankRight(line)
	if !strings.HasSuffix(end, ">") {
		return Entry{}, false
	}
	i := lastTrailer(end)
	if i < 0 {
		return Entry{}, false
	}
	rest := end[i+3:]
	comp, rest, ok := strings.Cut(rest, "><")
	if !ok {
		return Entry{}, false
	}
	ts, rest, ok := strings.Cut(rest, "><")
	if !ok || !strings.HasPrefix(rest, "thread=") || !strings.HasSuffix(rest, ">") {
		return Entry{}, false
	}
	e := Entry{Format: FormatSMSTrace, Component: comp, Text: trimBlankRight(line[:i])}
	e.Thread = parseThread(rest[len("thread=") : len(rest)-1])
	parseSMSTime(&e, ts)
	return e, true
}

// lastTrailer returns the index of the last "$$<" in line, or -1. It
// searches forward with strings.Index (vectorised; strings.LastIndex is a
// byte-by-byte loop), since a line usually holds one trailer only.
func lastTrailer(line string) int {
	last := -1
	for off := 0; ; {
		i := strings.Index(line[off:], "$$<")
		if i < 0 {
			return last
		}
		last = off + i
		off = last + 1
	}
}

// parseThread parses "2868 (0xB34)", "2868" or "0xB34".
func parseThread(s string) int {
	s = strings.TrimSpace(s)
	dec, hex, _ := strings.Cut(s, " ")
	if n, err := strconv.ParseUint(dec, 10, 31); err == nil {
		return int(n)
	}
	for _, h := range []string{dec, strings.Trim(hex, "()")} {
		if len(h) > 2 && (h[:2] == "0x" || h[:2] == "0X") {
			if n, err := strconv.ParseUint(h[2:], 16, 31); err == nil {
				return int(n)
			}
		}
	}
	return 0
}

// dashFix replaces the typographic en-dash (U+2013) with '-'. One public
// sample (SpecterOps blog, docs/sources.md) has en-dashes in the date; they
// are an artefact of the blog, so the date is accepted with a warning.
func dashFix(e *Entry, s string) string {
	if strings.Contains(s, "\u2013") {
		e.Warning = "typographic en-dash in date normalised to '-'"
		return strings.ReplaceAll(s, "\u2013", "-")
	}
	return s
}

// parseSMSTime parses "MM-DD-YYYY HH:MM:SS.mmm+bias" into e.
//
// Bias convention: the trailing signed number is the time-zone bias in
// minutes that must be ADDED to the local time to obtain UTC, as in the
// Windows TIME_ZONE_INFORMATION.Bias field: "+420" is UTC-7 (PDT), "-60" is
// UTC+1, "+300" is UTC-5 (docs/sources.md, from the verbatim samples'
// contexts). The entry's Time therefore carries the zone UTC-(bias).
func parseSMSTime(e *Entry, ts string) {
	ts = dashFix(e, ts)
	date, clock, ok := strings.Cut(ts, " ")
	if !ok {
		e.Warning = joinWarn(e.Warning, fmt.Sprintf("unparsed time %q", ts))
		return
	}
	mo, d, y, ok := parseMDY(date, '-')
	if !ok {
		// SMS 2.0 long form: "Fri Mar 26 10:43:41.547 1999 Eastern Standard Time".
		f := strings.Fields(ts)
		if len(f) >= 5 {
			if t, err := time.Parse("Mon Jan _2 15:04:05.000 2006", strings.Join(f[:5], " ")); err == nil {
				zone := strings.Join(f[5:], " ")
				if loc, ok := windowsZoneLocs[strings.ToLower(zone)]; ok {
					t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
					e.Time, e.HasTime = t, true
					return
				}
				e.Time, e.HasTime, e.LocalTime = t, true, true
				if zone != "" {
					e.Warning = joinWarn(e.Warning, fmt.Sprintf("time zone %q not resolved; wall-clock time kept", zone))
				}
				return
			}
		}
		e.Warning = joinWarn(e.Warning, fmt.Sprintf("unparsed time %q", ts))
		return
	}
	t, ok := parseClockBias(clock, mo, d, y)
	if !ok {
		e.Warning = joinWarn(e.Warning, fmt.Sprintf("unparsed time %q", ts))
		return
	}
	e.Time, e.HasTime, e.LocalTime = t.t, true, !t.hasBias
}

// windowsZones maps the Windows time zone names that the SMS 2.0-era long
// trailer carries ("Mon Jul 03 12:25:46.750 2000 GMT Daylight Time") to
// their offset from UTC in minutes. The names are Windows' StandardName /
// DaylightName strings (Microsoft "Default Time Zones"); a name not listed
// keeps the wall-clock time with a warning.
var windowsZones = map[string]int{
	"coordinated universal time": 0, "utc": 0, "gmt": 0,
	"gmt standard time": 0, "gmt daylight time": 60,
	"greenwich standard time": 0,
	"w. europe standard time": 60, "w. europe daylight time": 120,
	"romance standard time": 60, "romance daylight time": 120,
	"central europe standard time": 60, "central europe daylight time": 120,
	"central european standard time": 60, "central european daylight time": 120,
	"e. europe standard time": 120, "e. europe daylight time": 180,
	"fle standard time": 120, "fle daylight time": 180,
	"gtb standard time": 120, "gtb daylight time": 180,
	"russian standard time":     180,
	"india standard time":       330,
	"china standard time":       480,
	"tokyo standard time":       540,
	"aus eastern standard time": 600, "aus eastern daylight time": 660,
	"atlantic standard time": -240, "atlantic daylight time": -180,
	"eastern standard time": -300, "eastern daylight time": -240,
	"central standard time": -360, "central daylight time": -300,
	"mountain standard time": -420, "mountain daylight time": -360,
	"pacific standard time": -480, "pacific daylight time": -420,
	"alaskan standard time": -540, "alaskan daylight time": -480,
	"hawaiian standard time": -600,
}

// windowsZoneLocs are the windowsZones as locations, made once (the name
// in a log line may live in a borrowed buffer, and FixedZone allocates).
var windowsZoneLocs = func() map[string]*time.Location {
	m := make(map[string]*time.Location, len(windowsZones))
	for name, off := range windowsZones {
		m[name] = time.FixedZone(name, off*60)
	}
	return m
}()

func joinWarn(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// parseMDY parses "MM<sep>DD<sep>YYYY" (or a two-digit year).
func parseMDY(s string, sep byte) (mo, d, y int, ok bool) {
	a, rest, ok1 := strings.Cut(s, string(sep))
	b, c, ok2 := strings.Cut(rest, string(sep))
	if !ok1 || !ok2 {
		return 0, 0, 0, false
	}
	mo, ok1 = atoi(a, 1, 2)
	d, ok2 = atoi(b, 1, 2)
	y, ok3 := atoi(c, 2, 4)
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return 0, 0, 0, false
	}
	if len(c) == 2 {
		// Two-digit years (SUPSetup.log) follow Go's time.Parse pivot.
		if y < 69 {
			y += 2000
		} else {
			y += 1900
		}
	}
	return mo, d, y, true
}

// atoi parses an unsigned decimal of minLen..maxLen digits.
func atoi(s string, minLen, maxLen int) (int, bool) {
	if len(s) < minLen || len(s) > maxLen {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// biasZones caches the zone of each bias: a log has one or two biases, and
// time.FixedZone allocates.
var biasZones sync.Map // int -> *time.Location

func biasZone(bias int) *time.Location {
	if z, ok := biasZones.Load(bias); ok {
		return z.(*time.Location)
	}
	z, _ := biasZones.LoadOrStore(bias, time.FixedZone("", -bias*60))
	return z.(*time.Location)
}

type clockResult struct {
	t       time.Time
	hasBias bool
}

// parseClockBias parses "HH:MM:SS[.fraction][±bias]" on the given date.
func parseClockBias(s string, mo, d, y int) (clockResult, bool) {
	var bias int
	hasBias := false
	if i := indexSign(s); i >= 0 {
		sign := 1
		if s[i] == '-' {
			sign = -1
		}
		n, ok := atoi(s[i+1:], 1, 4)
		if !ok {
			return clockResult{}, false
		}
		bias, hasBias = sign*n, true
		s = s[:i]
	}
	clock, frac, _ := strings.Cut(s, ".")
	hh, rest, ok1 := strings.Cut(clock, ":")
	mm, ss, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 {
		return clockResult{}, false
	}
	h, ok1 := atoi(hh, 1, 2)
	m, ok2 := atoi(mm, 2, 2)
	sec, ok3 := atoi(ss, 2, 2)
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 60 {
		return clockResult{}, false
	}
	nsec := 0
	if frac != "" {
		f, ok := atoi(frac, 1, 9)
		if !ok {
			return clockResult{}, false
		}
		for i := len(frac); i < 9; i++ {
			f *= 10
		}
		nsec = f
	}
	loc := time.UTC
	if hasBias && bias != 0 {
		loc = biasZone(bias)
	}
	t := time.Date(y, time.Month(mo), d, h, m, sec, nsec, loc)
	if t.Day() != d {
		return clockResult{}, false // e.g. 02-31
	}
	return clockResult{t: t, hasBias: hasBias}, true
}

// parseCMAttrs parses the CMTrace trailer `<time="..." date="..." ...>`.
// The bias in time= uses the same convention as the $$ format (minutes to
// add to local time to get UTC) [B: believed, see docs/sources.md].
func parseCMAttrs(e *Entry, s string) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "<") {
		e.Warning = joinWarn(e.Warning, "missing CMTrace attributes")
		return
	}
	s = strings.TrimSuffix(s[1:], ">")
	var tm, date string
	for {
		s = trimBlankLeft(s)
		name, rest, ok := strings.Cut(s, "=\"")
		if !ok {
			break
		}
		val, rest, ok := strings.Cut(rest, "\"")
		if !ok {
			e.Warning = joinWarn(e.Warning, "unterminated CMTrace attribute")
			val = rest
		}
		switch strings.TrimSpace(name) {
		case "time":
			tm = val
		case "date":
			date = val
		case "component":
			e.Component = val
		case "context":
			e.Context = val
		case "type":
			e.Type, _ = strconv.Atoi(val)
		case "thread":
			e.Thread = parseThread(val)
		case "file":
			e.File = val
		}
		if !ok {
			break
		}
		s = rest
	}
	if tm == "" || date == "" {
		e.Warning = joinWarn(e.Warning, "CMTrace entry without time or date")
		return
	}
	date = dashFix(e, date)
	mo, d, y, ok := parseMDY(date, '-')
	if !ok {
		e.Warning = joinWarn(e.Warning, fmt.Sprintf("unparsed date %q", date))
		return
	}
	t, ok := parseClockBias(tm, mo, d, y)
	if !ok {
		e.Warning = joinWarn(e.Warning, fmt.Sprintf("unparsed time %q", tm))
		return
	}
	e.Time, e.HasTime, e.LocalTime = t.t, true, !t.hasBias
}

// parseSUPSetup recognises "<MM/DD/YY HH:MM:SS> text" (SUPSetup.log,
// docs/sources.md). The time has no zone: LocalTime is set.
func parseSUPSetup(line string) (Entry, bool) {
	if len(line) < 19 || line[0] != '<' {
		return Entry{}, false
	}
	end := strings.IndexByte(line[:min(len(line), 32)], '>')
	if end < 0 {
		return Entry{}, false
	}
	date, clock, ok := strings.Cut(line[1:end], " ")
	if !ok {
		return Entry{}, false
	}
	mo, d, y, ok := parseMDY(date, '/')
	if !ok {
		return Entry{}, false
	}
	if strings.ContainsAny(clock, "+-") {
		return Entry{}, false
	}
	t, ok := parseClockBias(clock, mo, d, y)
	if !ok {
		return Entry{}, false
	}
	text := line[end+1:]
	text = strings.TrimPrefix(text, " ")
	return Entry{Format: FormatSUPSetup, Text: trimBlankRight(text), Time: t.t, HasTime: true, LocalTime: true}, true
}

// trimBlankLeft and trimBlankRight remove spaces and tabs (strings.TrimLeft
// with a cutset builds a set on every call, once per line here).
func trimBlankLeft(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return s[i:]
}

func trimBlankRight(s string) string {
	n := len(s)
	for n > 0 && (s[n-1] == ' ' || s[n-1] == '\t') {
		n--
	}
	return s[:n]
}

// indexSign returns the index of the first '+' or '-' in s, or -1.
func indexSign(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '+' || s[i] == '-' {
			return i
		}
	}
	return -1
}

// truncUTF8 cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

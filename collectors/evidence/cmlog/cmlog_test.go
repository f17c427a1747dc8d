package cmlog

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

func scanAll(t testing.TB, s *Scanner) []Entry {
	t.Helper()
	var out []Entry
	for s.Scan() {
		out = append(out, s.Entry())
	}
	return out
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestScanTable(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []Entry
	}{
		{
			name:  "smstrace two spaces, +420 bias is UTC-7",
			input: " *** Failed to connect to the SQL Server, connection type: SMS ACCESS.  $$<Configuration Manager Setup><08-22-2016 04:15:01.917+420><thread=2868 (0xB34)>\r\n",
			want: []Entry{{Line: 1, Text: " *** Failed to connect to the SQL Server, connection type: SMS ACCESS.", Component: "Configuration Manager Setup",
				Time: mustTime(t, "2016-08-22T11:15:01.917Z"), HasTime: true, Thread: 2868, Format: FormatSMSTrace}},
		},
		{
			name:  "smstrace one space, -60 bias is UTC+1",
			input: "Failed to get object class $$<SMS_PACKAGE_TRANSFER_MANAGER><06-14-2018 06:26:25.828-60><thread=9112 (0x2398)>",
			want: []Entry{{Line: 1, Text: "Failed to get object class", Component: "SMS_PACKAGE_TRANSFER_MANAGER",
				Time: mustTime(t, "2018-06-14T05:26:25.828Z"), HasTime: true, Thread: 9112, Format: FormatSMSTrace}},
		},
		{
			name:  "en-dash date tolerated with warning",
			input: "INFO: x. $$<SMS_HIERARCHY_MANAGER><09–17–2023 17:26:15.614+420><thread=7064 (0x1B98)>\n",
			want: []Entry{{Line: 1, Text: "INFO: x.", Component: "SMS_HIERARCHY_MANAGER", Time: mustTime(t, "2023-09-18T00:26:15.614Z"),
				HasTime: true, Thread: 7064, Format: FormatSMSTrace, Warning: "typographic en-dash in date normalised to '-'"}},
		},
		{
			name:  "bad time keeps entry with warning",
			input: "x  $$<C><13-45-2010 99:00:00.000+0><thread=1 (0x1)>\n",
			want:  []Entry{{Line: 1, Text: "x", Component: "C", Thread: 1, Format: FormatSMSTrace, Warning: `unparsed time "13-45-2010 99:00:00.000+0"`}},
		},
		{
			name:  "multi-line smstrace entry",
			input: "first\nsecond\nthird  $$<SMS_WSUS_CONFIGURATION_MANAGER><05-12-2010 09:14:04.210+420><thread=3412 (0xD54)>\nnext  $$<C><05-12-2010 09:14:04.220+0><thread=1 (0x1)>\n",
			want: []Entry{
				{Line: 1, Text: "first\nsecond\nthird", Component: "SMS_WSUS_CONFIGURATION_MANAGER", Time: mustTime(t, "2010-05-12T16:14:04.21Z"), HasTime: true, Thread: 3412, Format: FormatSMSTrace},
				{Line: 4, Text: "next", Component: "C", Time: mustTime(t, "2010-05-12T09:14:04.22Z"), HasTime: true, Thread: 1, Format: FormatSMSTrace},
			},
		},
		{
			name:  "cmtrace verbatim, no bias",
			input: `<![LOG[Triggered GenericDownloadWorker_ANY::ExecuteAsync()]LOG]!><time="13:59:35.6771034" date="11-29-2022" component="SMS_SERVICE_CONNECTOR_GenericDownloadWorker" context="" type="1" thread="137" file="">`,
			want: []Entry{{Line: 1, Text: "Triggered GenericDownloadWorker_ANY::ExecuteAsync()", Component: "SMS_SERVICE_CONNECTOR_GenericDownloadWorker",
				Time: mustTime(t, "2022-11-29T13:59:35.6771034Z"), HasTime: true, LocalTime: true, Thread: 137, Type: 1, Format: FormatCMTrace}},
		},
		{
			name:  "cmtrace multi-line with bias",
			input: "<![LOG[line one\nline two]LOG]!><time=\"07:35:40.500+420\" date=\"05-12-2010\" component=\"WUAHandler\" context=\"\" type=\"3\" thread=\"2720\" file=\"a.cpp:1\">\n",
			want: []Entry{{Line: 1, Text: "line one\nline two", Component: "WUAHandler", Time: mustTime(t, "2010-05-12T14:35:40.5Z"),
				HasTime: true, Thread: 2720, Type: 3, File: "a.cpp:1", Format: FormatCMTrace}},
		},
		{
			name:  "cmtrace unterminated at EOF",
			input: "<![LOG[dangling\nmore",
			want:  []Entry{{Line: 1, Text: "dangling\nmore", Format: FormatCMTrace, Warning: "unterminated <![LOG[ entry at end of input"}},
		},
		{
			name:  "supsetup",
			input: "<02/09/14 22:53:28>    ======== Installing Pre Reqs for Role SMSWSUS ========  \n",
			want: []Entry{{Line: 1, Text: "   ======== Installing Pre Reqs for Role SMSWSUS ========", Time: mustTime(t, "2014-02-09T22:53:28Z"),
				HasTime: true, LocalTime: true, Format: FormatSUPSetup}},
		},
		{
			name:  "plain lines stay separate when no trailer follows",
			input: "Supported WSUS version found\n Registered DLL E:\\ConfigMgr\\bin\\x64\\wsusmsp.dll\n Installation was successful.\n",
			want: []Entry{
				{Line: 1, Text: "Supported WSUS version found"},
				{Line: 2, Text: " Registered DLL E:\\ConfigMgr\\bin\\x64\\wsusmsp.dll"},
				{Line: 3, Text: " Installation was successful."},
			},
		},
		{
			name:  "plain lines before supsetup are flushed, not joined",
			input: "plain\n<02/09/14 22:53:28> x\n",
			want: []Entry{
				{Line: 1, Text: "plain"},
				{Line: 2, Text: "x", Time: mustTime(t, "2014-02-09T22:53:28Z"), HasTime: true, LocalTime: true, Format: FormatSUPSetup},
			},
		},
		{
			name:  "malformed trailer is plain",
			input: "text $$<only-one-part>\n",
			want:  []Entry{{Line: 1, Text: "text $$<only-one-part>"}},
		},
		{name: "empty", input: "", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scanAll(t, NewScanner(strings.NewReader(tt.input), "t.log"))
			if len(got) != len(tt.want) {
				t.Fatalf("got %d entries, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				if !g.Time.Equal(w.Time) {
					t.Errorf("entry %d time = %v, want %v", i, g.Time, w.Time)
				}
				g.Time, w.Time = time.Time{}, time.Time{}
				if g != w {
					t.Errorf("entry %d\n got %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}

func TestTestdataFiles(t *testing.T) {
	tests := []struct {
		file    string
		entries int
		check   func(t *testing.T, es []Entry)
	}{
		{"smstrace_verbatim.log", 8, func(t *testing.T, es []Entry) {
			if es[0].Text != "[SQL Server Native Client 11.0]TCP Provider: An existing connection was forcibly closed by the remote host.~~" {
				t.Errorf("text = %q", es[0].Text)
			}
			last := es[7]
			// "Eastern Standard Time" is UTC-5 (Windows zone names).
			if !last.HasTime || last.LocalTime || !last.Time.Equal(mustTime(t, "1999-03-26T15:43:41.547Z")) || last.Thread != 281 || last.Warning != "" {
				t.Errorf("SMS 2.0 long form: %+v", last)
			}
		}},
		{"wcm_synthetic.log", 8, func(t *testing.T, es []Entry) {
			e := es[5]
			if e.Line != 6 || !strings.Contains(e.Text, "HTTP status 503") || strings.Count(e.Text, "\n") != 2 {
				t.Errorf("multi-line entry: %+v", e)
			}
			if es[7].Component != "SMS_WSUS_SYNC_MANAGER" || !strings.HasPrefix(es[7].Text, "STATMSG: ID=6702") {
				t.Errorf("statmsg: %+v", es[7])
			}
		}},
		{"cmtrace_verbatim.log", 1, nil},
		{"wuahandler_synthetic.log", 3, func(t *testing.T, es []Entry) {
			if es[1].Type != 3 || es[1].Line != 2 || es[2].Line != 4 || es[2].Type != 2 {
				t.Errorf("lines/types: %+v", es)
			}
			if _, off := es[2].Time.Zone(); off != 3600 {
				t.Errorf("-60 bias should be UTC+1, got offset %d", off)
			}
		}},
		{"supsetup_verbatim.log", 18, func(t *testing.T, es []Entry) {
			if es[16].Text != "Supported WSUS version found" {
				t.Errorf("text = %q", es[16].Text)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			s := NewScanner(f, tt.file)
			es := scanAll(t, s)
			if s.Err() != nil {
				t.Fatal(s.Err())
			}
			if len(es) != tt.entries {
				t.Fatalf("got %d entries, want %d", len(es), tt.entries)
			}
			for _, e := range es {
				if e.Format != FormatPlain && !e.HasTime {
					t.Errorf("line %d: no time: %+v", e.Line, e)
				}
			}
			if tt.check != nil {
				tt.check(t, es)
			}
		})
	}
}

func encodeUTF16LE(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := []byte{0xFF, 0xFE}
	for _, c := range u {
		b = append(b, byte(c), byte(c>>8))
	}
	return b
}

func TestUTF16(t *testing.T) {
	in := "Supported WSUS version found – ok  $$<SMS_WSUS_CONFIGURATION_MANAGER><05-12-2010 09:14:02.530+420><thread=3412 (0xD54)>\r\nsecond 𝄞  $$<X><05-12-2010 09:14:02.530+420><thread=1 (0x1)>\r\n"
	// Large enough to cross the decoder's internal buffer boundary.
	in = strings.Repeat(in, 500)
	es := scanAll(t, NewScanner(bytes.NewReader(encodeUTF16LE(in)), "u.log"))
	if len(es) != 1000 {
		t.Fatalf("got %d entries", len(es))
	}
	if es[0].Text != "Supported WSUS version found – ok" || es[999].Text != "second 𝄞" {
		t.Errorf("texts: %q %q", es[0].Text, es[999].Text)
	}
}

func TestUTF8BOM(t *testing.T) {
	es := scanAll(t, NewScanner(strings.NewReader("\xEF\xBB\xBF<02/09/14 22:53:28> a\n"), "b.log"))
	if len(es) != 1 || es[0].Format != FormatSUPSetup {
		t.Fatalf("%+v", es)
	}
}

func TestEntryCap(t *testing.T) {
	long := strings.Repeat("A", 5000)
	in := long + "\n" + "<![LOG[" + long + "\n" + long + "]LOG]!><time=\"01:02:03.000+0\" date=\"01-02-2010\" component=\"c\" type=\"1\" thread=\"1\">\n"
	s := NewScanner(strings.NewReader(in), "cap.log")
	s.MaxEntrySize = 1000
	es := scanAll(t, s)
	if len(es) != 2 {
		t.Fatalf("got %d entries", len(es))
	}
	for _, e := range es {
		if !e.Truncated || len(e.Text) > 1000 {
			t.Errorf("entry not capped: line %d len %d trunc %v", e.Line, len(e.Text), e.Truncated)
		}
	}
	if es[1].Component != "c" || !es[1].HasTime {
		t.Errorf("capped cmtrace entry lost its attributes: %+v", es[1])
	}
}

func TestBinaryInputBounded(t *testing.T) {
	bin := bytes.Repeat([]byte{0, 1, 2, 0xFF, 0x80}, 1<<20) // 5 MiB, no newline
	s := NewScanner(bytes.NewReader(bin), "bin")
	s.MaxEntrySize = 4096
	n := 0
	for s.Scan() {
		if len(s.Entry().Text) > 4096 {
			t.Fatal("entry exceeds cap")
		}
		n++
	}
	if n != 1 || s.Err() != nil {
		t.Fatalf("n=%d err=%v", n, s.Err())
	}
}

func TestMaxFileSize(t *testing.T) {
	s := NewScanner(strings.NewReader(strings.Repeat("line\n", 100)), "big.log")
	s.MaxFileSize = 50
	scanAll(t, s)
	var pe *ParseError
	if !errors.As(s.Err(), &pe) || !errors.Is(s.Err(), ErrFileTooLarge) || pe.File != "big.log" {
		t.Fatalf("err = %v", s.Err())
	}
}

// FuzzParseLog scans each input with a small entry cap and, when big is
// set, the input repeated past 1 MiB with the default cap, so that lines
// and entries over DefaultMaxEntrySize are exercised too. Entries never
// exceed the cap and come in line order.
func FuzzParseLog(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.log")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b, false)
			f.Add(b, true)
		}
	}
	f.Add(encodeUTF16LE("x  $$<C><01-02-2010 01:02:03.000+0><thread=1 (0x1)>\n"), true)
	f.Add([]byte("x"), true) // one line of over 1 MiB
	f.Add([]byte("<![LOG[x"), true)
	check := func(t *testing.T, data []byte, maxEntry int) {
		s := NewScanner(bytes.NewReader(data), "fuzz.log")
		s.MaxEntrySize = maxEntry
		// The borrowing scanner must return the same entries.
		sb := NewScanner(bytes.NewReader(data), "fuzz.log")
		sb.MaxEntrySize = maxEntry
		sb.Borrow = true
		last := 0
		for s.Scan() {
			e := s.Entry()
			if !sb.Scan() || sb.Entry() != e {
				t.Fatalf("Borrow: entry at line %d differs", e.Line)
			}
			if len(e.Text) > maxEntry {
				t.Fatalf("entry text %d bytes exceeds cap %d", len(e.Text), maxEntry)
			}
			if e.Line < 1 || e.Line <= last {
				t.Fatalf("line %d after line %d", e.Line, last)
			}
			last = e.Line
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, big bool) {
		check(t, data, 256)
		if big && len(data) > 0 {
			check(t, bytes.Repeat(data, DefaultMaxEntrySize/len(data)+2), DefaultMaxEntrySize)
		}
	})
}

// TestLongTrailerForms reads both timestamp trailers: the current
// "MM-DD-YYYY HH:MM:SS.mmm+bias" and the SMS 2.0-era long form with a
// Windows zone name (SMS 2.0 KB samples); an unknown zone keeps the
// wall-clock time, and an unreadable time keeps the entry with no time.
func TestLongTrailerForms(t *testing.T) {
	tests := []struct {
		name, in string
		want     time.Time
		local    bool
		hasTime  bool
		warn     string
	}{
		{"bias form", "a  $$<SMS_WSUS_SYNC_MANAGER><07-03-2000 12:25:46.750-60><thread=1 (0x1)>", mustTime(t, "2000-07-03T11:25:46.750Z"), false, true, ""},
		{"long form, GMT Daylight Time is UTC+1", "a  $$<SMS_SITE_COMPONENT_MANAGER><Mon Jul 03 12:25:46.750 2000 GMT Daylight Time><thread=281 (0x119)>", mustTime(t, "2000-07-03T11:25:46.750Z"), false, true, ""},
		{"long form, Pacific Daylight Time", "a  $$<C><Mon Jul 03 12:25:46.750 2000 Pacific Daylight Time><thread=1 (0x1)>", mustTime(t, "2000-07-03T19:25:46.750Z"), false, true, ""},
		{"long form, zone not known", "a  $$<C><Mon Jul 03 12:25:46.750 2000 Mars Standard Time><thread=1 (0x1)>", mustTime(t, "2000-07-03T12:25:46.750Z"), true, true, `time zone "Mars Standard Time" not resolved; wall-clock time kept`},
		{"long form, single-digit day padded", "a  $$<C><Mon Jul  3 12:25:46.750 2000 GMT Standard Time><thread=1 (0x1)>", mustTime(t, "2000-07-03T12:25:46.750Z"), false, true, ""},
		{"unreadable time kept", "a  $$<C><Someday 25:61><thread=1 (0x1)>", time.Time{}, false, false, `unparsed time "Someday 25:61"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := scanAll(t, NewScanner(strings.NewReader("before\n"+tt.in+"\nafter  $$<C><01-02-2010 01:02:03.000+0><thread=1 (0x1)>\n"), "t.log"))
			if len(es) != 2 {
				t.Fatalf("got %d entries, want 2: %+v", len(es), es)
			}
			e := es[0]
			if e.Text != "before\na" || e.HasTime != tt.hasTime || e.LocalTime != tt.local || e.Warning != tt.warn {
				t.Errorf("entry = %+v", e)
			}
			if tt.hasTime && !e.Time.Equal(tt.want) {
				t.Errorf("time = %v, want %v", e.Time.UTC(), tt.want)
			}
			if tt.local && e.Time.Hour() != tt.want.Hour() {
				t.Errorf("wall clock = %v", e.Time)
			}
		})
	}
}

// TestOverlongLines: a line of 1 MiB or more (which used to panic the
// line reader) is cut with Truncated set, its trailer still read, and the
// lines around it are kept whole.
func TestOverlongLines(t *testing.T) {
	const trailer = "  $$<SMS_WSUS_CONFIGURATION_MANAGER><01-02-2010 10:00:00.000+0><thread=1 (0x1)>"
	for _, n := range []int{DefaultMaxEntrySize - 200, DefaultMaxEntrySize - len(trailer), DefaultMaxEntrySize, DefaultMaxEntrySize + 1, DefaultMaxEntrySize + 70000, 3 * DefaultMaxEntrySize} {
		for _, eol := range []string{"\n", "\r\n"} {
			in := "first  $$<C><01-02-2010 09:00:00.000+0><thread=1 (0x1)>" + eol +
				strings.Repeat("x", n) + trailer + eol +
				"last  $$<C><01-02-2010 11:00:00.000+0><thread=1 (0x1)>" + eol
			es := scanAll(t, NewScanner(strings.NewReader(in), "long.log"))
			if len(es) != 3 {
				t.Fatalf("n=%d: got %d entries", n, len(es))
			}
			if es[0].Text != "first" || es[2].Text != "last" || es[2].Line != 3 {
				t.Errorf("n=%d: neighbours lost: %q %q line %d", n, es[0].Text, es[2].Text, es[2].Line)
			}
			long := es[1]
			wantTrunc := n+len(trailer)+len(eol) > DefaultMaxEntrySize // the cap counts the line end
			if long.Truncated != wantTrunc || long.Component != "SMS_WSUS_CONFIGURATION_MANAGER" || !long.HasTime || len(long.Text) > DefaultMaxEntrySize {
				t.Errorf("n=%d: long entry: truncated=%v component=%q hasTime=%v len=%d", n, long.Truncated, long.Component, long.HasTime, len(long.Text))
			}
		}
	}
}

// TestBorrow: with Borrow set the entries are those of a copying scan
// (compared as they are returned, before the next Scan).
func TestBorrow(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.log")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want := scanAll(t, NewScanner(bytes.NewReader(data), p))
		s := NewScanner(bytes.NewReader(data), p)
		s.Borrow = true
		i := 0
		for s.Scan() {
			e := s.Entry()
			if i >= len(want) || e != want[i] {
				t.Fatalf("%s: entry %d = %+v, want %+v", p, i, e, want[i])
			}
			i++
		}
		if i != len(want) {
			t.Errorf("%s: %d entries, want %d", p, i, len(want))
		}
	}
}

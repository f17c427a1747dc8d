// Package regfile parses Windows registry export files (.reg), as written by
// regedit.exe and "reg export".
//
// Two dialects exist:
//
//   - "REGEDIT4": ANSI text. This package decodes it as Windows-1252
//     (bytes 0x80-0x9F by the cp1252 table, 0xA0-0xFF as Latin-1); other ANSI
//     code pages are not supported. hex(2)/hex(7) data hold ANSI bytes.
//   - "Windows Registry Editor Version 5.00": UTF-16LE with a BOM as regedit
//     writes it; UTF-8 with or without a BOM is also accepted (hand-made or
//     converted files). hex(2)/hex(7) data hold UTF-16LE bytes.
//
// Value syntax handled: "name"="string" (escapes \\ and \"), @= (default
// value), dword:xxxxxxxx, hex:, hex(N): for any N (hex(2) REG_EXPAND_SZ,
// hex(7) REG_MULTI_SZ, hex(b) REG_QWORD little-endian, others kept as raw
// bytes), "name"=- and [-KEY] deletions, hex data continued over lines with
// a trailing backslash, and ';' comment lines. The format is documented by
// Microsoft in "How to add, modify, or delete registry subkeys and values by
// using a .reg file" (support.microsoft.com KB310516); the WSUS Setup key
// and value names the scanner looks for are in docs/sources.md ("Registry exports", "WSUS registry").
package regfile

import (
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/supaudit/supaudit/internal/textenc"
)

// DefaultMaxFileSize is the default cap on the bytes read from one .reg
// file. Exports of a few keys are kilobytes; a whole-hive export of
// HKLM\SOFTWARE can reach tens of MB.
const DefaultMaxFileSize int64 = 64 << 20

// Headers of the two .reg dialects.
const (
	HeaderV4 = "REGEDIT4"
	HeaderV5 = "Windows Registry Editor Version 5.00"
)

// Kind is a registry value type. Non-negative values equal the Windows
// REG_* constants (winnt.h), which is also the N in hex(N):.
type Kind int

// Registry value kinds.
const (
	// KindDeleted marks a "name"=- deletion; it is not a Windows type.
	KindDeleted          Kind = -1
	KindNone             Kind = 0  // REG_NONE, hex(0):
	KindString           Kind = 1  // REG_SZ, "..."
	KindExpandString     Kind = 2  // REG_EXPAND_SZ, hex(2):
	KindBinary           Kind = 3  // REG_BINARY, hex:
	KindDWord            Kind = 4  // REG_DWORD, dword: (or hex(4):)
	KindDWordBigEndian   Kind = 5  // REG_DWORD_BIG_ENDIAN, hex(5):
	KindLink             Kind = 6  // REG_LINK, hex(6):
	KindMultiString      Kind = 7  // REG_MULTI_SZ, hex(7):
	KindResourceList     Kind = 8  // REG_RESOURCE_LIST, hex(8):
	KindFullResourceDesc Kind = 9  // REG_FULL_RESOURCE_DESCRIPTOR, hex(9):
	KindResourceReqList  Kind = 10 // REG_RESOURCE_REQUIREMENTS_LIST, hex(a):
	KindQWord            Kind = 11 // REG_QWORD, hex(b):
)

// String returns the REG_* name of k.
func (k Kind) String() string {
	switch k {
	case KindDeleted:
		return "DELETED"
	case KindNone:
		return "REG_NONE"
	case KindString:
		return "REG_SZ"
	case KindExpandString:
		return "REG_EXPAND_SZ"
	case KindBinary:
		return "REG_BINARY"
	case KindDWord:
		return "REG_DWORD"
	case KindDWordBigEndian:
		return "REG_DWORD_BIG_ENDIAN"
	case KindLink:
		return "REG_LINK"
	case KindMultiString:
		return "REG_MULTI_SZ"
	case KindResourceList:
		return "REG_RESOURCE_LIST"
	case KindFullResourceDesc:
		return "REG_FULL_RESOURCE_DESCRIPTOR"
	case KindResourceReqList:
		return "REG_RESOURCE_REQUIREMENTS_LIST"
	case KindQWord:
		return "REG_QWORD"
	}
	return "REG_" + strconv.Itoa(int(k))
}

// File is a parsed .reg file.
type File struct {
	// Name is the name given to Parse.
	Name string
	// Version is 4 for REGEDIT4, 5 for Version 5.00.
	Version int
	// Keys are the key sections in file order. A key may appear more than
	// once, as regedit allows.
	Keys []Key
}

// Key is one [KEY] section.
type Key struct {
	// Path is the key path as written, without brackets or the deletion '-'.
	Path string
	// Deleted is set for a [-KEY] section.
	Deleted bool
	// Line is the 1-based line of the [KEY] header.
	Line int
	// Values are the section's values in file order.
	Values []Value
}

// Value is one value line.
type Value struct {
	// Name is the value name; "" for the default value (@).
	Name string
	// Type is the value kind; KindDeleted for "name"=-.
	Type Kind
	// Deleted is set for "name"=-.
	Deleted bool
	// Line is the 1-based line where the value starts.
	Line int
	// String holds REG_SZ and REG_EXPAND_SZ data (up to the first NUL).
	String string
	// Strings holds REG_MULTI_SZ data.
	Strings []string
	// Uint holds REG_DWORD, REG_DWORD_BIG_ENDIAN and REG_QWORD data.
	Uint uint64
	// Bytes holds the raw bytes of every hex: / hex(N): value.
	Bytes []byte
}

// ParseError is an error tied to a line of a named file ("file:line: msg").
type ParseError = textenc.ParseError

// Options tunes ParseWithOptions: MaxFileSize caps the bytes read (0 means
// DefaultMaxFileSize).
type Options = textenc.Options

// Parse reads a .reg file from r with default options; name is used in
// errors.
func Parse(r io.Reader, name string) (*File, error) {
	return ParseWithOptions(r, name, Options{})
}

// ParseWithOptions reads a .reg file from r; name is used in errors.
func ParseWithOptions(r io.Reader, name string, opt Options) (*File, error) {
	raw, err := textenc.ReadFile(r, opt.MaxFileSize, DefaultMaxFileSize)
	if err != nil {
		return nil, &ParseError{File: name, Msg: err.Error()}
	}
	return ParseBytes(raw, name)
}

// ParseBytes parses an in-memory .reg file. It applies no size cap.
func ParseBytes(raw []byte, name string) (*File, error) {
	text := decode(raw)
	p := &parser{f: &File{Name: name}, name: name, lines: strings.Split(text, "\n")}
	if err := p.parse(); err != nil {
		return nil, err
	}
	return p.f, nil
}

// decode turns raw bytes into text by BOM, then header: REGEDIT4 is ANSI
// (decoded as Windows-1252); anything else is UTF-8 if valid, else
// Windows-1252.
func decode(raw []byte) string {
	enc, n := textenc.Detect(raw)
	switch enc {
	case textenc.UTF16LE:
		s, _ := textenc.UTF16(raw[n:], false)
		return s
	case textenc.UTF16BE:
		s, _ := textenc.UTF16(raw[n:], true)
		return s
	case textenc.UTF8BOM:
		return string(raw[n:])
	}
	first := raw
	if i := strings.IndexByte(string(raw[:min(len(raw), 64)]), '\n'); i >= 0 {
		first = raw[:i]
	}
	if strings.TrimSpace(string(first[:min(len(first), 64)])) == HeaderV4 || !utf8.Valid(raw) {
		return textenc.Windows1252(raw)
	}
	return string(raw)
}

type parser struct {
	f     *File
	name  string
	lines []string
	i     int // index of the current line
}

func (p *parser) errf(line int, format string, args ...any) error {
	return &ParseError{File: p.name, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) parse() error {
	// Header: the first non-blank line.
	for ; p.i < len(p.lines); p.i++ {
		l := strings.TrimSpace(strings.TrimPrefix(p.lines[p.i], "\ufeff"))
		if l == "" {
			continue
		}
		switch l {
		case HeaderV4:
			p.f.Version = 4
		case HeaderV5:
			p.f.Version = 5
		default:
			if key, ok := regQueryOutput(p.lines[p.i:]); ok {
				return p.errf(p.i+1, "this is reg query output, not a reg export file; export the key with reg export (for example: reg export %s %s)", cmdQuote(key), exportName(p.name))
			}
			return p.errf(p.i+1, "missing header: want %q or %q, got %q", HeaderV5, HeaderV4, clip(l))
		}
		p.i++
		break
	}
	if p.f.Version == 0 {
		return p.errf(max(1, len(p.lines)), "missing header: empty file")
	}
	var cur *Key
	for ; p.i < len(p.lines); p.i++ {
		lineNo := p.i + 1
		l := strings.TrimSpace(p.lines[p.i])
		switch {
		case l == "" || l[0] == ';' || l == "\x00":
			continue
		case l[0] == '[':
			end := strings.LastIndexByte(l, ']')
			if end < 0 {
				return p.errf(lineNo, "unterminated key name %q", clip(l))
			}
			if rest := strings.TrimSpace(l[end+1:]); rest != "" && rest[0] != ';' {
				return p.errf(lineNo, "unexpected text after key name: %q", clip(rest))
			}
			path := l[1:end]
			k := Key{Path: path, Line: lineNo}
			if strings.HasPrefix(path, "-") {
				k.Path, k.Deleted = path[1:], true
			}
			if k.Path == "" {
				return p.errf(lineNo, "empty key name")
			}
			p.f.Keys = append(p.f.Keys, k)
			cur = &p.f.Keys[len(p.f.Keys)-1]
		case l[0] == '"' || l[0] == '@':
			if cur == nil {
				return p.errf(lineNo, "value outside any [key] section")
			}
			v, err := p.value(l, lineNo)
			if err != nil {
				return err
			}
			cur.Values = append(cur.Values, v)
		default:
			return p.errf(lineNo, "unexpected line %q", clip(l))
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// quoted parses a "..." string at the start of s (s[0] == '"') with the .reg
// escapes \\ and \". Any other backslash sequence is kept literally (regedit
// writes no others). It returns the unescaped string and the rest after the
// closing quote.
func quoted(s string) (string, string, bool) {
	var sb strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '\\' || s[i+1] == '"'):
			sb.WriteByte(s[i+1])
			i++
		case c == '"':
			return sb.String(), s[i+1:], true
		default:
			sb.WriteByte(c)
		}
	}
	return "", "", false
}

func (p *parser) value(l string, lineNo int) (Value, error) {
	v := Value{Line: lineNo}
	var rest string
	if l[0] == '@' {
		rest = l[1:]
	} else {
		name, r, ok := quoted(l)
		if !ok {
			return v, p.errf(lineNo, "unterminated value name")
		}
		v.Name, rest = name, r
	}
	rest = strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(rest, "=") {
		return v, p.errf(lineNo, "missing '=' after value name %q", clip(v.Name))
	}
	data := strings.TrimSpace(rest[1:])
	lower := strings.ToLower(data)
	switch {
	case data == "-":
		v.Type, v.Deleted = KindDeleted, true
	case strings.HasPrefix(data, `"`):
		s, after, ok := quoted(data)
		if !ok {
			return v, p.errf(lineNo, "unterminated string data for value %q", clip(v.Name))
		}
		if after = strings.TrimSpace(after); after != "" && after[0] != ';' {
			return v, p.errf(lineNo, "unexpected text after string data: %q", clip(after))
		}
		v.Type, v.String = KindString, s
	case strings.HasPrefix(lower, "dword:"):
		h := stripComment(data[len("dword:"):])
		n, err := strconv.ParseUint(h, 16, 32)
		if err != nil || len(h) == 0 || len(h) > 8 {
			return v, p.errf(lineNo, "bad dword data %q", clip(h))
		}
		v.Type, v.Uint = KindDWord, n
	case strings.HasPrefix(lower, "hex"):
		kind := KindBinary
		body := data[3:]
		if strings.HasPrefix(body, "(") {
			end := strings.IndexByte(body, ')')
			if end < 0 {
				return v, p.errf(lineNo, "bad hex type in %q", clip(data))
			}
			n, err := strconv.ParseUint(body[1:end], 16, 31)
			if err != nil {
				return v, p.errf(lineNo, "bad hex type %q", clip(body[1:end]))
			}
			kind, body = Kind(n), body[end+1:]
		}
		if !strings.HasPrefix(body, ":") {
			return v, p.errf(lineNo, "missing ':' in hex data")
		}
		hexText := p.continued(body[1:])
		b, err := parseHexBytes(hexText)
		if err != nil {
			return v, p.errf(lineNo, "value %q: %v", clip(v.Name), err)
		}
		v.Type, v.Bytes = kind, b
		if err := p.interpret(&v); err != nil {
			return v, p.errf(lineNo, "value %q: %v", clip(v.Name), err)
		}
	default:
		return v, p.errf(lineNo, "unrecognised data for value %q: %q", clip(v.Name), clip(data))
	}
	return v, nil
}

func stripComment(s string) string {
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// continued joins hex data continued over lines by a trailing backslash,
// advancing p.i past the continuation lines.
func (p *parser) continued(first string) string {
	s := stripComment(first)
	if !strings.HasSuffix(s, `\`) {
		return s
	}
	var sb strings.Builder
	sb.WriteString(strings.TrimSuffix(s, `\`))
	for p.i+1 < len(p.lines) {
		p.i++
		next := stripComment(p.lines[p.i])
		more := strings.HasSuffix(next, `\`)
		sb.WriteString(strings.TrimSuffix(next, `\`))
		if !more {
			break
		}
	}
	return sb.String()
}

// parseHexBytes parses "aa,bb,cc" (spaces allowed, empty allowed).
func parseHexBytes(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return []byte{}, nil
	}
	parts := strings.Split(s, ",")
	out := make([]byte, 0, len(parts))
	for i, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" && i == len(parts)-1 {
			break // tolerate a trailing comma
		}
		if len(part) == 0 || len(part) > 2 {
			return nil, fmt.Errorf("bad hex byte %q", clip(part))
		}
		n, err := strconv.ParseUint(part, 16, 8)
		if err != nil {
			return nil, fmt.Errorf("bad hex byte %q", clip(part))
		}
		out = append(out, byte(n))
	}
	return out, nil
}

// interpret fills String/Strings/Uint from Bytes for the typed hex kinds.
func (p *parser) interpret(v *Value) error {
	switch v.Type {
	case KindExpandString:
		ss := p.strs(v.Bytes)
		if len(ss) > 0 {
			v.String = ss[0]
		}
	case KindMultiString:
		// REG_MULTI_SZ: NUL-terminated strings ended by an empty string.
		for _, s := range p.strs(v.Bytes) {
			if s == "" {
				break
			}
			v.Strings = append(v.Strings, s)
		}
		if v.Strings == nil {
			v.Strings = []string{}
		}
	case KindDWord:
		if len(v.Bytes) != 4 {
			return fmt.Errorf("hex(4) REG_DWORD needs 4 bytes, got %d", len(v.Bytes))
		}
		v.Uint = uint64(binary.LittleEndian.Uint32(v.Bytes))
	case KindDWordBigEndian:
		if len(v.Bytes) != 4 {
			return fmt.Errorf("hex(5) REG_DWORD_BIG_ENDIAN needs 4 bytes, got %d", len(v.Bytes))
		}
		v.Uint = uint64(binary.BigEndian.Uint32(v.Bytes))
	case KindQWord:
		if len(v.Bytes) != 8 {
			return fmt.Errorf("hex(b) REG_QWORD needs 8 bytes, got %d", len(v.Bytes))
		}
		v.Uint = binary.LittleEndian.Uint64(v.Bytes)
	}
	return nil
}

// strs splits string data at NULs: UTF-16LE in version 5 files, ANSI
// (Windows-1252) in REGEDIT4 files. A missing final NUL is tolerated.
func (p *parser) strs(b []byte) []string {
	var s string
	if p.f.Version == 4 {
		s = textenc.Windows1252(b)
	} else {
		s, _ = textenc.UTF16(b, false)
	}
	s = strings.TrimSuffix(s, "\x00")
	if s == "" {
		return []string{""}
	}
	return strings.Split(s, "\x00")
}

// rootAliases maps the short hive names accepted by reg.exe to the long
// names regedit writes.
var rootAliases = map[string]string{
	"HKLM": "HKEY_LOCAL_MACHINE",
	"HKCU": "HKEY_CURRENT_USER",
	"HKCR": "HKEY_CLASSES_ROOT",
	"HKU":  "HKEY_USERS",
	"HKCC": "HKEY_CURRENT_CONFIG",
}

func normPath(p string) string {
	p = strings.Trim(strings.TrimSpace(p), `\`)
	root, rest, _ := strings.Cut(p, `\`)
	if long, ok := rootAliases[strings.ToUpper(root)]; ok {
		root = long
	}
	if rest == "" {
		return root
	}
	return root + `\` + rest
}

// Key returns the first non-deleted section whose path equals path,
// compared case-insensitively (as Windows does); "HKLM\..." style short
// hive names are accepted on either side. It returns nil if none matches.
// Note that on 64-bit Windows a 32-bit program's keys are exported under
// SOFTWARE\Wow6432Node (docs/sources.md [B]); callers should try both.
func (f *File) Key(path string) *Key {
	want := normPath(path)
	for i := range f.Keys {
		k := &f.Keys[i]
		if !k.Deleted && strings.EqualFold(normPath(k.Path), want) {
			return k
		}
	}
	return nil
}

// Value returns the last value in k named name, compared
// case-insensitively; "" or "@" selects the default value. A later line
// overrides an earlier one on import, hence "last". It returns nil if none.
func (k *Key) Value(name string) *Value {
	if name == "@" {
		name = ""
	}
	for i := len(k.Values) - 1; i >= 0; i-- {
		if strings.EqualFold(k.Values[i].Name, name) {
			return &k.Values[i]
		}
	}
	return nil
}

// regQueryOutput reports whether lines (from the first non-blank line of a
// file without a .reg header) look like the output of "reg query" saved to
// a file: reg.exe prints the key path on a line of its own, then one line
// per value, "    Name    REG_TYPE    data" (four spaces before each field);
// the Windows XP / Server 2003 reg.exe starts with "! REG.EXE VERSION 3.0".
// Sources: docs/sources.md, "reg query output". It returns the first key
// path found, for the message.
func regQueryOutput(lines []string) (key string, ok bool) {
	values := 0
	banner := false
	for i, l := range lines {
		if i >= 64 {
			break
		}
		t := strings.TrimSpace(strings.TrimPrefix(l, "\ufeff"))
		switch {
		case t == "":
		case strings.HasPrefix(strings.ToUpper(t), "! REG.EXE VERSION"):
			banner = true
		case isRootKeyPath(t):
			if key == "" {
				key = t
			}
		case key != "" && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && regQueryValueLine(t):
			values++
		default: // e.g. "End of search: 3 match(es) found." after reg query /s
			return key, key != "" && (banner || values > 0)
		}
	}
	return key, key != "" && (banner || values > 0)
}

// isRootKeyPath reports whether s is a registry key path starting with a
// root key name (HKEY_LOCAL_MACHINE\..., HKLM\...), without brackets.
func isRootKeyPath(s string) bool {
	root, _, _ := strings.Cut(s, `\`)
	root = strings.ToUpper(root)
	if _, ok := rootAliases[root]; ok {
		return true
	}
	for _, full := range rootAliases {
		if root == full {
			return true
		}
	}
	return false
}

// regQueryValueLine reports whether t (trimmed) is "Name  REG_TYPE  data":
// a REG_ type word after the name, separated by white space.
func regQueryValueLine(t string) bool {
	for _, f := range strings.Fields(t)[1:] {
		if strings.HasPrefix(f, "REG_") && strings.ToUpper(f) == f {
			return true
		}
	}
	return false
}

// cmdQuote quotes a key path for a cmd.exe command line as the user would
// type it ("HKEY_LOCAL_MACHINE\SOFTWARE\X", backslashes single); a path
// holding a quote or a control character is Go-quoted instead, so that
// nothing raw reaches a terminal.
func cmdQuote(s string) string {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '"' || (r >= 0x80 && r < 0xa0) {
			return strconv.Quote(s)
		}
	}
	return `"` + s + `"`
}

// exportName suggests the file name for reg export: the evidence file's own
// base name.
func exportName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		return "key.reg"
	}
	return name
}

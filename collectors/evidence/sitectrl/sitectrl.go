// Package sitectrl parses the ConfigMgr 2007 / SMS site control file
// (sitectrl.ct0) into a generic tree of blocks.
//
// Grammar (sources in docs/sources.md, "Site control file"):
//
//   - "The site control file ... is an ASCII text file (Sitectrl.ct0) that
//     contains the configuration of each site" (ConfigMgr 2007 SDK "About the
//     Configuration Manager Site Control File", learn.microsoft.com
//     cc145677(v=msdn.10)); its example shows BEGIN_xxx / END_xxx blocks,
//     positional "<value>" lines, "SITE_KEY_FLAGS <n>",
//     "PROPERTY <Name><REG_SZ|REG_DWORD><string value><dword value>",
//     BEGIN_PROPERTY_LIST ... END_PROPERTY_LIST with "<(REG_DWORD)Name=n>"
//     items, and BEGIN_..._MULTI_STRING_LIST blocks.
//   - The header "SITE CONTROL FILE [786][1.08]" (build, syntax version) and
//     BEGIN_FILE_DEFINITION come from the SMS 1.x/2.0 Resource Guide
//     (techshelps.github.io/MSDN/BORES/D9/S3D59.HTM); that ConfigMgr 2007
//     keeps them is believed, NOT verified.
//   - Microsoft's SMS 2.0 KB excerpts separate positional groups on one line
//     by white space and spell the keyword "Property" (KB Q277745:
//     "<Client Properties> <3>", "Property <Bin\i386\Wuser.exe><Client
//     Program><><2>"), so keywords are compared case-insensitively and white
//     space between groups is allowed.
//
// The parser is tolerant: it keeps every block it can read and reports each
// line it cannot read as a Warning (file:line), instead of failing the whole
// file. NUL bytes and DOS end-of-file marks (Ctrl-Z) padding a line or the
// end of the file are ignored. Parse fails only when the input holds nothing
// that reads as a site control file.
//
// The parser does not know block keywords: any BEGIN_X ... END_X pair is a
// Block with Keyword "X" (upper case); any other "WORD <a><b>" line is a
// Directive.
package sitectrl

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/supaudit/supaudit/internal/textenc"
)

// DefaultMaxFileSize is the default cap on bytes read from one file. Real
// site control files are a few hundred KB to a few MB.
const DefaultMaxFileSize int64 = 64 << 20

// MaxDepth caps block nesting; deeper blocks are skipped with a warning.
const MaxDepth = 64

// MaxWarnings caps the warnings kept for one file; the last one counts the
// lines not reported.
const MaxWarnings = 100

// RoleSoftwareUpdatePoint is the site-system role name of a software update
// point (SMS_SCI_SysResUse RoleName; docs/sources.md).
const RoleSoftwareUpdatePoint = "SMS Software Update Point"

// File is a parsed site control file.
type File struct {
	// Name is the name given to Parse.
	Name string
	// Header is the "SITE CONTROL FILE [build][syntax]" line, nil if absent.
	Header *Header
	// Blocks are the top-level blocks in file order.
	Blocks []*Block
	// Directives are keyword lines found outside any block.
	Directives []Directive
	// Warnings are the lines that could not be read, in file order, each
	// "file:line: what"; at most MaxWarnings, the last of which then says
	// how many more there were.
	Warnings []*ParseError
	// Unreadable counts every line that could not be read (reported in
	// Warnings or not).
	Unreadable int
}

// Header is the first line of a site control file.
type Header struct {
	// Build and Syntax are the two bracketed fields, e.g. "786" and "1.08".
	Build, Syntax string
	// Line is the header's line.
	Line int
}

// Block is a BEGIN_X ... END_X section.
type Block struct {
	// Keyword is X of BEGIN_X in upper case, e.g. "CLIENT_COMPONENT",
	// "PROPERTY_LIST".
	Keyword string
	// Line and EndLine are the lines of BEGIN_X and END_X; EndLine is 0
	// when the block is never closed (a warning says so).
	Line, EndLine int
	// Values are the positional <...> values directly in this block, in
	// order; a line holding several groups yields several values.
	Values []Value
	// Properties are the PROPERTY lines directly in this block.
	Properties []Property
	// Directives are the other keyword lines (e.g. SITE_KEY_FLAGS).
	Directives []Directive
	// Children are nested blocks (property lists, multi-string lists, ...).
	Children []*Block
	// Parent is the enclosing block, nil at top level.
	Parent *Block
}

// Value is one positional <...> value.
type Value struct {
	// Text is the value without its angle brackets.
	Text string
	// Line is where the value is written.
	Line int
}

// Property is a "PROPERTY <Name><Type><String><DWord>" line.
type Property struct {
	// Name is the first field, the property name.
	Name string
	// Type is as written, normally "REG_SZ" or "REG_DWORD".
	Type string
	// String is the third field (the string value).
	String string
	// DWordRaw is the fourth field as written; DWord reads it.
	DWordRaw string
	// Line is where the PROPERTY line is written.
	Line int
}

// DWord returns the fourth field as an unsigned 32-bit number. It fails
// (naming the property and the text) when the field is empty, not a decimal
// number, negative or above 4294967295: such a value is never guessed.
func (p *Property) DWord() (uint32, error) {
	raw := strings.TrimSpace(p.DWordRaw)
	if raw == "" {
		return 0, fmt.Errorf("%s has no DWORD value", p.Name)
	}
	n, err := strconv.ParseUint(raw, 10, 32)
	if err != nil {
		why := "is not a decimal number"
		switch {
		case strings.HasPrefix(raw, "-"):
			why = "is negative"
		case isDigits(raw):
			why = "is out of the DWORD range 0-4294967295"
		}
		return 0, fmt.Errorf("%s DWORD value %q %s", p.Name, clip(raw), why)
	}
	return uint32(n), nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Directive is a "KEYWORD <a><b>..." line other than PROPERTY.
type Directive struct {
	// Keyword is the leading word in upper case, e.g. "SITE_KEY_FLAGS".
	Keyword string
	// Values are the <...> groups that follow it.
	Values []string
	// Line is where the directive is written.
	Line int
}

// ParseError is an error tied to a line of a named file ("file:line: msg").
type ParseError = textenc.ParseError

// Options tunes ParseWithOptions: MaxFileSize caps the bytes read (0 means
// DefaultMaxFileSize).
type Options = textenc.Options

// Parse reads a site control file from r with default options.
func Parse(r io.Reader, name string) (*File, error) {
	return ParseWithOptions(r, name, Options{})
}

// ParseWithOptions reads a site control file from r; name is used in errors.
// The file is ASCII per the SDK; a UTF-8 or UTF-16 BOM is honoured anyway.
func ParseWithOptions(r io.Reader, name string, opt Options) (*File, error) {
	raw, err := textenc.ReadFile(r, opt.MaxFileSize, DefaultMaxFileSize)
	if err != nil {
		return nil, &ParseError{File: name, Msg: err.Error()}
	}
	return ParseBytes(raw, name)
}

// padding is what is trimmed from both ends of every line: white space, NUL
// (files padded with zero bytes) and Ctrl-Z (the DOS end-of-file mark).
const padding = " \t\r\n\v\f\x00\x1a"

// ParseBytes parses an in-memory site control file (no size cap). It fails
// only when nothing in raw reads as a site control file (no header and no
// block); otherwise every unreadable line is in File.Warnings.
func ParseBytes(raw []byte, name string) (*File, error) {
	var text string
	switch enc, n := textenc.Detect(raw); enc {
	case textenc.UTF16LE, textenc.UTF16BE:
		text, _ = textenc.UTF16(raw[n:], enc == textenc.UTF16BE)
	default:
		text = string(raw[n:])
	}
	p := &parser{f: &File{Name: name}}
	for i, l := range strings.Split(text, "\n") {
		p.line(i+1, strings.Trim(l, padding))
	}
	p.end()
	f := p.f
	f.Unreadable = p.unread
	if more := p.unread - (MaxWarnings - 1); more > 0 && len(f.Warnings) == MaxWarnings {
		f.Warnings[MaxWarnings-1].Msg = fmt.Sprintf("%d further unreadable lines are not reported", more)
	}
	if f.Header == nil && len(f.Blocks) == 0 {
		if p.unread == 0 && len(f.Directives) == 0 {
			return nil, &ParseError{File: name, Msg: "empty: no site control file content"}
		}
		if p.unread == 0 {
			return nil, &ParseError{File: name, Line: f.Directives[0].Line, Msg: "not a site control file: no BEGIN_ block or SITE CONTROL FILE header"}
		}
		first := p.firstBad
		return nil, &ParseError{File: name, Line: first.Line, Msg: fmt.Sprintf("not a site control file: no BEGIN_ block or SITE CONTROL FILE header, %d unreadable lines (first: %s)", p.unread, first.Msg)}
	}
	return f, nil
}

type parser struct {
	f        *File
	stack    []*Block
	skip     int // depth of blocks being skipped beyond MaxDepth
	unread   int // lines that could not be read
	firstBad ParseError
}

func (p *parser) warn(line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if p.unread == 0 {
		p.firstBad = ParseError{File: p.f.Name, Line: line, Msg: msg}
	}
	p.unread++
	switch n := len(p.f.Warnings); {
	case n < MaxWarnings-1:
		p.f.Warnings = append(p.f.Warnings, &ParseError{File: p.f.Name, Line: line, Msg: msg})
	case n == MaxWarnings-1:
		p.f.Warnings = append(p.f.Warnings, &ParseError{File: p.f.Name, Line: line, Msg: "further unreadable lines are not reported"})
	}
}

func (p *parser) cur() *Block {
	if len(p.stack) == 0 {
		return nil
	}
	return p.stack[len(p.stack)-1]
}

// keyword splits a line into its leading word (upper-cased) and the rest.
func keyword(l string) (kw, rest string) {
	i := strings.IndexAny(l, " \t<[")
	if i < 0 {
		return strings.ToUpper(l), ""
	}
	return strings.ToUpper(l[:i]), strings.TrimLeft(l[i:], " \t")
}

func (p *parser) line(n int, l string) {
	if l == "" {
		return
	}
	cur := p.cur()
	kw, rest := keyword(l)
	if p.skip > 0 {
		switch {
		case strings.HasPrefix(kw, "BEGIN_"):
			p.skip++
		case strings.HasPrefix(kw, "END_"):
			p.skip--
		}
		return
	}
	switch {
	case l[0] != '<' && strings.HasPrefix(strings.ToUpper(l), "SITE CONTROL FILE"):
		if p.f.Header != nil || cur != nil || len(p.f.Blocks) > 0 {
			p.warn(n, "header line %q after the start of the file", clip(l))
			return
		}
		vals, err := brackets(strings.TrimLeft(l[len("SITE CONTROL FILE"):], " \t"))
		if err != nil || len(vals) != 2 {
			p.warn(n, "malformed header %q, want SITE CONTROL FILE [build][syntax]", clip(l))
			return
		}
		p.f.Header = &Header{Build: vals[0], Syntax: vals[1], Line: n}
	case strings.HasPrefix(kw, "BEGIN_"):
		bk := kw[len("BEGIN_"):]
		if !isKeyword(bk) || rest != "" {
			p.warn(n, "malformed block start %q", clip(l))
			return
		}
		if len(p.stack) >= MaxDepth {
			p.warn(n, "blocks nested deeper than %d; BEGIN_%s skipped up to its END_%s", MaxDepth, bk, bk)
			p.skip = 1
			return
		}
		b := &Block{Keyword: bk, Line: n, Parent: cur}
		if cur != nil {
			cur.Children = append(cur.Children, b)
		} else {
			p.f.Blocks = append(p.f.Blocks, b)
		}
		p.stack = append(p.stack, b)
	case strings.HasPrefix(kw, "END_"):
		ek := kw[len("END_"):]
		if rest != "" || !isKeyword(ek) {
			p.warn(n, "malformed block end %q", clip(l))
			return
		}
		if cur == nil {
			p.warn(n, "%s without BEGIN_%s", clip(l), clip(ek))
			return
		}
		// Close up to the innermost open block with this keyword; the
		// blocks inside it were never closed.
		for i := len(p.stack) - 1; i >= 0; i-- {
			if p.stack[i].Keyword != ek {
				continue
			}
			for j := len(p.stack) - 1; j > i; j-- {
				p.warn(p.stack[j].Line, "BEGIN_%s is not closed before END_%s (line %d)", p.stack[j].Keyword, ek, n)
			}
			p.stack[i].EndLine = n
			p.stack = p.stack[:i]
			return
		}
		p.warn(n, "%s does not close BEGIN_%s (line %d)", clip(l), cur.Keyword, cur.Line)
	case l[0] == '<':
		if cur == nil {
			p.warn(n, "value outside any block")
			return
		}
		vals, err := angles(l)
		if err != nil {
			p.warn(n, "%v", err)
			return
		}
		for _, v := range vals {
			cur.Values = append(cur.Values, Value{Text: v, Line: n})
		}
	default:
		if !isKeyword(kw) || rest == "" {
			p.warn(n, "unexpected line %q", clip(l))
			return
		}
		var vals []string
		if rest != "" {
			var err error
			if vals, err = angles(rest); err != nil {
				p.warn(n, "unexpected line %q: %v", clip(l), err)
				return
			}
		}
		if kw == "PROPERTY" {
			p.property(n, cur, rest, vals)
			return
		}
		d := Directive{Keyword: kw, Values: vals, Line: n}
		if cur != nil {
			cur.Directives = append(cur.Directives, d)
		} else {
			p.f.Directives = append(p.f.Directives, d)
		}
	}
}

func (p *parser) property(n int, cur *Block, rest string, vals []string) {
	if cur == nil {
		p.warn(n, "PROPERTY outside any block")
		return
	}
	if len(vals) != 4 {
		// White space inside a string value ("<a> <b>") may have split
		// it: the strict reading (groups only where "><" touch) decides.
		if strict, err := groupsStrict(rest, '<', '>'); err == nil && len(strict) == 4 {
			vals = strict
		} else {
			p.warn(n, "PROPERTY has %d fields, want <Name><Type><String><DWord>", len(vals))
			return
		}
	}
	cur.Properties = append(cur.Properties, Property{Name: vals[0], Type: vals[1], String: vals[2], DWordRaw: vals[3], Line: n})
}

// end closes the blocks left open at the end of the file, with a warning
// each; their content is kept.
func (p *parser) end() {
	for i := len(p.stack) - 1; i >= 0; i-- {
		p.warn(p.stack[i].Line, "BEGIN_%s is never closed", p.stack[i].Keyword)
	}
	p.stack = nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// isKeyword reports whether s looks like a keyword (letters of either
// case, digits, '_'); callers upper-case it.
func isKeyword(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// angles splits "<a><b>...<z>" (white space allowed between groups) into
// its values. A value ends at a '>' that is followed by '<' (after optional
// white space) or by the end of the line, so a lone '>' inside a value
// (possible in string properties) is kept.
func angles(s string) ([]string, error) { return groups(s, '<', '>', true) }

func brackets(s string) ([]string, error) { return groups(s, '[', ']', true) }

// groupsStrict splits groups only where they touch ("><"), so that a value
// may hold "> <".
func groupsStrict(s string, open, close byte) ([]string, error) { return groups(s, open, close, false) }

func groups(s string, open, close byte, spaced bool) ([]string, error) {
	var out []string
	for s != "" {
		if s[0] != open {
			return nil, fmt.Errorf("expected %q at %q", open, clip(s))
		}
		end := -1 // index of the closing byte of this group
		for i := 1; i < len(s); i++ {
			if s[i] != close {
				continue
			}
			j := i + 1
			if spaced {
				for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
					j++
				}
			}
			if j == len(s) || s[j] == open {
				end = i
				break
			}
		}
		if end < 0 {
			return nil, fmt.Errorf("unterminated %q group in %q", open, clip(s))
		}
		out = append(out, s[1:end])
		s = strings.TrimLeft(s[end+1:], " \t")
	}
	return out, nil
}

// walk calls fn for every block in depth-first file order.
func (f *File) walk(fn func(*Block)) {
	var rec func([]*Block)
	rec = func(bs []*Block) {
		for _, b := range bs {
			fn(b)
			rec(b.Children)
		}
	}
	rec(f.Blocks)
}

// Name returns the block's first positional value (its item name, e.g. the
// component name), or "".
func (b *Block) Name() string {
	if len(b.Values) == 0 {
		return ""
	}
	return b.Values[0].Text
}

// Components returns every block whose keyword is COMPONENT or ends in
// _COMPONENT (e.g. CLIENT_COMPONENT), at any depth, in file order.
func (f *File) Components() []*Block {
	var out []*Block
	f.walk(func(b *Block) {
		if b.Keyword == "COMPONENT" || strings.HasSuffix(b.Keyword, "_COMPONENT") {
			out = append(out, b)
		}
	})
	return out
}

// Component returns the first component block named name (compared
// case-insensitively), e.g. "SMS_WSUS_CONFIGURATION_MANAGER", or nil.
func (f *File) Component(name string) *Block {
	for _, b := range f.Components() {
		if strings.EqualFold(b.Name(), name) {
			return b
		}
	}
	return nil
}

// SiteSystemRoles returns every block, at any depth, one of whose own
// positional values equals roleName (case-insensitively), e.g.
// RoleSoftwareUpdatePoint.
//
// The section keyword ConfigMgr 2007 uses for site-system roles is NOT
// verified: the SMS Provider log shows the item type "System Resource
// Usage" and item name "<NALPath>,<RoleName>" (docs/sources.md), suggesting
// BEGIN_SYSTEM_RESOURCE_USAGE, but no verbatim 2007 block was found. So any
// BEGIN_ keyword is accepted and the role name is looked for among the
// positional values.
func (f *File) SiteSystemRoles(roleName string) []*Block {
	var out []*Block
	f.walk(func(b *Block) {
		for _, v := range b.Values {
			if strings.EqualFold(strings.TrimSpace(v.Text), roleName) {
				out = append(out, b)
				return
			}
		}
	})
	return out
}

// Property returns the block's first PROPERTY named name (compared
// case-insensitively), or nil.
func (b *Block) Property(name string) *Property {
	for i := range b.Properties {
		if strings.EqualFold(b.Properties[i].Name, name) {
			return &b.Properties[i]
		}
	}
	return nil
}

// Directive returns the block's first directive with the keyword kw, or nil.
func (b *Block) Directive(kw string) *Directive {
	for i := range b.Directives {
		if strings.EqualFold(b.Directives[i].Keyword, kw) {
			return &b.Directives[i]
		}
	}
	return nil
}

// SiteKeyFlags returns the value of the block's SITE_KEY_FLAGS directive.
func (b *Block) SiteKeyFlags() (int64, bool) {
	d := b.Directive("SITE_KEY_FLAGS")
	if d == nil || len(d.Values) != 1 {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(d.Values[0]), 10, 64)
	return n, err == nil
}

// List is a named list held in a child block: a PROPERTY_LIST (items like
// "(REG_DWORD)Item Lifetime=11520") or a ..._MULTI_STRING_LIST.
type List struct {
	// Name is the list's first value.
	Name string
	// Qualifiers are further values on the name's line (for example the
	// "<Copy Queue>" in "<Retry Sequence><Copy Queue>").
	Qualifiers []string
	// Items are the remaining values, one per item.
	Items []Value
	// Block is the underlying block.
	Block *Block
}

// PropertyList returns the child PROPERTY_LIST named name, or nil.
func (b *Block) PropertyList(name string) *List {
	return b.list(name, func(kw string) bool { return kw == "PROPERTY_LIST" })
}

// MultiStringList returns the child block whose keyword ends in
// MULTI_STRING_LIST and whose name is name, or nil.
func (b *Block) MultiStringList(name string) *List {
	return b.list(name, func(kw string) bool { return strings.HasSuffix(kw, "MULTI_STRING_LIST") })
}

func (b *Block) list(name string, match func(string) bool) *List {
	for _, c := range b.Children {
		if !match(c.Keyword) || len(c.Values) == 0 || !strings.EqualFold(c.Values[0].Text, name) {
			continue
		}
		l := &List{Name: c.Values[0].Text, Block: c}
		for _, v := range c.Values[1:] {
			if v.Line == c.Values[0].Line {
				l.Qualifiers = append(l.Qualifiers, v.Text)
			} else {
				l.Items = append(l.Items, v)
			}
		}
		return l
	}
	return nil
}

// ParseListItem splits a property-list item "(REG_DWORD)Item Lifetime=11520"
// into its type, name and value. ok is false if s has no "(type)" prefix.
func ParseListItem(s string) (typ, name, value string, ok bool) {
	if !strings.HasPrefix(s, "(") {
		return "", "", "", false
	}
	typ, rest, ok := strings.Cut(s[1:], ")")
	if !ok {
		return "", "", "", false
	}
	name, value, _ = strings.Cut(rest, "=")
	return typ, name, value, true
}

// NAL is a parsed Network Abstraction Layer path, e.g.
// ["Display=\\SUP01.contoso.com\"]MSWNET:["SMS_SITE=ABC"]\\SUP01.contoso.com\
// (form verified from the SMS Provider log / SMS_SCI_SysResUse.NALPath;
// docs/sources.md).
type NAL struct {
	// Raw is the input.
	Raw string
	// Display is the Display= field (e.g. \\SUP01.contoso.com\).
	Display string
	// Type is the NAL provider, e.g. "MSWNET".
	Type string
	// SiteCode is the SMS_SITE= field.
	SiteCode string
	// Path is the trailing path (e.g. \\SUP01.contoso.com\).
	Path string
	// Server is the host name taken from Path, or from Display if Path has
	// none.
	Server string
}

// ParseNAL parses a NAL path.
func ParseNAL(s string) (NAL, error) {
	n := NAL{Raw: s}
	rest := strings.TrimSpace(s)
	if strings.HasPrefix(rest, `["`) {
		end := strings.Index(rest[2:], `"]`) + 2
		if end < 2 {
			return n, fmt.Errorf("NAL %q: unterminated [\"...\"] field", clip(s))
		}
		field := rest[2:end]
		if v, ok := strings.CutPrefix(field, "Display="); ok {
			n.Display = v
		}
		rest = rest[end+2:]
	}
	typ, after, ok := strings.Cut(rest, ":")
	if !ok || typ == "" || strings.ContainsAny(typ, `\[]"`) {
		return n, fmt.Errorf("NAL %q: missing provider type (e.g. MSWNET:)", clip(s))
	}
	n.Type, rest = typ, after
	for strings.HasPrefix(rest, `["`) {
		end := strings.Index(rest[2:], `"]`) + 2
		if end < 2 {
			return n, fmt.Errorf("NAL %q: unterminated [\"...\"] field", clip(s))
		}
		if v, ok := strings.CutPrefix(rest[2:end], "SMS_SITE="); ok {
			n.SiteCode = v
		}
		rest = rest[end+2:]
	}
	n.Path = rest
	n.Server = serverFromUNC(n.Path)
	if n.Server == "" {
		n.Server = serverFromUNC(n.Display)
	}
	if n.Server == "" {
		return n, fmt.Errorf("NAL %q: no server name", clip(s))
	}
	return n, nil
}

func serverFromUNC(p string) string {
	p = strings.TrimLeft(p, `\`)
	host, _, _ := strings.Cut(p, `\`)
	return strings.TrimSpace(host)
}

// NAL returns the first positional value of b that parses as a NAL path.
func (b *Block) NAL() (NAL, bool) {
	for _, v := range b.Values {
		if !strings.Contains(v.Text, ":") || !strings.Contains(v.Text, `\\`) {
			continue
		}
		if n, err := ParseNAL(v.Text); err == nil {
			return n, true
		}
	}
	return NAL{}, false
}

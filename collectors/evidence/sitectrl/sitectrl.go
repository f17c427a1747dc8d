// Package sitectrl parses the ConfigMgr 2007 / SMS site control file
// (sitectrl.ct0) into a generic tree of blocks.
//
// Grammar (sources in /work/shared/domain-facts.md §4):
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
//
// The parser does not know block keywords: any BEGIN_X ... END_X pair is a
// Block with Keyword "X"; any other "WORD <a><b>" line is a Directive.
package sitectrl

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/supaudit/supaudit/collectors/evidence/internal/textenc"
)

// DefaultMaxFileSize is the default cap on bytes read from one file. Real
// site control files are a few hundred KB to a few MB.
const DefaultMaxFileSize int64 = 64 << 20

// MaxDepth caps block nesting; deeper input is rejected.
const MaxDepth = 64

// RoleSoftwareUpdatePoint is the site-system role name of a software update
// point (SMS_SCI_SysResUse RoleName, domain-facts §4).
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
	// Keyword is X of BEGIN_X, e.g. "CLIENT_COMPONENT", "PROPERTY_LIST".
	Keyword string
	// Line and EndLine are the lines of BEGIN_X and END_X.
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
	// DWord is the fourth field parsed as a decimal (negative numbers wrap
	// to uint32); 0 if empty or unparsable, see DWordRaw.
	DWord uint32
	// DWordRaw is the fourth field as written.
	DWordRaw string
	// Line is where the PROPERTY line is written.
	Line int
}

// Directive is a "KEYWORD <a><b>..." line other than PROPERTY.
type Directive struct {
	// Keyword is the leading word, e.g. "SITE_KEY_FLAGS".
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

// ParseBytes parses an in-memory site control file (no size cap).
func ParseBytes(raw []byte, name string) (*File, error) {
	var text string
	switch enc, n := textenc.Detect(raw); enc {
	case textenc.UTF16LE, textenc.UTF16BE:
		text, _ = textenc.UTF16(raw[n:], enc == textenc.UTF16BE)
	default:
		text = string(raw[n:])
	}
	f := &File{Name: name}
	errf := func(line int, format string, args ...any) error {
		return &ParseError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	var stack []*Block
	for i, l := range strings.Split(text, "\n") {
		lineNo := i + 1
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		var cur *Block
		if len(stack) > 0 {
			cur = stack[len(stack)-1]
		}
		switch {
		case strings.HasPrefix(l, "SITE CONTROL FILE"):
			if f.Header != nil || cur != nil || len(f.Blocks) > 0 {
				return nil, errf(lineNo, "unexpected header line")
			}
			vals, err := brackets(strings.TrimSpace(l[len("SITE CONTROL FILE"):]))
			if err != nil || len(vals) != 2 {
				return nil, errf(lineNo, "malformed header %q, want SITE CONTROL FILE [build][syntax]", clip(l))
			}
			f.Header = &Header{Build: vals[0], Syntax: vals[1], Line: lineNo}
		case strings.HasPrefix(l, "BEGIN_"):
			kw := l[len("BEGIN_"):]
			if !isKeyword(kw) {
				return nil, errf(lineNo, "malformed block start %q", clip(l))
			}
			if len(stack) >= MaxDepth {
				return nil, errf(lineNo, "blocks nested deeper than %d", MaxDepth)
			}
			b := &Block{Keyword: kw, Line: lineNo, Parent: cur}
			if cur != nil {
				cur.Children = append(cur.Children, b)
			} else {
				f.Blocks = append(f.Blocks, b)
			}
			stack = append(stack, b)
		case strings.HasPrefix(l, "END_"):
			kw := l[len("END_"):]
			if cur == nil {
				return nil, errf(lineNo, "%s without BEGIN_%s", clip(l), clip(kw))
			}
			if kw != cur.Keyword {
				return nil, errf(lineNo, "%s does not close BEGIN_%s (line %d)", clip(l), cur.Keyword, cur.Line)
			}
			cur.EndLine = lineNo
			stack = stack[:len(stack)-1]
		case l[0] == '<':
			if cur == nil {
				return nil, errf(lineNo, "value outside any block")
			}
			vals, err := angles(l)
			if err != nil {
				return nil, errf(lineNo, "%v", err)
			}
			for _, v := range vals {
				cur.Values = append(cur.Values, Value{Text: v, Line: lineNo})
			}
		default:
			kw, rest, _ := strings.Cut(l, " ")
			if !isKeyword(kw) {
				return nil, errf(lineNo, "unexpected line %q", clip(l))
			}
			var vals []string
			if rest = strings.TrimSpace(rest); rest != "" {
				var err error
				if vals, err = angles(rest); err != nil {
					return nil, errf(lineNo, "unexpected line %q: %v", clip(l), err)
				}
			}
			if kw == "PROPERTY" {
				if cur == nil {
					return nil, errf(lineNo, "PROPERTY outside any block")
				}
				if len(vals) != 4 {
					return nil, errf(lineNo, "PROPERTY has %d fields, want <Name><Type><String><DWord>", len(vals))
				}
				p := Property{Name: vals[0], Type: vals[1], String: vals[2], DWordRaw: vals[3], Line: lineNo}
				if n, err := strconv.ParseInt(vals[3], 10, 64); err == nil {
					p.DWord = uint32(n)
				}
				cur.Properties = append(cur.Properties, p)
				continue
			}
			d := Directive{Keyword: kw, Values: vals, Line: lineNo}
			if cur != nil {
				cur.Directives = append(cur.Directives, d)
			} else {
				f.Directives = append(f.Directives, d)
			}
		}
	}
	if len(stack) > 0 {
		b := stack[len(stack)-1]
		return nil, errf(b.Line, "BEGIN_%s is never closed", b.Keyword)
	}
	return f, nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// isKeyword reports whether s looks like an upper-case keyword
// (A-Z, 0-9, '_').
func isKeyword(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// angles splits "<a><b>...<z>" into its values. A value ends at a '>' that
// is followed by '<' or by the end of the line, so a lone '>' inside a value
// (possible in string properties) is kept.
func angles(s string) ([]string, error) { return groups(s, '<', '>') }

func brackets(s string) ([]string, error) { return groups(s, '[', ']') }

func groups(s string, open, close byte) ([]string, error) {
	var out []string
	sep := string([]byte{close, open})
	for s != "" {
		if s[0] != open {
			return nil, fmt.Errorf("expected %q at %q", open, clip(s))
		}
		if i := strings.Index(s[1:], sep); i >= 0 {
			out = append(out, s[1:1+i])
			s = s[1+i+1:]
			continue
		}
		if s[len(s)-1] != close || len(s) < 2 {
			return nil, fmt.Errorf("unterminated %q group in %q", open, clip(s))
		}
		out = append(out, s[1:len(s)-1])
		break
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
// Usage" and item name "<NALPath>,<RoleName>" (domain-facts §4), suggesting
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
		if b.Directives[i].Keyword == kw {
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
	n, err := strconv.ParseInt(d.Values[0], 10, 64)
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
// (form verified from the SMS Provider log / SMS_SCI_SysResUse.NALPath,
// domain-facts §4).
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

package facts

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/supaudit/supaudit/internal/capread"
)

// DefaultMaxSize is the largest snapshot file Load reads (64 MiB). A real
// snapshot of one site is a few kilobytes; the cap keeps a wrong file (a
// disk image, a log) from exhausting memory.
const DefaultMaxSize int64 = 64 << 20

//go:embed schema.json
var schemaJSON []byte

// SchemaJSON returns the JSON Schema of snapshot version 1.
func SchemaJSON() []byte { return bytes.Clone(schemaJSON) }

var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("embedded schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "supaudit-facts-v1.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("embedded schema: %w", err)
	}
	return c.Compile(url)
})

// Error is a snapshot that could not be loaded. It names the file and,
// where it can, the line and column (syntax errors) or the JSON path
// (schema violations).
type Error struct {
	File string
	// Line and Col locate a syntax error; zero when not known.
	Line, Col int
	// Path is a JSON Pointer (RFC 6901) to the offending value; empty for
	// errors about the file as a whole.
	Path string
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	if e.Path != "" {
		b.WriteString(": ")
		b.WriteString(e.Path)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Document is a loaded, validated snapshot: the typed form for Go code and
// the generic form that policies are evaluated against.
type Document struct {
	// File is where the snapshot was read from.
	File string
	// Snapshot is the typed snapshot.
	Snapshot *Snapshot
	// Raw is the decoded JSON (objects as map[string]any, numbers as
	// json.Number), as validated.
	Raw map[string]any
}

// Options controls Load.
type Options struct {
	// MaxSize caps the file size in bytes; 0 means DefaultMaxSize.
	MaxSize int64
}

// LoadFile reads and validates the snapshot at path.
func LoadFile(path string, opts Options) (*Document, error) {
	f, err := capread.Open(path)
	if err != nil {
		var nr *capread.NotRegularError
		if errors.As(err, &nr) {
			if nr.Mode.IsDir() {
				return nil, &Error{File: path, Msg: "is a directory, not a snapshot file", Err: err}
			}
			return nil, &Error{File: path, Msg: "is " + capread.Kind(nr.Mode) + ", not a regular file: give a snapshot file", Err: err}
		}
		return nil, &Error{File: path, Msg: "cannot open: " + errText(err), Err: err}
	}
	defer f.Close()
	max := opts.MaxSize
	if max <= 0 {
		max = DefaultMaxSize
	}
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			return nil, &Error{File: path, Msg: "is a directory, not a snapshot file"}
		}
		if st.Size() > max {
			return nil, &Error{File: path, Msg: fmt.Sprintf("file is %d bytes, larger than the %d byte limit (a snapshot of one site is a few kilobytes; raise --max-size if this is intended)", st.Size(), max)}
		}
	}
	data, err := capread.Read(f, max)
	if errors.Is(err, capread.ErrTooLarge) {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file is larger than the %d byte limit", max)}
	}
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read: " + errText(err), Err: err}
	}
	return Parse(path, data)
}

func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Parse validates data as a version 1 snapshot; name is used in errors.
func Parse(name string, data []byte) (*Document, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "empty file, expected a JSON snapshot object"}
	}
	if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		data = data[3:]
	}
	if enc := utf16Kind(data); enc != "" {
		return nil, &Error{File: name, Msg: "the file is " + enc + ", not UTF-8: save it as UTF-8 (in PowerShell: Get-Content FILE | Set-Content -Encoding UTF8 NEW; PowerShell 5's Out-File and > write UTF-16)"}
	}
	v, err := decodeJSON(name, data)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{File: name, Path: "/", Msg: fmt.Sprintf("expected a JSON object, got %s", jsonType(v))}
	}
	switch s := obj["schema"].(type) {
	case nil:
		return nil, &Error{File: name, Path: "/schema", Msg: fmt.Sprintf("missing; expected %q", SchemaV1)}
	case string:
		if s != SchemaV1 {
			return nil, &Error{File: name, Path: "/schema", Msg: fmt.Sprintf("unsupported snapshot schema %q; this supaudit reads %q", s, SchemaV1)}
		}
	default:
		return nil, &Error{File: name, Path: "/schema", Msg: fmt.Sprintf("expected the string %q, got %s", SchemaV1, jsonType(s))}
	}
	sch, err := compiledSchema()
	if err != nil {
		return nil, err
	}
	if err := sch.Validate(v); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			path, msg := bestCause(ve)
			return nil, &Error{File: name, Path: path, Msg: msg, Err: err}
		}
		return nil, &Error{File: name, Msg: err.Error(), Err: err}
	}
	var snap Snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		// The schema and the Go types describe the same format; reaching
		// here means they drifted apart.
		return nil, &Error{File: name, Msg: "a value has the right JSON type but cannot be read: " + err.Error() + " (times must be RFC 3339, e.g. 2026-11-20T09:30:00Z, with a year from 0000 to 9999 and seconds below 60; numbers must fit their field): correct the value", Err: err}
	}
	if err := checkSemantics(&snap); err != nil {
		var le *Error
		if errors.As(err, &le) {
			le.File = name
		}
		return nil, err
	}
	return &Document{File: name, Snapshot: &snap, Raw: obj}, nil
}

func decodeJSON(name string, data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		line, col := offsetToLineCol(data, dec.InputOffset())
		msg := err.Error()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col = offsetToLineCol(data, se.Offset)
			msg = "invalid JSON: " + se.Error()
		} else if errors.Is(err, io.ErrUnexpectedEOF) {
			line, col = offsetToLineCol(data, int64(len(data)))
			msg = "invalid JSON: unexpected end of file (truncated?)"
		}
		return nil, &Error{File: name, Line: line, Col: col, Msg: msg, Err: err}
	}
	if dec.More() {
		line, col := offsetToLineCol(data, dec.InputOffset())
		return nil, &Error{File: name, Line: line, Col: col, Msg: "invalid JSON: extra data after the snapshot object"}
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := offsetToLineCol(data, dec.InputOffset())
		return nil, &Error{File: name, Line: line, Col: col, Msg: "invalid JSON: extra data after the snapshot object"}
	}
	if err := noDuplicateKeys(name, data); err != nil {
		return nil, err
	}
	return v, nil
}

// noDuplicateKeys refuses an object that has a key twice: encoding/json
// keeps the last one silently, so `"schema":"evil/v9","schema":...` would
// pass as whatever came last. A syntactic pass of
// github.com/go-json-experiment/json/jsontext (which compares the keys as
// decoded, escapes and all) finds them; data has been decoded by
// encoding/json already, so only its duplicate-key errors count.
func noDuplicateKeys(name string, data []byte) error {
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowInvalidUTF8(true))
	_, err := dec.ReadValue()
	var se *jsontext.SyntacticError
	if err == nil || !errors.As(err, &se) || !errors.Is(se.Err, jsontext.ErrDuplicateName) {
		return nil
	}
	ptr := string(se.JSONPointer)
	key := ptr[strings.LastIndexByte(ptr, '/')+1:]
	key = strings.NewReplacer("~1", "/", "~0", "~").Replace(key)
	line, col := offsetToLineCol(data, se.ByteOffset)
	return &Error{File: name, Line: line, Col: col, Path: ptr, Msg: fmt.Sprintf("duplicate key %q: each key may appear once in an object (encoding/json would keep only the last); remove one", key)}
}

// utf16Kind says whether data looks like UTF-16 text ("UTF-16 (little
// endian)" or "UTF-16 (big endian)"): a byte order mark, or a NUL byte
// beside each of the first ASCII characters.
func utf16Kind(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return "UTF-16 (little endian)"
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return "UTF-16 (big endian)"
	case len(data) >= 4 && data[0] != 0 && data[1] == 0 && data[2] != 0 && data[3] == 0:
		return "UTF-16 (little endian)"
	case len(data) >= 4 && data[0] == 0 && data[1] != 0 && data[2] == 0 && data[3] != 0:
		return "UTF-16 (big endian)"
	}
	return ""
}

func offsetToLineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

var printer = message.NewPrinter(language.English)

// bestCause picks the most specific leaf of a validation error tree: the
// deepest instance location, so that "/servers/0/wsus/port/value: got
// string, want integer" is reported rather than "oneOf failed" at the root.
func bestCause(ve *jsonschema.ValidationError) (string, string) {
	type leaf struct {
		loc []string
		msg string
	}
	var leaves []leaf
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if msg, ok := factShapeMessage(e); ok {
			leaves = append(leaves, leaf{e.InstanceLocation, msg})
			return
		}
		if len(e.Causes) == 0 {
			leaves = append(leaves, leaf{e.InstanceLocation, e.ErrorKind.LocalizedString(printer)})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	if len(leaves) == 0 {
		return "/", ve.Error()
	}
	sort.SliceStable(leaves, func(i, j int) bool { return len(leaves[i].loc) > len(leaves[j].loc) })
	best := leaves[0]
	return pointer(best.loc), best.msg
}

// factShapeMessage words the failure of a fact's "exactly one of value
// and unknown" rule (factShape's oneOf) for people rather than as the
// schema keyword.
func factShapeMessage(e *jsonschema.ValidationError) (string, bool) {
	k, ok := e.ErrorKind.(*kind.OneOf)
	if !ok || !strings.HasSuffix(e.SchemaURL, "#/$defs/factShape") {
		return "", false
	}
	if len(k.Subschemas) > 1 {
		return `has both "value" and "unknown"; a fact is either known ("value") or unknown ("unknown" gives the reason)`, true
	}
	return `has neither "value" nor "unknown"; a fact is either known ("value") or unknown ("unknown" gives the reason)`, true
}

func pointer(loc []string) string {
	if len(loc) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, p := range loc {
		b.WriteByte('/')
		p = strings.ReplaceAll(p, "~", "~0")
		p = strings.ReplaceAll(p, "/", "~1")
		b.WriteString(p)
	}
	return b.String()
}

// checkSemantics enforces what the schema cannot express.
func checkSemantics(s *Snapshot) error {
	seen := map[string]int{}
	for i, srv := range s.Servers {
		k := strings.ToLower(strings.TrimSuffix(srv.FQDN, "."))
		if j, dup := seen[k]; dup {
			return &Error{Path: fmt.Sprintf("/servers/%d/fqdn", i), Msg: fmt.Sprintf("server %q is listed twice (also /servers/%d)", srv.FQDN, j)}
		}
		seen[k] = i
	}
	return nil
}
